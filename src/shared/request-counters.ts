/**
 * Request counters in a SharedArrayBuffer the main thread allocates once. Recording a request
 * is a handful of Atomics.add calls and no allocation; the requests worker only reads. Because
 * the counters never live in the worker or coordinator, their crashes lose and double nothing.
 *
 * 64-bit totals are two Uint32 cells (low, high) with a carry (cells64.ts).
 */
import { InternalError } from '../errors.js';
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from './histogram.js';
import { add64, addLarge, read64 } from './cells64.js';

// Layout: [active connections] [everything counted] [the part of it replayed from a log backlog].
// A tally is: total (lo, hi), 5 status classes × (lo, hi), latency sum µs (lo, hi), untimed
// (lo, hi), then the histogram. Counting the untimed requests rather than the timed ones keeps
// the hot path (always timed) one atomic op shorter.
const ACTIVE = 0; // open connections (int32 gauge)
const TALLY_CELLS = 16 + BUCKET_COUNT;
const ALL = 1;
const REPLAYED = ALL + TALLY_CELLS;
const TOTAL = ALL;
const STATUS = ALL + 2;
const LATENCY_SUM = ALL + 12;
const HIST = ALL + 16;
export const COUNTER_CELLS = REPLAYED + TALLY_CELLS;
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

/** Counts of requests since the start. */
export interface Tally {
  total: number;
  byClass: Record<StatusClass, number>;
  latencySumMicros: number;
  /** Requests whose latency is known (in latencySumMicros and the histogram). */
  timed: number;
  /**
   * Bucket counts of the log-linear latency histogram (whole microseconds; see
   * latencyBucketRange()), cumulative since the start (wrapping uint32; subtract with `>>> 0`).
   */
  histogram: Uint32Array;
}

/** Every request counted since the dashboard started, read at one moment. */
export interface RequestCounts extends Tally {
  /** Epoch ms when read. */
  timeMs: number;
  /** Open HTTP connections that have sent at least one request. */
  active: number;
  /**
   * The part of these counts read from an access log's backlog (`from: 'start'`): in the totals,
   * but not traffic of the moment, so interval rates leave it out.
   */
  replayed: Tally;
}

function addTally(cells: Uint32Array, base: number, batch: RequestBatch): void {
  if (batch.total > 0) addLarge(cells, base, batch.total);
  batch.byClass.forEach((n, i) => n > 0 && addLarge(cells, base + 2 + 2 * i, n));
  if (batch.timed > 0) addLarge(cells, base + 12, batch.latencySumMicros);
  if (batch.total > batch.timed) addLarge(cells, base + 14, batch.total - batch.timed);
  for (let i = 0; i < batch.buckets.length; i += 2) Atomics.add(cells, base + 16 + batch.buckets[i]!, batch.buckets[i + 1]!);
}

function readTally(c: Uint32Array, base: number): Tally {
  const byClass = {} as Record<StatusClass, number>;
  STATUS_CLASSES.forEach((name, i) => (byClass[name] = read64(c, base + 2 + 2 * i)));
  const total = read64(c, base);
  return {
    total,
    byClass,
    latencySumMicros: read64(c, base + 12),
    timed: total - read64(c, base + 14),
    histogram: c.slice(base + 16, base + 16 + BUCKET_COUNT),
  };
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

  /** Folds a batch of requests counted elsewhere (a parsed access-log batch) in one go; `replayed`: from a log's backlog. */
  addBatch(batch: RequestBatch, replayed = false): void {
    addTally(this.cells, ALL, batch);
    if (replayed) addTally(this.cells, REPLAYED, batch);
  }

  connectionOpened(): void {
    Atomics.add(this.cells, ACTIVE, 1);
  }

  connectionClosed(): void {
    Atomics.sub(this.cells, ACTIVE, 1);
  }

  /** Live requests and their 5xx so far (a replayed backlog left out): eight cells, no histogram copied. */
  readLiveTotals(timeMs = Date.now()): LiveTotals {
    const c = this.cells;
    // Within a tally: the total first, then 1xx…5xx two cells each (as readTally reads them).
    const fiveXx = 2 + 2 * 4;
    return {
      timeMs,
      total: read64(c, ALL) - read64(c, REPLAYED),
      errors: read64(c, ALL + fiveXx) - read64(c, REPLAYED + fiveXx),
    };
  }

  read(timeMs = Date.now()): RequestCounts {
    const c = this.cells;
    return { timeMs, active: Math.max(0, Atomics.load(c, ACTIVE) | 0), ...readTally(c, ALL), replayed: readTally(c, REPLAYED) };
  }
}

export interface LiveTotals {
  timeMs: number;
  total: number;
  /** 5xx responses. */
  errors: number;
}

/** The live traffic in a reading: everything counted, less what was replayed from a log backlog. */
export function liveCounts(r: RequestCounts): LiveCounts {
  const byClass = {} as Record<StatusClass, number>;
  for (const c of STATUS_CLASSES) byClass[c] = r.byClass[c] - r.replayed.byClass[c];
  const histogram = new Uint32Array(BUCKET_COUNT);
  for (let i = 0; i < BUCKET_COUNT; i++) histogram[i] = (r.histogram[i]! - r.replayed.histogram[i]!) >>> 0;
  return {
    timeMs: r.timeMs,
    active: r.active,
    total: r.total - r.replayed.total,
    byClass,
    latencySumMicros: r.latencySumMicros - r.replayed.latencySumMicros,
    timed: r.timed - r.replayed.timed,
    histogram,
  };
}

/** A reading of live traffic only: what interval rates and percentiles are made of. */
export type LiveCounts = Omit<RequestCounts, 'replayed'>;
