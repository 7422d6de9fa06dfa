/**
 * Simulated fleet nodes for the viewer benchmark: N nodes, each publishing a realistic report
 * once per interval exactly as a real node does (the same pipeline: redis-report.ts), spread
 * evenly over the interval. Reports carry growing cumulative counts and a
 * latency histogram shaped like a real service (log-normal around 20 ms, a slow tail), so they
 * are the size real ones are. One process plays every node: cheaper than N processes, and the
 * viewer cannot tell.
 *   node dist/bench/children/fleet-sim.js <redis-url> <nodes> <seconds>
 * Prints { published, meanBytes } when done.
 */
import { Redis } from 'ioredis';
import { bucketIndex, BUCKET_COUNT } from '../../src/shared/histogram.js';
import { fleetKeys, reportTtlMs } from '../../src/cluster/redis-keys.js';
import { queueReport } from '../../src/cluster/redis-report.js';
import { toSparse } from '../../src/cluster/sparse-histogram.js';
import { encodeReport, type NodeReport } from '../../src/cluster/wire.js';

const [url = 'redis://127.0.0.1:6379', nodesArg = '200', secondsArg = '10'] = process.argv.slice(2);
const NODES = Number(nodesArg);
const SECONDS = Number(secondsArg);
const INTERVAL_MS = 1000;
const NAME = 'bench';
const keys = fleetKeys(NAME);
const ttl = reportTtlMs(INTERVAL_MS, 3);

let seed = 11;
const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
const normal = (): number => Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());

interface SimNode {
  report: NodeReport;
  dense: Uint32Array;
}

const started = Date.now();
const nodes: SimNode[] = Array.from({ length: NODES }, (_, i) => ({
  dense: new Uint32Array(BUCKET_COUNT),
  report: {
    cluster: NAME,
    node: `sim-${String(i).padStart(3, '0')}`,
    host: `host-${Math.floor(i / 4)}`,
    pid: 10_000 + i,
    startedAtMs: started,
    seq: 0,
    timeMs: started,
    intervalMs: INTERVAL_MS,
    lean: false,
    engine: 'running',
    requests: { total: 0, byClass: [0, 0, 0, 0, 0], timed: 0, latencySumMicros: 0, active: 3, histogram: { index: [], count: [] } },
    interval: { rps: 0, p50: null, p99: null, errorRate: 0 },
    cpu: { usage: 35.5, cores: 8, loadAvg1: 2.31 },
    memory: { totalMiB: 15_872, usedMiB: 6_301 },
    process: { cpuPercent: 12.5, rssMiB: 96.4, heapUsedMiB: 31.2, eventLoopP99Ms: 1.8, eventLoopUtilization: 0.14 },
    app: null,
  },
}));

/** One interval of traffic on a node: ~120 requests, 1 % of them 5xx, 2 % slow. */
function serve(n: SimNode): void {
  const r = n.report.requests;
  const count = 100 + Math.floor(rnd() * 40);
  for (let k = 0; k < count; k++) {
    const ms = rnd() < 0.02 ? 200 + 800 * rnd() : 20 * Math.exp(0.7 * normal());
    const us = Math.max(1, Math.round(ms * 1000));
    n.dense[bucketIndex(us)]! += 1;
    r.latencySumMicros += us;
    r.byClass[rnd() < 0.01 ? 4 : 1] += 1;
  }
  r.total += count;
  r.timed += count;
  r.histogram = toSparse(n.dense);
  n.report.interval = { rps: count, p50: 19.8, p99: 412.5, errorRate: 1.1 };
}

const redis = new Redis(url, { enableOfflineQueue: true, maxRetriesPerRequest: 1 });
redis.on('error', () => undefined);
let published = 0;
let bytes = 0;
const end = started + SECONDS * 1000;
// Node i publishes at i/N of each interval, as independent nodes would.
const gap = INTERVAL_MS / NODES;
let tick = 0;
while (Date.now() < end) {
  const n = nodes[tick % NODES]!;
  const due = started + tick * gap;
  const wait = due - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  serve(n);
  n.report.seq += 1;
  n.report.timeMs = Date.now();
  const encoded = encodeReport(n.report);
  bytes += Buffer.byteLength(encoded);
  published += 1;
  void queueReport(redis.pipeline(), keys, { node: n.report.node, encoded, nowMs: n.report.timeMs, ttlMs: ttl, fleetSize: NODES })
    .exec()
    .catch(() => undefined);
  tick += 1;
}
await redis.ping();
redis.disconnect();
console.log(JSON.stringify({ published, meanBytes: bytes / Math.max(1, published) }));
