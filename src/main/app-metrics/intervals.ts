/**
 * Rates and interval percentiles of app metrics, computed in one place: main, from two
 * cumulative readings, like the requests worker does for requests. Main keeps the previous
 * reading of each instrument (AppIntervals) and samples on its own interval timer and on
 * collect(), so the figures are there whether or not any thread is up.
 */
import { quantile } from '../../shared/histogram.js';
import { MIN_RATE_WINDOW_MS } from '../../metrics/requests.js';
import { UNIT_SCALE, type AppReading, type CounterReading, type HistogramReading } from './types.js';

export interface CounterFigures {
  /** Per second over the interval. */
  rate: number;
}

export interface HistogramFigures {
  /** Observations per second over the interval. */
  rate: number;
  /** Over the interval's observations, in the histogram's unit; null when it had none. */
  avg: number | null;
  p50: number | null;
  p99: number | null;
}

export type IntervalFigures = CounterFigures | HistogramFigures;

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const perSecond = (n: number, ms: number): number => (n > 0 && ms > 0 ? round3((n * 1000) / ms) : 0);

export function counterInterval(prev: CounterReading, prevMs: number, next: CounterReading, nextMs: number): CounterFigures {
  return { rate: perSecond(next.value - prev.value, nextMs - prevMs) };
}

export function histogramInterval(prev: HistogramReading, prevMs: number, next: HistogramReading, nextMs: number): HistogramFigures {
  const n = next.count - prev.count;
  const rate = perSecond(n, nextMs - prevMs);
  if (n <= 0) return { rate, avg: null, p50: null, p99: null };
  const delta = new Float64Array(next.buckets.length);
  for (let i = 0; i < delta.length; i++) delta[i] = next.buckets[i]! - prev.buckets[i]!;
  // Recorded units (µs for 'ms') back to the unit observe() took.
  const scale = UNIT_SCALE[next.unit];
  return {
    rate,
    avg: round3((next.sum - prev.sum) / n / scale),
    p50: round3(quantile(delta, 0.5) / scale),
    p99: round3(quantile(delta, 0.99) / scale),
  };
}

/** An instrument's reading as of its creation: everything 0. */
function zero(r: AppReading): AppReading {
  return r.type === 'histogram' ? { ...r, buckets: new Float64Array(r.buckets.length), count: 0, sum: 0 } : { ...r, value: 0 };
}

interface Kept {
  reading: AppReading;
  timeMs: number;
}

/**
 * The previous readings of each instrument, and the figures of the last interval. Figures are
 * measured from the newest kept reading at least MIN_RATE_WINDOW_MS old: a collect() just after
 * the timer's sample reports over the interval before it too, rather than a rate over a few
 * milliseconds ("2 in 5 ms: 400/s"). A reading becomes a baseline only once that old, so two
 * kept per instrument are enough.
 */
export class AppIntervals {
  readonly #kept = new Map<string, { newer: Kept; older: Kept | null }>();
  readonly #figures = new Map<string, IntervalFigures>();

  sample(readings: readonly AppReading[], nowMs: number): void {
    for (const r of readings) {
      if (r.type === 'gauge') continue;
      let k = this.#kept.get(r.name);
      if (!k) this.#kept.set(r.name, (k = { newer: { reading: zero(r), timeMs: r.createdAtMs }, older: null }));
      const long = nowMs - k.newer.timeMs >= MIN_RATE_WINDOW_MS;
      const from = long ? k.newer : k.older;
      if (from) this.#figures.set(r.name, figuresOf(from, r, nowMs));
      if (long) {
        k.older = k.newer;
        k.newer = { reading: r, timeMs: nowMs };
      }
    }
  }

  /** The last interval's figures of a counter or histogram; undefined until one has been measured. */
  figures(name: string): IntervalFigures | undefined {
    return this.#figures.get(name);
  }
}

function figuresOf(from: Kept, r: CounterReading | HistogramReading, nowMs: number): IntervalFigures {
  return r.type === 'counter'
    ? counterInterval(from.reading as CounterReading, from.timeMs, r, nowMs)
    : histogramInterval(from.reading as HistogramReading, from.timeMs, r, nowMs);
}
