/**
 * The soak: the engine under random faults of every kind on every thread, HTTP load and
 * recordRequest() calls, for as long as asked. At the end it prints what a leak, a lost
 * request or an escaped error would show: RSS and heap slopes after warm-up, thread and
 * descriptor counts against the start, restarts survived, uncaught errors, and the request
 * total against the clients' own count.
 *
 *   npm run soak -- --minutes 10        (add --json for one machine-readable line; --targets
 *                                       coordinator,cpu,… to fault only some threads)
 */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import http from 'node:http';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import vm from 'node:vm';
import { startDashboard } from '../../src/index.js';
import { FAULT_KINDS } from '../../src/protocol/control.js';
import { startLoad } from './load.js';
import { slope } from './slope.js';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    json: { type: 'boolean', default: false },
    // To tell which deaths a leak follows: e.g. --targets coordinator, or --targets cpu,memory,requests,soak.
    targets: { type: 'string', default: 'coordinator,cpu,memory,requests,soak' },
  },
  strict: true,
});
const minutes = Number(args.minutes);
if (!(minutes > 0 && minutes <= 24 * 60)) {
  process.stderr.write(`soak: --minutes expects a number of minutes above 0, e.g. 10 or 0.5; got '${args.minutes}'\n`);
  process.exit(2);
}
const runMs = minutes * 60_000;
// The first fifth of the run (at least 15 s) warms up: code compiled, pools and caches filled.
const warmupMs = Math.max(15_000, runMs / 5);

let uncaught = 0;
process.on('uncaughtException', (err) => {
  uncaught++;
  process.stderr.write(`soak: UNCAUGHT ${err.stack ?? String(err)}\n`);
});
process.on('unhandledRejection', (err) => {
  uncaught++;
  process.stderr.write(`soak: UNHANDLED REJECTION ${String(err)}\n`);
});

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;
const count = (dir: string): number => readdirSync(dir).length;
/** Open descriptors by kind (socket, pipe, anon_inode:[eventfd]) or path: what a leak is made of. */
const descriptorKinds = (): Record<string, number> => {
  const kinds: Record<string, number> = {};
  for (const fd of readdirSync('/proc/self/fd')) {
    let target: string;
    try {
      target = readlinkSync(`/proc/self/fd/${fd}`);
    } catch {
      continue; // closed between the listing and the read
    }
    // Sockets, pipes and the like by kind; files by path, so a leaked one names itself.
    const kind = target.replace(/:\[\d+\]$/, '');
    kinds[kind] = (kinds[kind] ?? 0) + 1;
  }
  return kinds;
};
/** The kinds of which more are open now than were at the start, and how many more. */
const grownKinds = (before: Record<string, number>): Record<string, number> => {
  const grown: Record<string, number> = {};
  for (const [kind, n] of Object.entries(descriptorKinds())) if (n > (before[kind] ?? 0)) grown[kind] = n - (before[kind] ?? 0);
  return grown;
};
const MB = 1024 * 1024;
/** Threads of this process but libuv's pool, which is Node's and lives as long as the process. */
const threads = (): number =>
  readdirSync('/proc/self/task').filter((tid) => {
    try {
      return readFileSync(`/proc/self/task/${tid}/comm`, 'utf8') !== 'libuv-worker\n';
    } catch {
      return false; // ended between the listing and the read
    }
  }).length;

// Node's own threads that start lazily, started before anything is counted (as test/setup.ts
// does for the tests): libuv's pool (Node 22 and 24 start it on the first async fs call and
// name it, Node 20 at startup, unnamed), and the one-shot thread with which Node 22 and 24
// load CA certificates the first time node:tls is loaded, which the coordinator's first
// BroadcastChannel message does (Node builds message events with its bundled undici).
await Promise.all(Array.from({ length: 4 }, () => stat('/')));
const beforeTls = threads();
await import('node:tls');
const tlsDeadline = Date.now() + 10_000;
while (threads() > beforeTls && Date.now() < tlsDeadline) await new Promise((r) => setTimeout(r, 5));

const dash = await startDashboard({
  intervalMs: 500,
  hangTimeoutMs: 1000,
  web: { port: 0 },
  // Deliberate crashes every second or so are the point here, not a crash loop to give up on.
  supervision: { maxRestarts: 10_000, periodMs: 1000, backoff: { initialMs: 10, maxMs: 200 } },
  workers: [{ name: 'soak', file: new URL('./soak-worker.js', import.meta.url) }],
});
const ALL_TARGETS = ['coordinator', 'cpu', 'memory', 'requests', 'soak'];
const targets = args.targets.split(',').filter((t) => t !== '');
if (targets.length === 0 || targets.some((t) => !ALL_TARGETS.includes(t))) {
  process.stderr.write(`soak: --targets expects some of ${ALL_TARGETS.join(', ')}; got '${args.targets}'\n`);
  process.exit(2);
}
// Counted from the events: a worker's own count starts again when its coordinator is replaced.
let restarts = 0;
dash.on('restart', () => restarts++);
const healthy = async (): Promise<boolean> => {
  const s = await dash.getDashboard();
  return s.coordinator.status === 'running' && s.workers.every((w) => w.status === 'running');
};
const until = async (what: string, fn: () => Promise<boolean>, ms = 30_000): Promise<void> => {
  const end = Date.now() + ms;
  while (!(await fn())) {
    if (Date.now() > end) throw new Error(`soak: ${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
await dash.collect();
gc();
const start = { threads: threads(), fds: count('/proc/self/fd') };
const startKinds = descriptorKinds();

const load = await startLoad({ clients: 8, perClientRps: 40 });
let recorded = 0;
const recorder = setInterval(() => {
  for (let i = 0; i < 20; i++) dash.recordRequest({ durationMs: Math.random() * 50, status: i % 10 === 0 ? 503 : 200 });
  recorded += 20;
}, 50);

const faults: Record<string, number> = {};
let skipped = 0;
let faulting = true;
const injector = (async () => {
  while (faulting) {
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1200));
    if (!faulting) break;
    const target = targets[Math.floor(Math.random() * targets.length)]!;
    const how = FAULT_KINDS[Math.floor(Math.random() * FAULT_KINDS.length)]!;
    try {
      await dash.crash(target, how);
      faults[`${target}:${how}`] = (faults[`${target}:${how}`] ?? 0) + 1;
    } catch {
      skipped++; // the target was between incarnations: nothing to crash
    }
  }
})();

// Scrapes and page reads go through the same process, as a Prometheus server and a browser would.
// (A connection each, closed after: a kept-alive one would count as a descriptor still open.)
const scraper = setInterval(() => {
  for (const p of ['/metrics', '/api/dashboard']) {
    http.get(`${dash.webUrl}${p}`, { agent: false }, (res) => res.resume()).on('error', () => undefined);
  }
}, 1000);

const t0 = Date.now();
const samples: Array<{ t: number; rss: number; heap: number; threads: number; fds: number }> = [];
while (Date.now() - t0 < runMs) {
  await new Promise((r) => setTimeout(r, 2000));
  gc();
  samples.push({
    t: Date.now() - t0,
    rss: process.memoryUsage.rss() / MB,
    heap: process.memoryUsage().heapUsed / MB,
    threads: threads(),
    fds: count('/proc/self/fd'),
  });
}

faulting = false;
await injector;
clearInterval(recorder);
clearInterval(scraper);
await load.stop();
await until('every thread running again', healthy);
await dash.collect();
const final = await dash.getDashboard();
const expected = load.received() + recorded;
await load.close();
await new Promise((r) => setTimeout(r, 500));
gc();
const end = { threads: threads(), fds: count('/proc/self/fd') };
const leftOpen = grownKinds(startKinds);
const steady = samples.filter((s) => s.t >= warmupMs);
const perMinute = (key: 'rss' | 'heap'): number => slope(steady.map((s) => [s.t / 60_000, s[key]] as const));
const injected = Object.values(faults).reduce((a, b) => a + b, 0);

const result = {
  minutes,
  faultsInjected: injected,
  faultsByTarget: faults,
  faultsSkipped: skipped,
  coordinatorRestarts: final.coordinator.restarts,
  restartsSurvived: restarts,
  failed: dash.isFailed,
  requests: { counted: final.requests?.total ?? 0, sent: expected, lost: expected - (final.requests?.total ?? 0) },
  uncaught,
  rssSlopeMbPerMin: Number(perMinute('rss').toFixed(3)),
  heapSlopeMbPerMin: Number(perMinute('heap').toFixed(3)),
  rssMb: { first: samples[0]?.rss ?? 0, last: samples.at(-1)?.rss ?? 0, max: Math.max(...samples.map((s) => s.rss)) },
  heapMb: { first: samples[0]?.heap ?? 0, last: samples.at(-1)?.heap ?? 0 },
  threads: { start: start.threads, end: end.threads, max: Math.max(...samples.map((s) => s.threads)) },
  fds: { start: start.fds, end: end.fds, max: Math.max(...samples.map((s) => s.fds)), newAtEnd: leftOpen },
};
await dash.stop();

const ok =
  result.requests.lost === 0 &&
  uncaught === 0 &&
  !result.failed &&
  end.threads === start.threads &&
  end.fds === start.fds &&
  // Over a short run the heap's slope is mostly noise; it is judged from 5 minutes on.
  (minutes < 5 || result.heapSlopeMbPerMin < 0.1);
if (args.json) process.stdout.write(`${JSON.stringify({ ...result, ok })}\n`);
else {
  const f = (x: number): string => x.toFixed(1);
  process.stdout.write(
    [
      `soak: ${minutes} min, ${injected} faults injected (${skipped} skipped: target between incarnations), ${restarts} restarts survived (coordinator: ${result.coordinatorRestarts})`,
      `requests: ${result.requests.counted} counted, ${result.requests.sent} sent, ${result.requests.lost} lost`,
      `uncaught errors: ${uncaught}; dashboard failed: ${result.failed}`,
      `RSS ${f(result.rssMb.first)} → ${f(result.rssMb.last)} MB (max ${f(result.rssMb.max)}), slope ${result.rssSlopeMbPerMin} MB/min after warm-up`,
      `heap ${f(result.heapMb.first)} → ${f(result.heapMb.last)} MB, slope ${result.heapSlopeMbPerMin} MB/min after warm-up`,
      `threads ${start.threads} → ${end.threads} (max ${result.threads.max}); descriptors ${start.fds} → ${end.fds} (max ${result.fds.max})` +
        (Object.keys(leftOpen).length > 0 ? `; more than at the start: ${JSON.stringify(leftOpen)}` : ''),
      ok ? 'soak: OK' : 'soak: FAILED',
      '',
    ].join('\n'),
  );
}
process.exitCode = ok ? 0 : 1;
