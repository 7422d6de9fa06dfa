/**
 * Request counters in a SharedArrayBuffer the main thread allocates once. Recording a request
 * is a handful of Atomics.add calls and no allocation; the requests worker only reads. Because
 * the counters never live in the worker or coordinator, their crashes lose and double nothing.
 *
 * 64-bit totals are two Uint32 cells (low, high) with a carry, since Atomics on BigInt64Array
 * would allocate a BigInt per request.
 */
import { InternalError } from '../errors.js';
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from './histogram.js';

const TOTAL = 0; // lo, hi
const STATUS = 2; // 5 classes (1xx..5xx) × (lo, hi)
const ACTIVE = 12; // open connections (int32 gauge)
const LATENCY_SUM = 13; // µs, lo, hi
// Requests with no known latency (access-log lines without a time field), lo, hi. Counting
// these rather than the timed ones keeps the hot path (always timed) one atomic op shorter.
const UNTIMED = 15;
const HIST = 18;
export const COUNTER_CELLS = HIST + BUCKET_COUNT;
/** Latencies at or above this many ms land in the last bucket. */
const MAX_MS = MAX_MICROS / 1000;

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

/** Requests counted outside the hot path, e.g. one parsed access-log batch. */
export interface RequestBatch {
  total: number;
  /** Counts per status class 1xx..5xx. */
  byClass: number[];
  timed: number;
  latencySumMicros: number;
  /** Flat [bucketIndex, count, bucketIndex, count, ...] for the non-empty buckets. */
  buckets: number[];
}

export interface RequestCounts {
  /** Epoch ms when read. */
  timeMs: number;
  total: number;
  byClass: Record<StatusClass, number>;
  active: number;
  latencySumMicros: number;
  /** Requests whose latency is known (in latencySumMicros and the histogram). */
  timed: number;
  /** Cumulative bucket counts (wrapping uint32; subtract with `>>> 0`). */
  histogram: Uint32Array;
}

function add64(cells: Uint32Array, i: number, v: number): void {
  const old = Atomics.add(cells, i, v);
  if (old + v > 0xffffffff) Atomics.add(cells, i + 1, 1);
}

/** add64 for amounts that may exceed 32 bits (batches). */
function addLarge(cells: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  const lo = v - hi * 0x100000000;
  if (hi > 0) Atomics.add(cells, i + 1, hi);
  add64(cells, i, lo);
}

function read64(cells: Uint32Array, i: number): number {
  for (;;) {
    const hi = Atomics.load(cells, i + 1);
    const lo = Atomics.load(cells, i);
    if (Atomics.load(cells, i + 1) === hi) return hi * 0x100000000 + lo;
  }
}

export class RequestCounters {
  readonly buffer: SharedArrayBuffer;
  private readonly cells: Uint32Array;

  constructor(buffer?: SharedArrayBuffer) {
    this.buffer = buffer ?? new SharedArrayBuffer(COUNTER_CELLS * Uint32Array.BYTES_PER_ELEMENT);
    if (this.buffer.byteLength !== COUNTER_CELLS * Uint32Array.BYTES_PER_ELEMENT) {
      throw new InternalError('the request counter buffer has the wrong size');
    }
    this.cells = new Uint32Array(this.buffer);
  }

  /** The hot path: one completed request. */
  record(durationMs: number, status: number): void {
    const micros = durationMs >= MAX_MS ? MAX_MICROS : durationMs > 0 ? Math.round(durationMs * 1000) : 0;
    const cls = (status / 100) | 0;
    const cells = this.cells;
    add64(cells, TOTAL, 1);
    if (cls >= 1 && cls <= 5) add64(cells, STATUS + 2 * (cls - 1), 1);
    add64(cells, LATENCY_SUM, micros);
    Atomics.add(cells, HIST + bucketIndex(micros), 1);
  }

  /** Folds a batch of requests counted elsewhere (a parsed access-log batch) in one go. */
  addBatch(batch: RequestBatch): void {
    const cells = this.cells;
    if (batch.total > 0) addLarge(cells, TOTAL, batch.total);
    batch.byClass.forEach((n, i) => n > 0 && addLarge(cells, STATUS + 2 * i, n));
    if (batch.total > batch.timed) addLarge(cells, UNTIMED, batch.total - batch.timed);
    if (batch.timed > 0) addLarge(cells, LATENCY_SUM, batch.latencySumMicros);
    for (let i = 0; i < batch.buckets.length; i += 2) Atomics.add(cells, HIST + batch.buckets[i]!, batch.buckets[i + 1]!);
  }

  connectionOpened(): void {
    Atomics.add(this.cells, ACTIVE, 1);
  }

  connectionClosed(): void {
    Atomics.sub(this.cells, ACTIVE, 1);
  }

  read(timeMs = Date.now()): RequestCounts {
    const c = this.cells;
    const byClass = {} as Record<StatusClass, number>;
    STATUS_CLASSES.forEach((name, i) => (byClass[name] = read64(c, STATUS + 2 * i)));
    const total = read64(c, TOTAL);
    return {
      timeMs,
      total,
      byClass,
      active: Math.max(0, Atomics.load(c, ACTIVE) | 0),
      latencySumMicros: read64(c, LATENCY_SUM),
      timed: total - read64(c, UNTIMED),
      histogram: c.slice(HIST, HIST + BUCKET_COUNT),
    };
  }
}
