/**
 * A fleet viewer under load, for the viewer benchmark: a dashboard in cluster mode that only
 * watches (publish: false), rendering the fleet once a second as a front end would. Measures its
 * own CPU (all threads: its engine too) and, for every report, publish-to-view latency: when the
 * viewer applied it (lastSeenAt) minus when the node read its counters (reportedAt; same machine,
 * same clock).
 *   node dist/bench/children/fleet-viewer.js <redis-url> <nodes> <seconds>
 */
import { startDashboard } from '../../src/index.js';

const [url = 'redis://127.0.0.1:6379', nodesArg = '200', secondsArg = '10'] = process.argv.slice(2);
const NODES = Number(nodesArg);
const SECONDS = Number(secondsArg);

const dash = await startDashboard({
  builtins: ['requests'],
  httpProbe: false,
  cluster: { redis: url, name: 'bench', publish: false, maxNodes: Math.max(1000, NODES) },
});
const deadline = Date.now() + 30_000;
while ((await dash.getFleet()).totals.up < NODES) {
  if (Date.now() > deadline) throw new Error(`only ${(await dash.getFleet()).totals.up} of ${NODES} nodes seen`);
  await new Promise((r) => setTimeout(r, 100));
}
// Start-up (the first read of every stored node) is not the steady cost.
await new Promise((r) => setTimeout(r, 1000));
const latencies: number[] = [];
const lastReported = new Map<string, string>();
const cpu0 = process.cpuUsage();
const t0 = process.hrtime.bigint();
const end = Date.now() + SECONDS * 1000;
let views = 0;
let fleetTotal = 0;
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
const used = process.cpuUsage(cpu0);
const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
const sorted = latencies.sort((a, b) => a - b);
const q = (p: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? NaN;
const f = await dash.getFleet();
console.log(
  JSON.stringify({
    percentOfCore: ((used.user + used.system) / wallUs) * 100,
    userPercent: (used.user / wallUs) * 100,
    systemPercent: (used.system / wallUs) * 100,
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
