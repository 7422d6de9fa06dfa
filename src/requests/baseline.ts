/**
 * The requests worker's previous reading, kept in a SharedArrayBuffer the main thread owns,
 * so a restarted requests worker (or coordinator) reports the interval since its
 * predecessor's last sample instead of inventing a fresh start.
 */
import { STATUS_CLASSES, type CounterReading, type StatusClass } from './counters.js';
import { BUCKET_COUNT } from './histogram.js';

const SCALARS = 4 + STATUS_CLASSES.length; // time, total, active, latencySum, classes
const BYTES = SCALARS * 8 + BUCKET_COUNT * 4;

export function createRequestsBaseline(timeMs = Date.now()): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(BYTES);
  new Float64Array(buf, 0, SCALARS)[0] = timeMs;
  return buf;
}

export function saveReading(buf: SharedArrayBuffer, r: CounterReading): void {
  const f = new Float64Array(buf, 0, SCALARS);
  f[1] = r.total;
  f[2] = r.active;
  f[3] = r.latencySumMicros;
  STATUS_CLASSES.forEach((c, i) => (f[4 + i] = r.byClass[c]));
  new Uint32Array(buf, SCALARS * 8, BUCKET_COUNT).set(r.histogram);
  // Time last: a reader that sees the new time sees the rest (single writer, same thread reads later).
  f[0] = r.timeMs;
}

export function loadReading(buf: SharedArrayBuffer): CounterReading {
  const f = new Float64Array(buf, 0, SCALARS);
  const byClass = {} as Record<StatusClass, number>;
  STATUS_CLASSES.forEach((c, i) => (byClass[c] = f[4 + i]!));
  return {
    timeMs: f[0]!,
    total: f[1]!,
    active: f[2]!,
    latencySumMicros: f[3]!,
    byClass,
    histogram: new Uint32Array(buf, SCALARS * 8, BUCKET_COUNT).slice(),
  };
}
