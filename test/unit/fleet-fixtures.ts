// Shared by the fleet tests: a connected transport, a node's cumulative request counts, and a
// node report with everything a test does not set.
import { BUCKET_COUNT, bucketIndex } from '../../dist/src/shared/histogram.js';
import { toSparse } from '../../dist/src/cluster/sparse-histogram.js';
import type { NodeReport } from '../../dist/src/cluster/wire.js';
import type { FleetTransport } from '../../dist/src/cluster/types.js';

export const TRANSPORT: FleetTransport = {
  kind: 'redis',
  status: 'connected',
  endpoint: 'redis://127.0.0.1:1',
  since: new Date(0).toISOString(),
  lastError: null,
  reconnects: 0,
  published: 0,
  publishFailures: 0,
  received: 0,
  rejected: {},
};

/** A node's cumulative counts after serving `latenciesMs` (all 200s unless `status` says otherwise). */
export function counts(latenciesMs: number[], status = 200): NodeReport['requests'] {
  const dense = new Uint32Array(BUCKET_COUNT);
  let sum = 0;
  for (const l of latenciesMs) {
    const us = Math.round(l * 1000);
    dense[bucketIndex(us)]! += 1;
    sum += us;
  }
  const byClass: NodeReport['requests']['byClass'] = [0, 0, 0, 0, 0];
  byClass[Math.floor(status / 100) - 1] = latenciesMs.length;
  return { total: latenciesMs.length, byClass, timed: latenciesMs.length, latencySumMicros: sum, active: 1, histogram: toSparse(dense) };
}

export function report(node: string, over: Partial<NodeReport> = {}): NodeReport {
  return {
    cluster: 'shop',
    node,
    host: 'h1',
    pid: 100,
    startedAtMs: 1_000,
    seq: 1,
    timeMs: 10_000,
    intervalMs: 1000,
    lean: false,
    engine: 'running',
    requests: counts([]),
    interval: null,
    cpu: { usage: 10, cores: 2, loadAvg1: 0.5 },
    memory: { totalMiB: 1000, usedMiB: 250 },
    process: null,
    app: null,
    ...over,
  };
}
