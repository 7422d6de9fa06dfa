/**
 * From the engine's chart history (dash.history(span)) to what one chart draws: a value per
 * time slot ending at now, with null where nothing was sampled, and the figures of its label.
 */
import type { HistoryView, SeriesName } from '../../main/history.js';
import { niceCeiling } from './format.js';

export type ChartUnit = '%' | 'req/s' | 'ms';

/**
 * `capacity` values, oldest first, the last one this series' newest bucket. The chart ends at
 * now: the bucket still being filled counts as now, and so does the one before it (each worker
 * samples at its own moment of the interval, so a bucket opened by one series has no value of
 * another yet), so the right edge does not flicker; older than that, the missing buckets show
 * as a gap at the right, which is what a stopped worker looks like.
 */
export function slotValues(view: HistoryView, series: SeriesName, nowMs: number): Array<number | null> {
  const { stepMs, capacity, points } = view;
  const out = new Array<number | null>(capacity).fill(null);
  if (capacity <= 0 || !(stepMs > 0)) return out;
  let newest = -Infinity;
  for (const p of points) if (p[series] !== null) newest = p.t;
  const end = Math.max(newest, Math.floor(nowMs / stepMs) * stepMs - stepMs);
  for (const p of points) {
    const i = capacity - 1 - Math.round((end - p.t) / stepMs);
    if (i >= 0 && i < capacity) out[i] = p[series];
  }
  return out;
}

export interface SeriesStats {
  /** The newest value, and whether it is current (the newest slot) or only the last known. */
  latest: number;
  current: boolean;
  min: number;
  max: number;
}

export function seriesStats(values: readonly (number | null)[]): SeriesStats | null {
  let count = 0;
  let latest = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v === null || !Number.isFinite(v)) continue;
    count++;
    latest = v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const newest = values.at(-1);
  return count === 0 ? null : { latest, current: newest !== null && newest !== undefined, min, max };
}

/**
 * The value range of the y axis. Percentages are always 0–100, so two moments compare at a
 * glance; rates and latencies go from 0 to a round number at or above the span's maximum, so
 * the axis does not jitter with every sample.
 */
export function yRange(unit: ChartUnit, max: number | null): { min: number; max: number } {
  if (unit === '%') return { min: 0, max: 100 };
  return { min: 0, max: niceCeiling(max ?? 0, unit === 'req/s' ? 5 : 1) };
}
