/** A node's report, from what its dashboard already holds: the shared counters and the last snapshot. */
import type { RequestCounts } from '../shared/request-counters.js';
import { STATUS_CLASSES } from '../shared/request-counters.js';
import type { DashboardSnapshot } from '../snapshot.js';
import type { ResolvedCluster } from './options.js';
import type { AppReading } from '../main/app-metrics/types.js';
import { buildApp } from './app-wire.js';
import { toSparse } from './sparse-histogram.js';
import { encodeReport, MAX_REPORT_BYTES, type NodeReport } from './wire.js';

export interface ReportInput {
  cluster: ResolvedCluster;
  startedAtMs: number;
  seq: number;
  counts: RequestCounts;
  snapshot: DashboardSnapshot;
  /** dash.metrics read now (cumulative), not the snapshot's app section (rates and percentiles do not add up). */
  app: readonly AppReading[];
}

export function buildReport({ cluster, startedAtMs, seq, counts, snapshot: s, app }: ReportInput): NodeReport {
  const iv = s.requests;
  return {
    cluster: cluster.name,
    node: cluster.node,
    host: cluster.host,
    pid: process.pid,
    startedAtMs,
    seq,
    timeMs: counts.timeMs,
    intervalMs: cluster.intervalMs,
    lean: cluster.lean,
    engine: cluster.lean ? 'lean' : s.coordinator.status,
    requests: {
      total: counts.total,
      byClass: STATUS_CLASSES.map((c) => counts.byClass[c]) as NodeReport['requests']['byClass'],
      timed: counts.timed,
      latencySumMicros: counts.latencySumMicros,
      active: counts.active,
      histogram: toSparse(counts.histogram),
    },
    interval: iv && { rps: iv.rps, p50: iv.p50LatencyMs, p99: iv.p99LatencyMs, errorRate: iv.errorRate },
    cpu: s.cpu && { usage: s.cpu.usage, cores: s.cpu.cores, loadAvg1: s.cpu.loadAvg[0] },
    memory: s.memory && { totalMiB: s.memory.totalMiB, usedMiB: s.memory.usedMiB },
    process: s.process && {
      cpuPercent: s.process.cpuPercent,
      rssMiB: s.process.rssMiB,
      heapUsedMiB: s.process.heapUsedMiB,
      eventLoopP99Ms: s.process.eventLoop.p99Ms,
      eventLoopUtilization: s.process.eventLoop.utilization,
    },
    app: buildApp(app),
  };
}

/**
 * The report as sent. App histograms whose counts run to many digits could, at the bucket
 * budget's worst, take a report past what viewers accept; it then goes without its histograms
 * (the viewer holds their last values, node-track.ts) rather than be dropped whole.
 */
export function encodeWithin(r: NodeReport): string {
  const text = encodeReport(r);
  if (!r.app || Buffer.byteLength(text) <= MAX_REPORT_BYTES) return text;
  return encodeReport({ ...r, app: { ...r.app, histograms: {} } });
}
