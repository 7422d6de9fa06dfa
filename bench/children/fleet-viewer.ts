/**
 * A fleet viewer under load, for the viewer benchmark: a dashboard in cluster mode that only
 * watches (publish: false), rendering the fleet once a second as a front end would. Measures its
 * own CPU (all threads: its engine too) and, for every report, publish-to-view latency: when the
 * viewer applied it (lastSeenAt) minus when the node read its counters (reportedAt; same machine,
 * same clock). V8 compiles the once-a-second view's code for its first minute or so (it becomes
 * hot slowly), which costs a viewer of 200 nodes about 1.5 times its steady CPU meanwhile: the CPU
 * figure is measured after <warm-up> seconds, and the warm-up's own is printed beside it.
 * Latency is measured throughout, warm-up included.
 *   node dist/bench/children/fleet-viewer.js <redis-url> <nodes> <seconds> [warm-up seconds] [fleet name]
 */
import { startDashboard } from '../../src/index.js';
import { cpuDuring } from './cpu-over.js';

const [url = 'redis://127.0.0.1:6379', nodesArg = '200', secondsArg = '10', warmUpArg = '1', fleetName = 'bench'] = process.argv.slice(2);
const NODES = Number(nodesArg);
const SECONDS = Number(secondsArg);
const WARM_UP_SECONDS = Number(warmUpArg);

const dash = await startDashboard({
  builtins: ['requests'],
  httpProbe: false,
  cluster: { redis: url, name: fleetName, publish: false, maxNodes: Math.max(1000, NODES) },
});
const deadline = Date.now() + 30_000;
while ((await dash.getFleet()).totals.up < NODES) {
  if (Date.now() > deadline) throw new Error(`only ${(await dash.getFleet()).totals.up} of ${NODES} nodes seen`);
  await new Promise((r) => setTimeout(r, 100));
}
const latencies: number[] = [];
const lastReported = new Map<string, string>();
let views = 0;
let fleetTotal = 0;

/** Views the fleet once a second for `seconds`, as a front end would. */
async function watch(seconds: number): Promise<void> {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 1000));
    const f = await dash.getFleet();
    views += 1;
    fleetTotal = f.totals.requests.total;
    for (const n of f.nodes) {
      if (lastReported.get(n.node) === n.reportedAt) continue;
      lastReported.set(n.node, n.reportedAt);
      latencies.push(Date.parse(n.lastSeenAt) - Date.parse(n.reportedAt));
    }
  }
}

// The start (the first read of every stored node) and the JIT's warm-up are not the steady cost.
const warm = await cpuDuring(() => watch(WARM_UP_SECONDS));
const steady = await cpuDuring(() => watch(SECONDS));
const sorted = latencies.sort((a, b) => a - b);
const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
const f = await dash.getFleet();
console.log(
  JSON.stringify({
    percentOfCore: steady.percent,
    warmUpPercentOfCore: warm.percent,
    warmUpSeconds: WARM_UP_SECONDS,
    userPercent: steady.userPercent,
    systemPercent: steady.systemPercent,
    p50Ms: q(0.5),
    p99Ms: q(0.99),
    samples: sorted.length,
    views,
    up: f.totals.up,
    fleetTotal,
    rejected: Object.values(f.transport.rejected).reduce((a, b) => a + b, 0),
  }),
);
await dash.stop();
