/**
 * The fleet as dash.getFleet() shows it, computed from a FleetState. Fleet percentiles come from
 * the up nodes' interval histograms added bucket by bucket (merging is adding counts), never
 * from averaging the nodes' own percentiles: a p99 is not linear, and one slow node among fast
 * ones would vanish in an average (test/unit/fleet.test.ts has the concrete case).
 */
import { BUCKET_COUNT, quantile } from '../shared/histogram.js';
import type { FleetState } from './fleet-state.js';
import { nodeInterval, type NodeInterval, type NodeTrack } from './node-track.js';
import { fleetAppReadings, mergeFleetApp, type AppNode } from './app-track.js';
import type { AppReading } from '../main/app-metrics/types.js';
import { addInto, sparseQuantile } from './sparse-histogram.js';
import type { FleetHost, FleetNode, FleetRequests, FleetTotals, FleetTransport, FleetView } from './types.js';

const CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const round = (x: number, digits: number): number => Math.round(x * 10 ** digits) / 10 ** digits;
const ms = (micros: number): number => round(micros / 1000, 3);

export interface ViewMeta {
  name: string;
  self: string | null;
  transport: FleetTransport;
}

/** Names are ASCII (wire.ts): code-unit order is stable everywhere, and far cheaper than localeCompare. */
const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Percentile of a histogram in ms, or null when it counts nothing. */
function percentileMs(counts: ArrayLike<number>, q: number, n: number): number | null {
  return n > 0 ? ms(quantile(counts, q)) : null;
}

function nodeRow(t: NodeTrack, iv: NodeInterval | null, hostCpu: number | null): FleetNode {
  const r = t.report;
  const own = r.interval;
  let requests: FleetNode['requests'];
  const total = t.offset.total + r.requests.total;
  if (iv) {
    const n = iv.histogram.count.reduce((a, b) => a + b, 0);
    requests = {
      total,
      rps: round(iv.total / iv.seconds, 2),
      p50LatencyMs: n > 0 ? ms(sparseQuantile(iv.histogram, 0.5)) : null,
      p99LatencyMs: n > 0 ? ms(sparseQuantile(iv.histogram, 0.99)) : null,
      errorRate: iv.total > 0 ? round((iv.byClass[4]! / iv.total) * 100, 2) : 0,
      activeConnections: r.requests.active,
    };
  } else {
    requests = {
      total,
      rps: own ? own.rps : null,
      p50LatencyMs: own ? own.p50 : null,
      p99LatencyMs: own ? own.p99 : null,
      errorRate: own ? own.errorRate : null,
      activeConnections: r.requests.active,
    };
  }
  return {
    node: r.node,
    host: r.host,
    pid: r.pid,
    status: t.status,
    lastSeenAt: new Date(t.seenMs).toISOString(),
    reportedAt: new Date(r.timeMs).toISOString(),
    startedAt: new Date(r.startedAtMs).toISOString(),
    resets: t.resets,
    lean: r.lean,
    engine: r.engine,
    requests,
    process: r.process,
    hostCpu,
  };
}

/** Per host, the freshest up node that measures CPU and memory speaks for the host. */
function hostsOf(tracks: readonly NodeTrack[]): FleetHost[] {
  const byHost = new Map<string, NodeTrack[]>();
  for (const t of tracks) {
    const list = byHost.get(t.report.host);
    if (list) list.push(t);
    else byHost.set(t.report.host, [t]);
  }
  const hosts: FleetHost[] = [];
  for (const [host, list] of byHost) {
    const up = list.filter((t) => t.status === 'up');
    const freshest = <K extends 'cpu' | 'memory'>(k: K): NodeTrack | undefined =>
      up.filter((t) => t.report[k] !== null).sort((a, b) => b.seenMs - a.seenMs)[0];
    const cpu = freshest('cpu')?.report.cpu ?? null;
    const mem = freshest('memory')?.report.memory ?? null;
    hosts.push({
      host,
      nodes: list.length,
      up: up.length,
      cpu: cpu && { ...cpu },
      memory: mem && {
        totalMiB: mem.totalMiB,
        usedMiB: mem.usedMiB,
        usagePercent: mem.totalMiB > 0 ? round((mem.usedMiB / mem.totalMiB) * 100, 1) : 0,
      },
    });
  }
  return hosts.sort((a, b) => byName(a.host, b.host));
}

function busiest<T>(items: T[], value: (t: T) => number | undefined): { item: T; value: number; avg: number } | null {
  const valued = items.flatMap((item) => {
    const v = value(item);
    return v === undefined ? [] : [{ item, value: v }];
  });
  if (valued.length === 0) return null;
  const top = valued.reduce((a, b) => (b.value > a.value ? b : a));
  return { ...top, avg: round(valued.reduce((a, b) => a + b.value, 0) / valued.length, 1) };
}

export function computeFleetView(state: FleetState, nowMs: number, meta: ViewMeta): FleetView {
  const tracks = [...state.tracks.values()];
  const hosts = hostsOf(tracks);
  const hostCpu = new Map(hosts.map((h) => [h.host, h.cpu?.usage ?? null]));

  const merged = new Float64Array(BUCKET_COUNT);
  const cum = { total: state.retired.total, byClass: [...state.retired.byClass] };
  const win = { total: 0, byClass: [0, 0, 0, 0, 0], timed: 0, sumMicros: 0 };
  let rps = 0;
  let active = 0;
  const nodes: FleetNode[] = [];
  for (const t of tracks) {
    const r = t.report.requests;
    cum.total += t.offset.total + r.total;
    for (let i = 0; i < 5; i++) cum.byClass[i]! += t.offset.byClass[i]! + r.byClass[i]!;
    const iv = t.status === 'up' ? nodeInterval(t) : null;
    const row = nodeRow(t, iv, hostCpu.get(t.report.host) ?? null);
    nodes.push(row);
    if (t.status !== 'up') continue;
    active += r.active;
    rps += row.requests.rps ?? 0;
    if (!iv) continue;
    addInto(merged, iv.histogram);
    win.total += iv.total;
    for (let i = 0; i < 5; i++) win.byClass[i]! += iv.byClass[i]!;
    win.timed += iv.timed;
    win.sumMicros += iv.latencySumMicros;
  }
  const timedInHistogram = merged.reduce((a, b) => a + b, 0);
  const requests: FleetRequests = {
    total: cum.total,
    rps: round(rps, 2),
    p50LatencyMs: percentileMs(merged, 0.5, timedInHistogram),
    p99LatencyMs: percentileMs(merged, 0.99, timedInHistogram),
    avgLatencyMs: win.timed > 0 ? ms(win.sumMicros / win.timed) : null,
    errorRate: win.total > 0 ? round((win.byClass[4]! / win.total) * 100, 2) : 0,
    clientErrorRate: win.total > 0 ? round((win.byClass[3]! / win.total) * 100, 2) : 0,
    byStatus: Object.fromEntries(CLASSES.map((c, i) => [c, cum.byClass[i]!])) as FleetRequests['byStatus'],
    activeConnections: active,
  };
  const cpuTop = busiest(hosts, (h) => h.cpu?.usage);
  const memTop = busiest(hosts, (h) => h.memory?.usagePercent);
  const up = nodes.filter((n) => n.status === 'up').length;
  const totals: FleetTotals = {
    nodes: nodes.length,
    up,
    down: nodes.length - up,
    hosts: hosts.length,
    requests,
    cpu: cpuTop && { avgUsage: cpuTop.avg, busiestHost: cpuTop.item.host, busiestUsage: cpuTop.value },
    memory: memTop && { avgUsagePercent: memTop.avg, busiestHost: memTop.item.host, busiestUsagePercent: memTop.value },
  };
  nodes.sort((a, b) => byName(a.node, b.node));
  return {
    name: meta.name,
    at: new Date(nowMs).toISOString(),
    self: meta.self,
    downAfterIntervals: state.options.downAfterIntervals,
    nodes,
    hosts,
    totals,
    app: mergeFleetApp(state.retired.app, appNodes(state)),
    transport: meta.transport,
  };
}

/** The fleet's cumulative latency histogram (every node ever seen, restarts and forgotten nodes included), for /metrics. */
export function fleetHistogram(state: FleetState): { counts: Float64Array; sumMicros: number } {
  const counts = new Float64Array(BUCKET_COUNT);
  let sumMicros = state.retired.latencySumMicros;
  const addDense = (d: Float64Array | null): void => {
    if (d) for (let i = 0; i < BUCKET_COUNT; i++) counts[i]! += d[i]!;
  };
  addDense(state.retired.histogram);
  for (const t of state.tracks.values()) {
    addDense(t.offset.histogram);
    addInto(counts, t.report.requests.histogram);
    sumMicros += t.offset.latencySumMicros + t.report.requests.latencySumMicros;
  }
  return { counts, sumMicros };
}

function appNodes(state: FleetState): AppNode[] {
  return [...state.tracks.values()].map((t) => ({
    up: t.status === 'up',
    offset: t.offset.app,
    app: t.report.app,
    prev: t.prev?.app ?? null,
    seconds: t.prev ? (t.report.timeMs - t.prev.timeMs) / 1000 : null,
  }));
}

/** The fleet's app metrics merged, with their buckets, for /metrics (call after a sweep, as the view does). */
export function fleetAppMetrics(state: FleetState): AppReading[] {
  return fleetAppReadings(state.retired.app, appNodes(state));
}
