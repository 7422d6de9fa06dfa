/**
 * One panel chart as lines of text: a label line with the current, min and max values, the
 * braille plot behind a y axis whose labels carry the unit, and an x axis that names the span.
 *
 *   now 42.5%  min 3.1%  max 97.0%
 *   100%┤    ⢀⡠⠒⠉⠉⠒⢄
 *       │ ⢀⠔⠁        ⠑⢄
 *     0%┤⠔⠁            ⠑
 *       └-2m─────-1m─────now
 */
import { brailleRows } from './braille.js';
import { seriesStats, yRange, type ChartUnit } from './chart-series.js';
import { fit } from './format.js';

export interface ChartSpec {
  /** One value per time slot, oldest first, the last one now; null where nothing was sampled. */
  values: readonly (number | null)[];
  unit: ChartUnit;
  /** How much time the values cover, for the x axis. */
  spanMs: number;
  width: number;
  /** Lines in all: the label line, the plot, the x axis. */
  height: number;
  /** A blessed color for the plot's dots; none: plain text. */
  color?: string;
}

/** A chart needs its label line, two plot rows (eight dot levels) and its x axis. */
export const MIN_CHART_HEIGHT = 4;
/** Plot columns below which the chart says nothing worth its room. */
const MIN_PLOT_WIDTH = 4;

/** A measured value: one decimal, none from 100 up (three figures are enough to read a trend). */
export function valueText(v: number): string {
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
}

/** An axis value (a round number by construction): whole numbers bare, others to one decimal. */
export function axisText(v: number): string {
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}

export function withUnit(text: string, unit: ChartUnit): string {
  return unit === '%' ? `${text}%` : `${text} ${unit}`;
}

/** A span as people say it: 2m, 30m, 3h, 90s, 1h30m. */
export function spanText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s % 3600 === 0) return `${s / 3600}h`;
  if (s >= 3600 && s % 60 === 0) return `${Math.floor(s / 3600)}h${(s % 3600) / 60}m`;
  if (s % 60 === 0) return `${s / 60}m`;
  return `${s}s`;
}

/** The label line: as much of "now X  min Y  max Z" as fits, units included where they fit. */
export function statsLine(values: readonly (number | null)[], unit: ChartUnit, width: number): string {
  const st = seriesStats(values);
  if (!st) return fit('no samples in this span', width);
  const n = valueText;
  const u = (v: number): string => withUnit(n(v), unit);
  // "last" when the newest slot is empty: the value is the last known one, not the current.
  const now = st.current ? 'now' : 'last';
  // The narrow forms drop the word "now", never "last".
  const brief = st.current ? '' : 'last ';
  const candidates = [
    `${now} ${u(st.latest)}  min ${u(st.min)}  max ${u(st.max)}`,
    `${now} ${u(st.latest)}  min ${n(st.min)}  max ${n(st.max)}`,
    `${now} ${u(st.latest)} min ${n(st.min)} max ${n(st.max)}`,
    `${brief}${u(st.latest)} min ${n(st.min)} max ${n(st.max)}`,
    `${brief}${u(st.latest)} (${n(st.min)}–${n(st.max)})`,
    `${brief}${u(st.latest)}`,
  ];
  return fit(candidates.find((c) => c.length <= width) ?? candidates.at(-1)!, width);
}

/**
 * The x axis under a plot of `width` columns: "-span" at the left edge, "now" at the right, the
 * half-way time in the middle when it fits with room to spare.
 */
export function xAxis(spanMs: number, width: number): string {
  const left = `-${spanText(spanMs)}`;
  const right = 'now';
  if (width < left.length + right.length + 1) return fit(right, width, 'right');
  const axis = [...'─'.repeat(width)];
  const put = (text: string, at: number): void => {
    axis.splice(at, text.length, ...text);
  };
  put(left, 0);
  put(right, width - right.length);
  const mid = `-${spanText(spanMs / 2)}`;
  const at = Math.floor(width / 2) - Math.floor(mid.length / 2);
  if (at >= left.length + 2 && at + mid.length <= width - right.length - 2) put(mid, at);
  return axis.join('');
}

/** Exactly `height` lines of `width` visible columns, or none when the chart has no room. */
export function renderChart(spec: ChartSpec): string[] {
  const { values, unit, width, height } = spec;
  if (height < MIN_CHART_HEIGHT) return [];
  const plotRows = height - 2;
  const st = seriesStats(values);
  const range = yRange(unit, st?.max ?? null);
  // Labels at the top and bottom rows (the range's ends), and on a tall plot at the row that
  // holds the half-way value (at its centre for an odd number of rows, its top edge for an even).
  const labels = new Map<number, string>([
    [0, withUnit(axisText(range.max), unit)],
    [plotRows - 1, withUnit(axisText(range.min), unit)],
  ]);
  if (plotRows >= 5) labels.set(Math.floor(plotRows / 2), withUnit(axisText((range.min + range.max) / 2), unit));
  const labelWidth = Math.max(...[...labels.values()].map((l) => l.length));
  const plotWidth = width - labelWidth - 1;
  if (plotWidth < MIN_PLOT_WIDTH) return [];
  const dots = brailleRows(values, plotWidth, plotRows, range.min, range.max);
  const paint = (row: string): string => (spec.color ? `{${spec.color}-fg}${row}{/${spec.color}-fg}` : row);
  return [
    statsLine(values, unit, width),
    ...dots.map((row, i) => {
      const label = labels.get(i);
      return `${(label ?? '').padStart(labelWidth)}${label ? '┤' : '│'}${paint(row)}`;
    }),
    `${' '.repeat(labelWidth)}└${xAxis(spec.spanMs, plotWidth)}`,
  ];
}
