/**
 * The page's copy of the engine's chart history, and the geometry of its charts, as plain
 * functions. The page keeps no rule of its own about what a point is: a hello brings
 * dash.history(span) for every span, each snapshot frame the newest point of each, and
 * upsertPoint() only places that point. Loaded by the browser as compiled (/series.js) and
 * called by the tests in Node, so it imports types only.
 */
import type { HistoryPoint, HistoryView, SeriesName } from '../../../main/history.js';

/**
 * Puts the engine's newest point of a span into the page's copy of that span: the same `t`
 * replaces (the engine folded more samples into it), a newer `t` is appended and the oldest
 * points beyond the span's capacity dropped, an older `t` is ignored (the copy has it already).
 */
export function upsertPoint(view: HistoryView, p: HistoryPoint | null | undefined): void {
  if (!p) return;
  const points = view.points;
  const last = points[points.length - 1];
  if (last && p.t < last.t) return;
  if (last && p.t === last.t) {
    points[points.length - 1] = p;
    return;
  }
  points.push(p);
  if (points.length > view.capacity) points.splice(0, points.length - view.capacity);
}

export interface SeriesStats {
  /**
   * The newest interval's value: null when it has none (a latency with no request). The newest
   * point may still be filling (main's process figures and the coordinator's samples land in it
   * at different moments of the step): a series it lacks yet is read from the point just before.
   */
  current: number | null;
  min: number | null;
  max: number | null;
}

export function seriesStats(points: readonly HistoryPoint[], key: SeriesName, stepMs: number): SeriesStats {
  let min: number | null = null;
  let max: number | null = null;
  for (const p of points) {
    const v = p[key];
    if (v === null) continue;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  const newest = points.at(-1);
  const before = points.at(-2);
  const filling = newest?.[key] === null && before !== undefined && newest.t - before.t <= stepMs;
  return { current: (filling ? before[key] : newest?.[key]) ?? null, min, max };
}

/** The smallest of 1, 2, 2.5 and 5 times a power of ten that is at least `x` (> 0): a round axis top. */
export function niceCeil(x: number): number {
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) {
    // The epsilon keeps 0.3 from rounding up past itself (0.30000000000000004).
    if (m * p >= x * (1 - 1e-12)) return m * p;
  }
  return 10 * p;
}

/** The chart's box in SVG user units (its viewBox), with a margin so the line is never clipped. */
export const CHART_BOX = { width: 300, height: 80, margin: 3 } as const;

export interface Chart {
  /** SVG path data: one subpath per run of points; a lone point is drawn as a dot. */
  d: string;
  /** Top of the y axis in the series' unit (the bottom is 0). */
  yMax: number;
  /** The x axis, epoch ms; null when there is no point yet. */
  from: number | null;
  to: number | null;
  stats: SeriesStats;
}

/**
 * One series of one span as a chart. The x axis ends at the newest point and is as wide as the
 * span (capacity × step), wider only when the engine's points themselves spread further (time
 * when nothing was sampled, e.g. while the dashboard was down); each point sits at its own time.
 * A percentage is drawn on 0–100; anything else on 0 to a round number above its maximum.
 * The line breaks at an unknown value and across more than two steps without a point.
 */
export function chart(view: HistoryView, key: SeriesName, unit: string): Chart {
  const points = view.points;
  const stats = seriesStats(points, key, view.stepMs);
  const yMax = unit === '%' ? 100 : stats.max !== null && stats.max > 0 ? niceCeil(stats.max) : 1;
  const newest = points[points.length - 1];
  const oldest = points[0];
  if (!newest || !oldest) return { d: '', yMax, from: null, to: null, stats };
  const to = newest.t;
  const from = Math.min(oldest.t, to - (view.capacity - 1) * view.stepMs);
  const { width, height, margin } = CHART_BOX;
  const x = (t: number): string => (((t - from) / Math.max(1, to - from)) * width).toFixed(1);
  const y = (v: number): string => (margin + (1 - Math.min(Math.max(v, 0), yMax) / yMax) * (height - 2 * margin)).toFixed(1);

  const runs: string[][] = [];
  let run: string[] = [];
  let prev: HistoryPoint | null = null;
  for (const p of points) {
    const v = p[key];
    if (v === null) {
      prev = null;
      continue;
    }
    if (prev === null || p.t - prev.t > 2 * view.stepMs) runs.push((run = []));
    run.push(`${x(p.t)},${y(v)}`);
    prev = p;
  }
  const d = runs.map((r) => (r.length === 1 ? `M${r[0]}h0` : `M${r.join('L')}`)).join('');
  return { d, yMax, from, to, stats };
}
