/**
 * The APP panel's lines: one per app metric, its name, value, rate or p99 from the snapshot's
 * `app` section, and a one-row braille sparkline of the engine's app history (dash.appHistory).
 * Nothing here computes a figure: the engine measured them; this only lays them out. Pure.
 */
import type { AppHistoryPoint, AppHistoryView } from '../../main/app-metrics/history.js';
import type { AppMetricValue, AppSection } from '../../snapshot.js';
import { brailleRows } from './braille.js';
import { valueText } from './chart.js';
import { fit, millis } from './format.js';
import { escapeTags } from './tags.js';

/** Names longer than this are cut with '…': the figures and the sparkline keep their room. */
const MAX_NAME_COLS = 28;
/** A sparkline narrower than this shows no trend: left out. */
const MIN_SPARK_COLS = 4;
const MAX_SPARK_COLS = 40;

/** A count or a gauge's value: whole numbers as they are (up to 10 digits), others as charts show them. */
export function appValueText(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e10) return String(v);
  if (Math.abs(v) >= 1e10) return v.toExponential(2);
  return valueText(v);
}

/** A rate per second, '–' until one has been measured. */
const rateText = (r: number | null): string => (r === null ? '–' : `${valueText(r)}/s`);

/** The figure beside the value: a counter's rate, a histogram's p99 (in its unit), nothing for a gauge. */
export function appSecondText(m: AppMetricValue): string {
  switch (m.type) {
    case 'counter':
      return rateText(m.rate);
    case 'gauge':
      return '';
    case 'histogram':
      return `p99 ${m.unit === 'ms' ? millis(m.p99) : m.p99 === null ? '–' : valueText(m.p99)}`;
  }
}

/** A histogram's value column is its count: "n 1234". */
const firstText = (m: AppMetricValue): string => (m.type === 'histogram' ? `n ${appValueText(m.count)}` : appValueText(m.value));

/**
 * `capacity` values, oldest first, ending at now (the bucket being filled, or the one before it,
 * as the charts do): null where the instrument had no figure.
 */
export function sparkValues(points: readonly AppHistoryPoint[], stepMs: number, capacity: number, nowMs: number): Array<number | null> {
  const out = new Array<number | null>(capacity).fill(null);
  if (capacity <= 0 || !(stepMs > 0)) return out;
  const newest = points.at(-1)?.t ?? -Infinity;
  const end = Math.max(newest, Math.floor(nowMs / stepMs) * stepMs - stepMs);
  for (const p of points) {
    const i = capacity - 1 - Math.round((end - p.t) / stepMs);
    if (i >= 0 && i < capacity) out[i] = p.v;
  }
  return out;
}

/** One row of braille from 0 (or the lowest value, if negative) to the span's highest value. */
export function sparkline(values: readonly (number | null)[], width: number): string {
  let lo = 0;
  let hi = 0;
  for (const v of values) {
    if (v === null) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return brailleRows(values, width, 1, lo, hi > lo ? hi : lo + 1)[0] ?? '';
}

/**
 * At most `maxLines` lines of `width` columns, one per instrument in creation order; when they
 * do not all fit, the last line says how many are left out rather than dropping them silently.
 */
export function appPanelLines(app: AppSection, history: AppHistoryView, width: number, maxLines: number, nowMs: number): string[] {
  const entries = Object.entries(app);
  if (entries.length === 0 || maxLines <= 0 || width <= 0) return [];
  const shown = entries.length > maxLines ? entries.slice(0, maxLines - 1) : entries;
  const rows = shown.map(([name, m]) => ({ name, first: firstText(m), second: appSecondText(m) }));
  // Columns as wide as their widest text, so a narrow panel still has room for the sparklines.
  const widest = (texts: string[]): number => Math.max(...texts.map((t) => t.length));
  const nameCols = Math.min(MAX_NAME_COLS, widest(rows.map((r) => r.name)));
  const firstCols = widest(rows.map((r) => r.first));
  const secondCols = widest(rows.map((r) => r.second));
  const sparkCols = Math.min(MAX_SPARK_COLS, width - (nameCols + 2 + firstCols + 2 + secondCols + 2));
  const lines = rows.map(({ name, first, second }) => {
    const figures = `${fit(name, nameCols)}  ${fit(first, firstCols, 'right')}  ${fit(second, secondCols, 'right')}`;
    if (sparkCols < MIN_SPARK_COLS) return escapeTags(fit(figures, width));
    const values = sparkValues(history.series[name] ?? [], history.stepMs, history.capacity, nowMs);
    return `${escapeTags(figures)}  {cyan-fg}${sparkline(values, sparkCols)}{/cyan-fg}`;
  });
  if (shown.length < entries.length) lines.push(`{gray-fg}+${entries.length - shown.length} more app metrics{/gray-fg}`);
  return lines;
}
