/**
 * The demo load generator: one timer whose delay follows demoRate(), requests over a small
 * keep-alive agent, a cap on requests in flight so a slow app never piles work up.
 */
import http from 'node:http';
import { demoPath, demoRate, demoRequest } from './demo-mix.js';

export interface DemoLoad {
  /** Requests sent and answered so far. */
  readonly sent: number;
  readonly answered: number;
  stop(): Promise<void>;
}

export interface DemoLoadOptions {
  /** Most requests in flight at once. Default 8. */
  maxInFlight?: number;
  /** Sockets the keep-alive agent may open. Default 4. */
  maxSockets?: number;
  random?: () => number;
}

export function startDemoLoad(baseUrl: string, options: DemoLoadOptions = {}): DemoLoad {
  const maxInFlight = options.maxInFlight ?? 8;
  const random = options.random ?? Math.random;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 4 });
  const started = Date.now();
  const inFlight = new Set<http.ClientRequest>();
  let sent = 0;
  let answered = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let drained: (() => void) | null = null;

  const settle = (req: http.ClientRequest): void => {
    if (!inFlight.delete(req)) return;
    if (inFlight.size === 0) drained?.();
  };

  const fire = (): void => {
    if (inFlight.size >= maxInFlight) return;
    const ask = demoRequest(random(), random(), random());
    const req = http.get(`${baseUrl}${demoPath(ask)}`, { agent }, (res) => {
      res.resume();
      res.on('end', () => {
        answered++;
        settle(req);
      });
      res.on('error', () => settle(req));
    });
    req.on('error', () => settle(req));
    inFlight.add(req);
    sent++;
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(
      () => {
        fire();
        schedule();
      },
      1000 / demoRate(Date.now() - started),
    );
  };
  schedule();

  return {
    get sent() {
      return sent;
    },
    get answered() {
      return answered;
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (inFlight.size > 0) {
        // Let answers in progress finish (the slowest demo answer takes 300 ms), then cut the rest.
        await new Promise<void>((resolve) => {
          const cut = setTimeout(resolve, 500);
          drained = () => {
            clearTimeout(cut);
            resolve();
          };
        });
      }
      for (const req of inFlight) req.destroy();
      inFlight.clear();
      agent.destroy();
    },
  };
}
