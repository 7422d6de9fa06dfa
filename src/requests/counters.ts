/**
 * Request counters in a SharedArrayBuffer the main thread allocates once. Recording a request
 * is a handful of Atomics.add calls and no allocation; the requests worker only reads. Because
 * the counters never live in the worker or coordinator, their crashes lose and double nothing.
 *
 * 64-bit totals are two Uint32 cells (low, high) with a carry, since Atomics on BigInt64Array
 * would allocate a BigInt per request.
 */
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from './histogram.js';

const TOTAL = 0; // lo, hi
const STATUS = 2; // 5 classes (1xx..5xx) × (lo, hi)
const ACTIVE = 12; // open connections (int32 gauge)
const LATENCY_SUM = 13; // µs, lo, hi
const HIST = 16;
export const COUNTER_CELLS = HIST + BUCKET_COUNT;

export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx';
export const STATUS_CLASSES: readonly StatusClass[] = ['1xx', '2xx', '3xx', '4xx', '5xx'];

export interface CounterReading {
  /** Epoch ms when read. */
  timeMs: number;
  total: number;
  byClass: Record<StatusClass, number>;
  active: number;
  latencySumMicros: number;
  /** Cumulative bucket counts (wrapping uint32; subtract with `>>> 0`). */
  histogram: Uint32Array;
}

function add64(cells: Uint32Array, i: number, v: number): void {
  const old = Atomics.add(cells, i, v);
  if (old + v > 0xffffffff) Atomics.add(cells, i + 1, 1);
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
      throw new Error('threadboard: request counter buffer has the wrong size');
    }
    this.cells = new Uint32Array(this.buffer);
  }

  /** The hot path: one completed request. */
  record(durationMs: number, status: number): void {
    const micros = durationMs >= MAX_MICROS / 1000 ? MAX_MICROS : durationMs > 0 ? Math.round(durationMs * 1000) : 0;
    const cls = (status / 100) | 0;
    const cells = this.cells;
    add64(cells, TOTAL, 1);
    if (cls >= 1 && cls <= 5) add64(cells, STATUS + 2 * (cls - 1), 1);
    add64(cells, LATENCY_SUM, micros);
    Atomics.add(cells, HIST + bucketIndex(micros), 1);
  }

  connectionOpened(): void {
    Atomics.add(this.cells, ACTIVE, 1);
  }

  connectionClosed(): void {
    Atomics.sub(this.cells, ACTIVE, 1);
  }

  read(timeMs = Date.now()): CounterReading {
    const c = this.cells;
    const byClass = {} as Record<StatusClass, number>;
    STATUS_CLASSES.forEach((name, i) => (byClass[name] = read64(c, STATUS + 2 * i)));
    return {
      timeMs,
      total: read64(c, TOTAL),
      byClass,
      active: Math.max(0, Atomics.load(c, ACTIVE) | 0),
      latencySumMicros: read64(c, LATENCY_SUM),
      histogram: c.slice(HIST, HIST + BUCKET_COUNT),
    };
  }
}
