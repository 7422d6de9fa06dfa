/** The shapes of app metrics: what creating one takes, and what reading one gives. */
import type { HistogramUnit } from '../../snapshot.js';

export type { HistogramUnit };
export type AppMetricType = 'counter' | 'gauge' | 'histogram';

export interface MetricOptions {
  /** One line for people: /metrics' `# HELP`. At most 256 characters. */
  help?: string;
}

export interface HistogramOptions extends MetricOptions {
  /** What observe() takes: 'ms' (the default) or 'none' (whole numbers). See HistogramUnit. */
  unit?: HistogramUnit;
}

interface ReadingBase {
  name: string;
  help: string;
  /** Epoch ms of the instrument's creation, when it was 0. */
  createdAtMs: number;
}

/**
 * One instrument read at one moment, cumulative since its creation: the form that adds up
 * (a counter's total, a histogram's bucket counts), which /metrics renders and a fleet merges.
 */
export type AppReading = CounterReading | GaugeReading | HistogramReading;

export interface CounterReading extends ReadingBase {
  type: 'counter';
  value: number;
}

export interface GaugeReading extends ReadingBase {
  type: 'gauge';
  value: number;
}

export interface HistogramReading extends ReadingBase {
  type: 'histogram';
  unit: HistogramUnit;
  /**
   * Observations per bucket of the fine log-linear histogram (src/shared/histogram.ts), in
   * recorded units: whole microseconds for 'ms', whole numbers for 'none'. Exact up to 2^53.
   */
  buckets: Float64Array;
  /** The sum of the buckets: every observation since creation. */
  count: number;
  /** Sum of the observations in recorded units (µs for 'ms'). */
  sum: number;
}

/** Recorded units per unit observe() takes: 'ms' histograms count whole microseconds. */
export const UNIT_SCALE: Readonly<Record<HistogramUnit, number>> = { ms: 1000, none: 1 };
