/**
 * One node's cost of publishing at 1 Hz, isolated from the rest of its dashboard: the real
 * ClusterNode and RedisTransport, fed a real dashboard's snapshot and request counters (taken
 * once, from a dashboard that served varied traffic, then stopped), so this process runs nothing
 * but the publishing. `idle` runs the same process, connected to Redis, publishing nothing: the
 * reference, side by side. Their difference is what publishing costs a node.
 *   node dist/bench/children/fleet-publisher.js <publish|idle> <redis-url> <seconds>
 */
import { startDashboard } from '../../src/index.js';
import { ClusterNode, DOWN_AFTER_INTERVALS } from '../../src/cluster/cluster-node.js';
import { clusterEnvironment, resolveClusterOptions } from '../../src/cluster/options.js';
import { RedisTransport } from '../../src/cluster/redis-transport.js';
import { cpuOver } from './cpu-over.js';

const [mode = 'idle', url = 'redis://127.0.0.1:6379', secondsArg = '20'] = process.argv.slice(2);
const seconds = Number(secondsArg);

// A realistic report's inputs: a dashboard after 5,000 requests from 1 ms to 300 ms, some 5xx.
const source = await startDashboard({ builtins: ['cpu', 'memory', 'requests'], httpProbe: false });
for (let i = 0; i < 5000; i++)
  source.recordRequest({ durationMs: [1, 2, 5, 10, 20, 40, 80, 300][i % 8]! * (1 + (i % 7) / 10), status: i % 50 ? 200 : 500 });
await source.collect();
await source.getDashboard();
const snapshot = source.snapshotNow();
const counts = source.requestCounts();
const startedAt = source.startedAt;
await source.stop();

const cluster = resolveClusterOptions(
  { redis: url, name: 'bench-pub', node: `pub-${process.pid}`, intervalMs: 1000 },
  1000,
  clusterEnvironment(false),
)!;
const transport = new RedisTransport(cluster, DOWN_AFTER_INTERVALS);
const node = new ClusterNode(
  {
    startedAt,
    requestCounts: () => ({ ...counts, timeMs: Date.now() }),
    snapshotNow: () => snapshot,
    appReadings: () => [],
    emitFleet: () => false,
    hasFleetListeners: () => false,
  },
  mode === 'publish' ? cluster : { ...cluster, publish: false },
  transport,
);
node.start(false);
// Start-up (the first connection, compiling) is not the steady cost: let it settle first.
await new Promise((r) => setTimeout(r, 2000));
const percentOfCore = await cpuOver(seconds * 1000);
const published = transport.state().published;
console.log(JSON.stringify({ percentOfCore, published }));
await node.close();
