/**
 * Cluster mode (issue 11), through a real redis-server started here:
 * - publisher cost: CPU of a process doing nothing but a node's publishing at 1 Hz (real
 *   reports), beside the same process connected to Redis and publishing nothing;
 * - bytes per message: the reports a real node under varied load puts on the channel;
 * - viewer cost: 200 simulated nodes publishing realistic reports at 1 Hz, and one viewer
 *   rendering the fleet every second: its CPU once V8 has compiled its code (the first minute's
 *   is in the note) and the publish-to-view latency.
 */
import { Redis } from 'ioredis';
import type { BenchContext, Row } from '../lib/row.js';
import { childFile, runChild } from '../lib/child.js';
import { cost, median, percentile, single } from '../lib/stats.js';
import { FleetLoad } from '../../src/demo/fleet-load.js';
import { startFleetNode } from '../../src/demo/fleet-process.js';
import { startLocalRedis, type LocalRedis } from '../../src/demo/redis-launch.js';
import { fleetKeys } from '../../src/cluster/redis-keys.js';

interface Cpu {
  percentOfCore: number;
  published: number;
}
interface Viewer {
  percentOfCore: number;
  warmUpPercentOfCore: number;
  p50Ms: number;
  p99Ms: number;
  samples: number;
  up: number;
  rejected: number;
}

async function publisherCost(
  redis: LocalRedis,
  seconds: number,
  reps: number,
): Promise<{ delta: number[]; plain: number[]; published: number }> {
  const delta: number[] = [];
  const plain: number[] = [];
  let published = 0;
  for (let i = 0; i < reps; i++) {
    const timeout = (seconds + 40) * 1000;
    const [c, p] = await Promise.all([
      runChild<Cpu>(childFile('fleet-publisher'), ['publish', redis.url, String(seconds)], timeout),
      runChild<Cpu>(childFile('fleet-publisher'), ['idle', redis.url, String(seconds)], timeout),
    ]);
    delta.push(c.percentOfCore - p.percentOfCore);
    plain.push(p.percentOfCore);
    published += c.published;
  }
  return { delta, plain, published };
}

async function reportBytes(redis: LocalRedis, seconds: number): Promise<number[]> {
  const sizes: number[] = [];
  const reader = new Redis(redis.url);
  reader.on('error', () => undefined);
  const node = await startFleetNode({ redis: redis.url, name: 'bench-bytes', node: 'busy-1', intervalMs: 1000 });
  // Varied latencies (1 ms to 300 ms) and some errors: a wide histogram, the larger reports.
  const load = new FleetLoad({
    clients: 4,
    rate: 50,
    path: (i) => `/?ms=${[1, 2, 5, 10, 20, 40, 80, 300][i % 8]}${i % 50 === 0 ? '&status=500' : ''}`,
  });
  try {
    load.start({ name: 'busy-1', port: node.port });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    // Every report the node published is still in the stream (it is capped far above this).
    for (const [, fields] of await reader.xrangeBuffer(fleetKeys('bench-bytes').stream, '-', '+')) sizes.push(fields[1]?.length ?? 0);
  } finally {
    await load.stop();
    await node.stop();
    reader.disconnect();
  }
  return sizes;
}

export async function clusterRows(ctx: BenchContext): Promise<Row[]> {
  const redis = await startLocalRedis();
  try {
    const pubSeconds = ctx.quick ? 3 : 20;
    ctx.log(`  publisher: publishing vs connected and idle, ${pubSeconds} s side by side`);
    const pub = await publisherCost(redis, pubSeconds, ctx.reps(3, 1));
    ctx.log('  bytes per report: a node under varied load');
    const sizes = await reportBytes(redis, ctx.quick ? 3 : 8);
    const nodes = 200;
    const viewSeconds = ctx.quick ? 3 : 20;
    // A view runs once a second, so its functions become hot, and compiled, only slowly: on
    // Node 20 a viewer's CPU falls for about 50 s (6.7 % of a core in its first 10 s, 2.4–3.1 %
    // from the 50th on). A viewer runs for hours; the first minute is reported beside.
    const warmUpSeconds = ctx.quick ? 1 : 60;
    ctx.log(`  viewer: ${nodes} simulated nodes at 1 Hz, ${viewSeconds} s after a ${warmUpSeconds} s warm-up`);
    const viewArgs = (n: number, fleet: string): string[] => [redis.url, String(n), String(viewSeconds), String(warmUpSeconds), fleet];
    const limitMs = (warmUpSeconds + viewSeconds + 60) * 1000;
    const [viewer, empty] = await Promise.all([
      runChild<Viewer>(childFile('fleet-viewer'), viewArgs(nodes, 'bench'), limitMs),
      // The same viewer with no node, at the same time (it costs a fraction of a percent): what
      // its own dashboard costs, so the fleet's share shows. Its fleet is another, empty, one.
      runChild<Viewer>(childFile('fleet-viewer'), viewArgs(0, 'bench-empty'), limitMs),
      runChild<{ published: number; meanBytes: number }>(
        childFile('fleet-sim'),
        [redis.url, String(nodes), String(warmUpSeconds + viewSeconds + 8)],
        limitMs,
      ),
    ]);
    const pubDelta = median(pub.delta);
    const bytesMax = sizes.length ? Math.max(...sizes) : NaN;
    return [
      {
        name: 'cluster: publisher CPU',
        what: `share of one core a node spends publishing at 1 Hz (real reports; ${pubSeconds} s, beside the same process publishing nothing)`,
        threadboard: cost(pub.delta, '% core'),
        reference: cost(pub.plain, '% core'),
        referenceWhat: 'the same process connected to Redis, publishing nothing',
        ratio: pubDelta,
        target: '≤ 0.2 % core',
        met: pubDelta <= 0.2,
        note: `${pub.published} reports published; the figure is the difference publishing makes`,
      },
      {
        name: 'cluster: bytes per report',
        what: 'report size on the channel, a node under varied load (1–300 ms, some 5xx)',
        threadboard: { median: median(sizes), worst: bytesMax, runs: sizes.length, unit: 'B' },
        reference: null,
        referenceWhat: '—',
        ratio: bytesMax,
        target: '≤ 4096 B',
        met: bytesMax <= 4096,
        note: `p99 ${percentile(sizes, 0.99)} B over ${sizes.length} reports; each report also goes to a key (SET) and the index (ZADD) in the same pipeline`,
      },
      {
        name: 'cluster: viewer CPU, 200 nodes',
        what: `share of one core of a viewer (its dashboard included) rendering the fleet each second, ${nodes} simulated nodes at 1 Hz through Redis, after ${warmUpSeconds} s`,
        threadboard: single(viewer.percentOfCore, '% core'),
        reference: single(empty.percentOfCore, '% core'),
        referenceWhat: 'the same viewer with no node (its own dashboard)',
        ratio: viewer.percentOfCore,
        target: '≤ 5 % core',
        met: viewer.percentOfCore <= 5 && viewer.up === nodes,
        note: `${viewer.warmUpPercentOfCore.toFixed(1)} % over its first ${warmUpSeconds} s (V8 compiling the view's code); ${viewer.up} nodes up, ${viewer.rejected} reports rejected (stale: a key read racing the channel); the fleet's own share is the difference from the reference`,
      },
      {
        name: 'cluster: publish-to-view p99, 200 nodes',
        what: 'from a node reading its counters to the viewer applying its report',
        threadboard: { median: viewer.p50Ms, worst: viewer.p99Ms, runs: viewer.samples, unit: 'ms' },
        reference: null,
        referenceWhat: '—',
        ratio: viewer.p99Ms,
        target: '≤ 50 ms',
        met: viewer.p99Ms <= 50,
        note: `p50 ${viewer.p50Ms} ms, p99 ${viewer.p99Ms} ms over ${viewer.samples} reports (median column: p50; worst column: p99)`,
      },
    ];
  } finally {
    await redis.stop();
  }
}
