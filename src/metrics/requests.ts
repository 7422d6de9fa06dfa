/** One requests sample: read the shared counters, report since the stored previous reading. */
import type { RequestsInterval } from '../snapshot.js';
import { checkpoints, loadReading, saveReading, windowStart } from './requests-baseline.js';
import { liveCounts, type RequestCounters } from '../shared/request-counters.js';
import { requestsInterval } from './requests-stats.js';

/**
 * A collect() right after an interval sample would otherwise report a rate over a few
 * milliseconds (2 requests in 5 ms = "400 rps"); the baseline only advances once the
 * window is at least this long, so short windows extend the previous one instead.
 */
export const MIN_RATE_WINDOW_MS = 200;
export const LONG_WINDOW_MS = 10_000;

export function sampleRequests(counters: RequestCounters, baseline: SharedArrayBuffer): RequestsInterval {
  const prev = loadReading(baseline);
  // Lines replayed from a log's backlog are in the totals, not in the traffic of the moment.
  const next = liveCounts(counters.read());
  const since = windowStart(checkpoints(baseline), next.timeMs, LONG_WINDOW_MS);
  if (next.timeMs - prev.timeMs >= MIN_RATE_WINDOW_MS) saveReading(baseline, next);
  return requestsInterval(prev, next, since);
}
