/**
 * Load for a demo or test fleet: a few keep-alive clients per node, each sending one request at
 * a time at a bounded rate, counting every response it gets. The counts are what the fleet's
 * total must equal: a node counts a request when it finishes the response, before the client
 * reads it. A node that is down is retried after a short pause, never in a tight loop.
 */
import http from 'node:http';

export interface LoadTarget {
  name: string;
  port: number;
}

export interface FleetLoadOptions {
  /** Clients per node. Default 2. */
  clients?: number;
  /** Requests per second per client at most. Default 50. */
  rate?: number;
  /** The path each request asks for (e.g. '/?ms=5'), or a function of the request number. */
  path?: string | ((n: number) => string);
}

interface Target {
  port: number;
  agent: http.Agent;
  answered: number;
  running: boolean;
  loops: Array<Promise<void>>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function get(port: number, agent: http.Agent, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent, timeout: 10_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(true));
      res.on('error', () => resolve(false));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export class FleetLoad {
  private readonly targets = new Map<string, Target>();
  private n = 0;

  constructor(private readonly options: FleetLoadOptions = {}) {}

  /** Starts (or restarts, on a new port) the load on one node. */
  start(t: LoadTarget): void {
    const old = this.targets.get(t.name);
    if (old?.running) return;
    const target: Target = {
      port: t.port,
      agent: new http.Agent({ keepAlive: true, maxSockets: this.options.clients ?? 2 }),
      answered: old?.answered ?? 0,
      running: true,
      loops: [],
    };
    old?.agent.destroy();
    this.targets.set(t.name, target);
    for (let i = 0; i < (this.options.clients ?? 2); i++) target.loops.push(this.loop(target));
  }

  private async loop(t: Target): Promise<void> {
    const gapMs = 1000 / (this.options.rate ?? 50);
    while (t.running) {
      const started = Date.now();
      const p = this.options.path;
      const path = typeof p === 'function' ? p(this.n++) : (p ?? '/');
      if (await get(t.port, t.agent, path)) t.answered += 1;
      else await sleep(100);
      await sleep(Math.max(0, gapMs - (Date.now() - started)));
    }
  }

  /** Stops the load on one node; resolves when its last request has settled. */
  async pause(name: string): Promise<void> {
    const t = this.targets.get(name);
    if (!t) return;
    t.running = false;
    await Promise.all(t.loops);
    t.agent.destroy();
  }

  /** Responses received per node. */
  counts(): Record<string, number> {
    return Object.fromEntries([...this.targets].map(([name, t]) => [name, t.answered]));
  }

  total(): number {
    let sum = 0;
    for (const t of this.targets.values()) sum += t.answered;
    return sum;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.targets.keys()].map((name) => this.pause(name)));
  }
}
