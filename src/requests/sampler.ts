/** One requests sample: read the shared counters, report since the stored previous reading. */
import type { RequestsSection } from '../snapshot.js';
import { loadReading, saveReading } from './baseline.js';
import type { RequestCounters } from './counters.js';
import { requestsSection } from './stats.js';

/**
 * A collect() right after an interval sample would otherwise report a rate over a few
 * milliseconds (2 requests in 5 ms = "400 rps"); the baseline only advances once the
 * window is at least this long, so short windows extend the previous one instead.
 */
export const MIN_RATE_WINDOW_MS = 200;

export function sampleRequests(counters: RequestCounters, baseline: SharedArrayBuffer): RequestsSection {
  const prev = loadReading(baseline);
  const next = counters.read();
  if (next.timeMs - prev.timeMs >= MIN_RATE_WINDOW_MS) saveReading(baseline, next);
  return requestsSection(prev, next);
}
