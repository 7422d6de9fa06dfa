/** Turns counter readings into the dashboard's requests section (pure). */
import type { RequestsInterval } from '../snapshot.js';
import type { Checkpoint } from './requests-baseline.js';
import type { LiveCounts } from '../shared/request-counters.js';
import { BUCKET_COUNT, quantile } from '../shared/histogram.js';

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function histogramDelta(prev: Uint32Array, next: Uint32Array): Uint32Array {
  const out = new Uint32Array(BUCKET_COUNT);
  for (let i = 0; i < BUCKET_COUNT; i++) out[i] = (next[i]! - prev[i]!) >>> 0;
  return out;
}

const rate = (n: number, ms: number): number => (n > 0 && ms > 0 ? round((n * 1000) / ms, 1) : 0);
const share = (part: number, whole: number): number => (whole > 0 ? round((part / whole) * 100, 2) : 0);

/**
 * Rates, latencies and error shares over the interval from `prev` to `next`; `rps10s` over
 * the window from `since10s` (a checkpoint about 10 s old) to `next`.
 */
export function requestsInterval(prev: LiveCounts, next: LiveCounts, since10s: Checkpoint | null = null): RequestsInterval {
  const n = Math.max(0, next.total - prev.total);
  const timed = Math.max(0, next.timed - prev.timed);
  const latencyMicros = Math.max(0, next.latencySumMicros - prev.latencySumMicros);
  const delta = timed > 0 ? histogramDelta(prev.histogram, next.histogram) : null;
  const windowStart = since10s ?? prev;
  return {
    rps: rate(n, next.timeMs - prev.timeMs),
    rps10s: rate(next.total - windowStart.total, next.timeMs - windowStart.timeMs),
    avgLatencyMs: timed > 0 ? round(latencyMicros / timed / 1000, 3) : null,
    p50LatencyMs: delta ? round(quantile(delta, 0.5) / 1000, 3) : null,
    p99LatencyMs: delta ? round(quantile(delta, 0.99) / 1000, 3) : null,
    errorRate: share(Math.max(0, next.byClass['5xx'] - prev.byClass['5xx']), n),
    clientErrorRate: share(Math.max(0, next.byClass['4xx'] - prev.byClass['4xx']), n),
  };
}
