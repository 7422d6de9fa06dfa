/**
 * WebSocket fan-out: N clients on one live page server, each receiving every snapshot pushed at
 * the dashboard's interval. Reports the p99 delay from snapshot creation to receipt and the
 * server's RSS, beside the same measurement for a single client over the same number of snapshots.
 *
 * Three processes, so that each figure belongs to what it names: this one orchestrates, a server
 * child runs the dashboard and the web server (its RSS is serverRssMb; a fresh one per run), and a
 * clients child holds the N ws clients. "Creation" is the moment the snapshot reached the server's
 * main thread (the Dashboard's 'snapshot' event, stamped into the frame as `t`); "receipt" is the
 * client's 'message' event. Both clocks are performance.timeOrigin + performance.now() on one machine.
 * A client reads seq and t from the frame's head rather than parsing the whole snapshot: the
 * clients child stands in for N separate browsers and must not become the bottleneck itself.
 *
 *   node dist/bench/ws-fanout.js --clients 1000 --seconds 10     prints the result as JSON
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

export interface FanoutOptions {
  /** WebSocket clients in the fan-out run. Default 1000. */
  clients?: number;
  /** Length of the fan-out run; the single-client run covers the same number of snapshots. Default 10. */
  seconds?: number;
  /** The dashboard's sampling interval. Default 1000. */
  intervalMs?: number;
}

export interface FanoutRun {
  clients: number;
  /** Snapshots pushed during the measured window. */
  snapshots: number;
  /** Frames received (clients × snapshots when nothing is missed). */
  deliveries: number;
  /** (client, snapshot) pairs that never arrived. */
  missed: number;
  p50DelayMs: number;
  p99DelayMs: number;
  maxDelayMs: number;
  /** The server process's peak RSS during the window. */
  serverRssMb: number;
  /** The server process's RSS with its dashboard running and no client yet. */
  serverIdleRssMb: number;
  /** Frames the server skipped for clients that fell behind. */
  droppedFrames: number;
}

export interface FanoutResult extends FanoutRun {
  seconds: number;
  intervalMs: number;
  /** The reference: one client, the same number of snapshots. */
  single: FanoutRun;
}

type ServerMsg =
  | { type: 'listening'; url: string; idleRssMb: number }
  | { type: 'measured'; fromSeq: number; toSeq: number; rssPeakMb: number; dropped: number };
type ClientsMsg =
  { type: 'ready' } | { type: 'report'; deliveries: number; missed: number; delays: number[] } | { type: 'error'; message: string };

const SELF = fileURLToPath(import.meta.url);
const MB = 1024 * 1024;

function openFileLimit(): number {
  try {
    const out = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    return out === 'unlimited' ? Infinity : Number(out);
  } catch {
    return Infinity;
  }
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d;

/** The next message of `type` from a child, within a bound; a child that dies first is an error. */
function next<T extends { type: string }>(child: ChildProcess, type: T['type'], timeoutMs: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`ws-fanout: ${what} did not happen within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: { type: string; message?: string }): void => {
      if (m.type === 'error') done(new Error(`ws-fanout: ${what}: ${m.message}`));
      else if (m.type === type) done(null, m as T);
    };
    const onExit = (code: number | null): void => done(new Error(`ws-fanout: a child exited (${code}) before ${what}`));
    const done = (err: Error | null, value?: T): void => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (err) reject(err);
      else resolve(value!);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  if (child.connected) child.send({ type: 'stop' });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One run: a fresh server, `clients` clients, a window ended by `seconds` or by `snapshots` pushed. */
async function measure(
  clients: number,
  intervalMs: number,
  until: { seconds: number } | { snapshots: number; maxSeconds: number },
): Promise<FanoutRun> {
  const server = fork(SELF, ['--role', 'server', '--clients', String(clients), '--interval', String(intervalMs)], { stdio: 'inherit' });
  let clientsChild: ChildProcess | null = null;
  try {
    const listening = await next<Extract<ServerMsg, { type: 'listening' }>>(server, 'listening', 60_000, 'the server start');
    clientsChild = fork(SELF, ['--role', 'clients', '--url', listening.url, '--clients', String(clients)], { stdio: 'inherit' });
    await next(clientsChild, 'ready', 120_000, `connecting ${clients} clients`);
    server.send({ type: 'measure', ...until });
    const windowMs = 'seconds' in until ? until.seconds * 1000 : until.maxSeconds * 1000;
    const measured = await next<Extract<ServerMsg, { type: 'measured' }>>(server, 'measured', windowMs + 30_000, 'the measured window');
    clientsChild.send({ type: 'report', fromSeq: measured.fromSeq, toSeq: measured.toSeq });
    const report = await next<Extract<ClientsMsg, { type: 'report' }>>(clientsChild, 'report', 60_000, 'the clients report');
    const sorted = report.delays.sort((a, b) => a - b);
    return {
      clients,
      snapshots: measured.toSeq - measured.fromSeq + 1,
      deliveries: report.deliveries,
      missed: report.missed,
      p50DelayMs: round(percentile(sorted, 0.5)),
      p99DelayMs: round(percentile(sorted, 0.99)),
      maxDelayMs: round(sorted[sorted.length - 1] ?? NaN),
      serverRssMb: round(measured.rssPeakMb, 1),
      serverIdleRssMb: round(listening.idleRssMb, 1),
      droppedFrames: measured.dropped,
    };
  } finally {
    if (clientsChild) await stopChild(clientsChild);
    await stopChild(server);
  }
}

/** Runs the fan-out measurement, then the single-client reference over the same snapshot count. */
export async function wsFanout(options: FanoutOptions = {}): Promise<FanoutResult> {
  const clients = options.clients ?? 1000;
  const seconds = options.seconds ?? 10;
  const intervalMs = options.intervalMs ?? 1000;
  if (!Number.isInteger(clients) || clients < 1 || clients > 10_000) throw new Error(`ws-fanout: clients must be 1..10000; got ${clients}`);
  if (!(seconds >= 1 && seconds <= 600)) throw new Error(`ws-fanout: seconds must be 1..600; got ${seconds}`);
  // The server child holds one descriptor per client, and so does the clients child.
  const needed = clients + 256;
  const limit = openFileLimit();
  if (limit < needed) {
    throw new Error(
      `ws-fanout: ${clients} clients need about ${needed} open files per process but \`ulimit -n\` is ${limit}; raise it (ulimit -n ${needed}) or pass fewer --clients`,
    );
  }
  const fanout = await measure(clients, intervalMs, { seconds });
  const single = await measure(1, intervalMs, { snapshots: fanout.snapshots, maxSeconds: seconds * 3 });
  return { ...fanout, seconds, intervalMs, single };
}

// ---- server child: the dashboard and the web server -------------------------------------------

async function serverRole(clients: number, intervalMs: number): Promise<void> {
  const { startDashboard } = await import('../src/index.js');
  const { startWebServer } = await import('../src/frontends/web/index.js');
  const dash = await startDashboard({ intervalMs, httpProbe: false });
  const web = await startWebServer(dash, {
    port: 0,
    maxClients: clients + 16,
    connectionRate: { max: clients + 16, windowMs: 60_000 },
    // Every client is one connection from one address (127.0.0.1).
    maxConnections: clients + 32,
    maxConnectionsPerAddress: clients + 32,
  });
  await new Promise<void>((resolve) => dash.once('snapshot', () => resolve()));
  process.send!({ type: 'listening', url: web.url, idleRssMb: process.memoryUsage().rss / MB } satisfies ServerMsg);

  process.on('message', (m: { type: string; seconds?: number; snapshots?: number; maxSeconds?: number }) => {
    if (m.type === 'stop') {
      void web
        .close()
        .then(() => dash.stop())
        .then(() => process.exit(0));
      return;
    }
    if (m.type !== 'measure') return;
    const fromSeq = web.stats().snapshotsPublished + 1;
    const droppedBefore = web.stats().framesDropped;
    const started = Date.now();
    const limitMs = (m.seconds ?? m.maxSeconds ?? 60) * 1000;
    let peak = process.memoryUsage().rss;
    const timer = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
      const published = web.stats().snapshotsPublished - fromSeq + 1;
      const enough = m.snapshots !== undefined && published >= m.snapshots;
      if (!enough && Date.now() - started < limitMs) return;
      clearInterval(timer);
      const s = web.stats();
      const toSeq = m.snapshots !== undefined ? Math.min(s.snapshotsPublished, fromSeq + m.snapshots - 1) : s.snapshotsPublished;
      process.send!({
        type: 'measured',
        fromSeq,
        toSeq,
        rssPeakMb: peak / MB,
        dropped: s.framesDropped - droppedBefore,
      } satisfies ServerMsg);
    }, 50);
  });
}

// ---- clients child: N ws clients that time every snapshot --------------------------------------

async function clientsRole(url: string, count: number): Promise<void> {
  const { default: WebSocket } = await import('ws');
  const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
  const HEAD = /^\{"type":"snapshot","seq":(\d+),"t":([\d.]+),/;
  // seq -> receipt delays (ms), one per client that got it.
  const delays = new Map<number, number[]>();
  const sockets: InstanceType<typeof WebSocket>[] = [];
  let greeted = 0;

  const open = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
      sockets.push(ws);
      let hello = false;
      ws.on('message', (data: Buffer) => {
        const received = performance.timeOrigin + performance.now();
        if (!hello) {
          hello = true;
          greeted += 1;
          resolve();
          return;
        }
        const m = HEAD.exec(data.subarray(0, 96).toString('latin1'));
        if (!m) return;
        const seq = Number(m[1]);
        let list = delays.get(seq);
        if (!list) delays.set(seq, (list = []));
        list.push(received - Number(m[2]));
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused with ${res.statusCode}`)));
    });

  try {
    // Bounded concurrency keeps the handshakes inside the server's listen backlog.
    for (let i = 0; i < count; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, count - i) }, open));
    }
  } catch (err) {
    process.send!({ type: 'error', message: (err as Error).message } satisfies ClientsMsg);
    return;
  }
  process.send!({ type: 'ready' } satisfies ClientsMsg);

  process.on('message', (m: { type: string; fromSeq?: number; toSeq?: number }) => {
    if (m.type === 'stop') {
      for (const ws of sockets) ws.terminate();
      process.exit(0);
    }
    if (m.type !== 'report') return;
    const from = m.fromSeq!;
    const to = m.toSeq!;
    const deadline = Date.now() + 10_000;
    // The last snapshot may still be on its way to some clients.
    const finish = (): void => {
      if ((delays.get(to)?.length ?? 0) < greeted && Date.now() < deadline) {
        setTimeout(finish, 20);
        return;
      }
      const all: number[] = [];
      for (let seq = from; seq <= to; seq++) all.push(...(delays.get(seq) ?? []));
      process.send!({
        type: 'report',
        deliveries: all.length,
        missed: (to - from + 1) * greeted - all.length,
        delays: all,
      } satisfies ClientsMsg);
    };
    finish();
  });
}

// ---- entry points ----------------------------------------------------------------------------

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      clients: { type: 'string', default: '1000' },
      seconds: { type: 'string', default: '10' },
      interval: { type: 'string', default: '1000' },
      url: { type: 'string' },
    },
  });
  const clients = Number(values.clients);
  if (values.role === 'server') return serverRole(clients, Number(values.interval));
  if (values.role === 'clients') return clientsRole(values.url!, clients);
  const result = await wsFanout({ clients, seconds: Number(values.seconds), intervalMs: Number(values.interval) });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

if (process.argv[1] === SELF) {
  main().catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exitCode = 1;
  });
}
