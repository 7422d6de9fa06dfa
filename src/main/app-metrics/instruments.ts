/**
 * The instruments the host's code updates: each update is a check that a JIT keeps on its fast
 * path and one or two Atomics operations on a SharedArrayBuffer main allocated when the
 * instrument was created; no message, no allocation, no lookup by name. A value that fails the
 * fast check takes the slow path, which handles the rare valid case (a big increment, a huge
 * observation) or throws the documented ArgumentError.
 *
 * Counters and histograms are whole numbers in Uint32 cells (64-bit totals with a carry,
 * cells64.ts). A gauge is a Float64 cell set with a plain store: Atomics has no floating-point
 * operations, and the main thread is the one writer and the one reader. A histogram's sum is
 * added the same way, for the same reason (addSum).
 */
import { add64, addLarge, read64 } from '../../shared/cells64.js';
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from '../../shared/histogram.js';
import { badCount, badGaugeValue, badObservation, tooLarge } from './arguments.js';
import { UNIT_SCALE, type CounterReading, type GaugeReading, type HistogramReading, type HistogramUnit } from './types.js';

/** Where an instrument's value lives: its own cells, set up by the registry. */
export interface Slot {
  name: string;
  help: string;
  createdAtMs: number;
}

export class AppCounter {
  readonly type = 'counter';
  readonly name: string;
  readonly #help: string;
  readonly #createdAtMs: number;
  readonly #cells: Uint32Array;
  readonly #at: number;

  /** @internal dash.metrics.counter() makes them */
  constructor(slot: Slot, cells: Uint32Array, at: number) {
    this.name = slot.name;
    this.#help = slot.help;
    this.#createdAtMs = slot.createdAtMs;
    this.#cells = cells;
    this.#at = at;
  }

  /** Adds n (a whole number >= 0; default 1). */
  inc(n = 1): void {
    // True only for whole numbers 0 .. 2^32 - 1: NaN, negatives, fractions and strings fail it
    // (typeof first: `>>>` on a BigInt would throw a TypeError of its own).
    if (typeof n === 'number' && n >>> 0 === n) add64(this.#cells, this.#at, n);
    else this.#incLarge(n);
  }

  #incLarge(n: unknown): void {
    if (!Number.isSafeInteger(n) || (n as number) < 0) throw badCount(this.name, n);
    addLarge(this.#cells, this.#at, n as number);
  }

  /** @internal */
  reading(): CounterReading {
    return { type: 'counter', name: this.name, help: this.#help, createdAtMs: this.#createdAtMs, value: read64(this.#cells, this.#at) };
  }
}

export class AppGauge {
  readonly type = 'gauge';
  readonly name: string;
  readonly #help: string;
  readonly #createdAtMs: number;
  readonly #cells: Float64Array;
  readonly #at: number;

  /** @internal dash.metrics.gauge() makes them */
  constructor(slot: Slot, cells: Float64Array, at: number) {
    this.name = slot.name;
    this.#help = slot.help;
    this.#createdAtMs = slot.createdAtMs;
    this.#cells = cells;
    this.#at = at;
  }

  /** Sets the value (any finite number). */
  set(v: number): void {
    if (!Number.isFinite(v)) throw badGaugeValue(this.name, 'set', v);
    this.#cells[this.#at] = v;
  }

  /** Adds n (any finite number; default 1). */
  inc(n = 1): void {
    if (!Number.isFinite(n)) throw badGaugeValue(this.name, 'inc', n);
    this.#cells[this.#at] = this.#cells[this.#at]! + n;
  }

  /** Subtracts n (any finite number; default 1). */
  dec(n = 1): void {
    if (!Number.isFinite(n)) throw badGaugeValue(this.name, 'dec', n);
    this.#cells[this.#at] = this.#cells[this.#at]! - n;
  }

  /** @internal */
  reading(): GaugeReading {
    return { type: 'gauge', name: this.name, help: this.#help, createdAtMs: this.#createdAtMs, value: this.#cells[this.#at]! };
  }
}

/**
 * A histogram's cells: the sum, then a count per fine bucket, each 64 bits (low, high). 64-bit
 * buckets cost the hot path nothing (add64 is one Atomics.add until the low half carries) and
 * never wrap: 32-bit ones would after 2^32 observations in one bucket, 72 minutes at 1M a second.
 */
const SUM = 0;
const BUCKETS = 2;
export const HISTOGRAM_CELLS = BUCKETS + 2 * BUCKET_COUNT;
const LAST_BUCKET = BUCKETS + 2 * bucketIndex(MAX_MICROS);

/**
 * Adds to the sum with plain loads and stores, not Atomics: main is the one thread that ever
 * writes a histogram's cells, so no update can be lost, and a second atomic operation per
 * observation cost more than the bucket's own (bench: 'app histogram observe() vs Atomics.add').
 * The bucket counts stay atomic; the sum is read on main (reading()) like everything else.
 */
function addSum(cells: Uint32Array, units: number): void {
  const lo = cells[SUM]! + units;
  if (lo > 0xffffffff) {
    cells[SUM] = lo - 0x100000000;
    cells[SUM + 1]! += 1;
  } else cells[SUM] = lo;
}

export class AppHistogram {
  readonly type = 'histogram';
  readonly name: string;
  readonly unit: HistogramUnit;
  readonly #help: string;
  readonly #createdAtMs: number;
  readonly #scale: number;
  readonly #cells: Uint32Array;

  /** @internal dash.metrics.histogram() makes them */
  constructor(slot: Slot, unit: HistogramUnit, cells: Uint32Array) {
    this.name = slot.name;
    this.unit = unit;
    this.#help = slot.help;
    this.#createdAtMs = slot.createdAtMs;
    this.#scale = UNIT_SCALE[unit];
    this.#cells = cells;
  }

  /** Counts one observation: a duration in ms for unit 'ms', a number for 'none'; finite and >= 0. */
  observe(v: number): void {
    if (typeof v === 'number') {
      const x = v * this.#scale;
      // NaN, negatives, ±Infinity and the very large (over ~71 min in µs) all fail this test.
      if (x >= 0 && x < MAX_MICROS) {
        const units = (x + 0.5) >>> 0; // rounded to a whole recorded unit
        const cells = this.#cells;
        add64(cells, BUCKETS + 2 * bucketIndex(units), 1);
        addSum(cells, units);
        return;
      }
    }
    this.#observeLarge(v);
  }

  /** Past the last bucket's start: counted in the last bucket, summed exactly. */
  #observeLarge(v: unknown): void {
    if (typeof v !== 'number' || !(v >= 0) || !Number.isFinite(v)) throw badObservation(this.name, this.unit, v);
    const units = Math.round(v * this.#scale);
    if (!Number.isSafeInteger(units)) throw tooLarge(this.name, v);
    add64(this.#cells, LAST_BUCKET, 1);
    addLarge(this.#cells, SUM, units);
  }

  /** @internal */
  reading(): HistogramReading {
    const cells = this.#cells;
    // A copy, so the reading holds still while the host goes on observing. Plain loads suffice:
    // main is the one thread that writes these cells, and this is main.
    const buckets = new Float64Array(BUCKET_COUNT);
    let count = 0;
    for (let i = 0, c = BUCKETS; i < BUCKET_COUNT; i++, c += 2) count += buckets[i] = cells[c]! + cells[c + 1]! * 0x100000000;
    return {
      type: 'histogram',
      name: this.name,
      help: this.#help,
      createdAtMs: this.#createdAtMs,
      unit: this.unit,
      buckets,
      count,
      sum: read64(cells, SUM),
    };
  }
}

export type AppInstrument = AppCounter | AppGauge | AppHistogram;
