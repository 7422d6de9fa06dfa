/**
 * The requests worker's memory, kept in a SharedArrayBuffer the main thread owns, so a
 * restarted requests worker (or coordinator) carries on where its predecessor stopped:
 * - the previous reading (rates and percentiles over the last interval are deltas from it);
 * - a ring of (time, total) checkpoints for the rate over a longer window (10 s).
 * Single writer: only the current requests worker writes.
 */
import { STATUS_CLASSES, type LiveCounts, type StatusClass } from '../shared/request-counters.js';
import { BUCKET_COUNT } from '../shared/histogram.js';

const SCALARS = 5 + STATUS_CLASSES.length; // time, total, active, latencySum, timed, classes
/** Enough checkpoints to span 10 s at the shortest spacing (200 ms) with room to spare. */
export const RING = 64;
const RING_BASE = SCALARS; // in Float64 units: [head, count, (time, total) × RING]
const FLOATS = SCALARS + 2 + 2 * RING;
const BYTES = FLOATS * 8 + BUCKET_COUNT * 4;

export interface Checkpoint {
  timeMs: number;
  total: number;
}

export function createRequestsBaseline(timeMs = Date.now()): SharedArrayBuffer {
  const buf = new SharedArrayBuffer(BYTES);
  const f = new Float64Array(buf, 0, FLOATS);
  f[0] = timeMs;
  pushCheckpoint(f, { timeMs, total: 0 });
  return buf;
}

function pushCheckpoint(f: Float64Array, c: Checkpoint): void {
  const head = f[RING_BASE]!;
  f[RING_BASE + 2 + 2 * head] = c.timeMs;
  f[RING_BASE + 3 + 2 * head] = c.total;
  f[RING_BASE] = (head + 1) % RING;
  f[RING_BASE + 1] = Math.min(RING, f[RING_BASE + 1]! + 1);
}

/** Checkpoints, oldest first. */
export function checkpoints(buf: SharedArrayBuffer): Checkpoint[] {
  const f = new Float64Array(buf, 0, FLOATS);
  const head = f[RING_BASE]!;
  const count = f[RING_BASE + 1]!;
  const out: Checkpoint[] = [];
  for (let k = count; k > 0; k--) {
    const i = (head - k + RING) % RING;
    out.push({ timeMs: f[RING_BASE + 2 + 2 * i]!, total: f[RING_BASE + 3 + 2 * i]! });
  }
  return out;
}

/** The checkpoint to measure a `spanMs` window from: the newest one at least that old, else the oldest. */
export function windowStart(points: readonly Checkpoint[], nowMs: number, spanMs: number): Checkpoint | null {
  let start: Checkpoint | null = points[0] ?? null;
  for (const p of points) if (nowMs - p.timeMs >= spanMs) start = p;
  return start;
}

export function saveReading(buf: SharedArrayBuffer, r: LiveCounts): void {
  const f = new Float64Array(buf, 0, FLOATS);
  f[1] = r.total;
  f[2] = r.active;
  f[3] = r.latencySumMicros;
  f[4] = r.timed;
  STATUS_CLASSES.forEach((c, i) => (f[5 + i] = r.byClass[c]));
  new Uint32Array(buf, FLOATS * 8, BUCKET_COUNT).set(r.histogram);
  f[0] = r.timeMs;
  pushCheckpoint(f, { timeMs: r.timeMs, total: r.total });
}

export function loadReading(buf: SharedArrayBuffer): LiveCounts {
  const f = new Float64Array(buf, 0, FLOATS);
  const byClass = {} as Record<StatusClass, number>;
  STATUS_CLASSES.forEach((c, i) => (byClass[c] = f[5 + i]!));
  return {
    timeMs: f[0]!,
    total: f[1]!,
    active: f[2]!,
    latencySumMicros: f[3]!,
    timed: f[4]!,
    byClass,
    histogram: new Uint32Array(buf, FLOATS * 8, BUCKET_COUNT).slice(),
  };
}
