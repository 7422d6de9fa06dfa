/** Turns two counter readings into the dashboard's requests section (pure). */
import type { RequestsSection } from '../snapshot.js';
import type { CounterReading } from './counters.js';
import { BUCKET_COUNT, quantile } from './histogram.js';

const round = (x: number, digits: number): number => {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
};

export function histogramDelta(prev: Uint32Array, next: Uint32Array): Uint32Array {
  const out = new Uint32Array(BUCKET_COUNT);
  for (let i = 0; i < BUCKET_COUNT; i++) out[i] = (next[i]! - prev[i]!) >>> 0;
  return out;
}

export function requestsSection(prev: CounterReading, next: CounterReading): RequestsSection {
  const n = Math.max(0, next.total - prev.total);
  const seconds = (next.timeMs - prev.timeMs) / 1000;
  const errors = Math.max(0, next.byClass['5xx'] - prev.byClass['5xx']);
  const latencyMicros = Math.max(0, next.latencySumMicros - prev.latencySumMicros);
  const delta = n > 0 ? histogramDelta(prev.histogram, next.histogram) : null;
  return {
    rps: n > 0 && seconds > 0 ? round(n / seconds, 1) : 0,
    avgLatencyMs: n > 0 ? round(latencyMicros / n / 1000, 3) : 0,
    p50LatencyMs: delta ? round(quantile(delta, 0.5) / 1000, 3) : 0,
    p99LatencyMs: delta ? round(quantile(delta, 0.99) / 1000, 3) : 0,
    errorRate: n > 0 ? round((errors / n) * 100, 2) : 0,
    activeConnections: next.active,
    total: next.total,
  };
}
