/**
 * A lean dashboard (a node:cluster worker in a fleet) runs no thread at all: main measures the
 * requests section itself from the shared counters, once per interval, with the same sampler the
 * requests worker uses. CPU and memory are the host's, measured once by the primary.
 */
import { sampleRequests } from '../metrics/requests.js';
import type { RequestCounters } from '../shared/request-counters.js';
import type { CoordinatorSnapshot } from '../snapshot.js';

export function leanSnapshot(counters: RequestCounters, baseline: SharedArrayBuffer, nowMs = Date.now()): CoordinatorSnapshot {
  return {
    cpu: null,
    memory: null,
    requests: sampleRequests(counters, baseline),
    custom: {},
    stale: [],
    lastUpdated: new Date(nowMs).toISOString(),
    channel: { received: 0, rejected: 0 },
    workers: [],
  };
}
