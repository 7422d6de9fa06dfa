/**
 * Screen layout as arithmetic on the terminal size, recomputed on every resize. Blessed's
 * percentage sizes would re-lay boxes by themselves, but the charts are drawn as text to an
 * exact number of rows and columns, so the app needs the numbers anyway; having them here
 * makes them testable.
 *
 *   header                                                 (1 row)
 *   CPU        | Memory      | Requests     | Process      (about 55 % of the rest)
 *   Workers                    | Events                   (the rest)
 *   APP (only with app metrics)|
 *   footer: keys                                 (1 row)
 */
import { MIN_CHART_HEIGHT } from './chart.js';

export interface Rect {
  left: number;
  top: number;
  width: number;
  height: number;
}

export interface Layout {
  cols: number;
  rows: number;
  /** Below MIN_COLS × MIN_ROWS the app shows a "make the terminal larger" notice instead. */
  tooSmall: boolean;
  header: Rect;
  cpu: Rect;
  memory: Rect;
  requests: Rect;
  process: Rect;
  workers: Rect;
  /**
   * The app metrics, below the workers table and as wide (the Events column stays whole, and
   * its entries still wrap the same); null when there are none or no row to spare for them.
   */
  app: Rect | null;
  events: Rect;
  footer: Rect;
}

export const MIN_COLS = 80;
export const MIN_ROWS = 20;
/** A chart shorter than this has no room for its plot between its label line and x axis, so it is hidden. */
export const MIN_CHART_ROWS = MIN_CHART_HEIGHT;

const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Splits `total` into `parts` widths that differ by at most one and add up exactly. */
export function split(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => base + (i < total - base * parts ? 1 : 0));
}

/**
 * `workerRows`: rows of the workers table (coordinator included), so it is never cut when there
 * is room. `appRows`: app metrics to list (one row each); they get what the table leaves.
 */
export function computeLayout(cols: number, rows: number, workerRows = 4, appRows = 0): Layout {
  const c = Math.max(1, Math.floor(cols));
  const r = Math.max(1, Math.floor(rows));
  const tooSmall = c < MIN_COLS || r < MIN_ROWS;
  const middle = Math.max(0, r - 2);
  // The table needs its rows + header + border; the top panels take what is left, at most ~55 %.
  const bottomNeed = workerRows + 3;
  const top = clamp(Math.round(middle * 0.55), Math.min(8, middle), Math.max(Math.min(8, middle), middle - bottomNeed));
  const bottom = middle - top;
  const [w1, w2, w3, w4] = split(c, 4) as [number, number, number, number];
  // The table's fixed columns need 62; the event log keeps at least 30.
  const workersWidth = clamp(Math.round(c * 0.62), Math.min(50, c), Math.max(Math.min(50, c), c - 30));
  // A bordered box of at least one line, only from the rows the table does not need.
  const spare = bottom - bottomNeed;
  const appHeight = appRows > 0 && spare >= 3 ? Math.min(appRows + 2, spare) : 0;
  return {
    cols: c,
    rows: r,
    tooSmall,
    header: { left: 0, top: 0, width: c, height: 1 },
    cpu: { left: 0, top: 1, width: w1, height: top },
    memory: { left: w1, top: 1, width: w2, height: top },
    requests: { left: w1 + w2, top: 1, width: w3, height: top },
    process: { left: w1 + w2 + w3, top: 1, width: w4, height: top },
    workers: { left: 0, top: 1 + top, width: workersWidth, height: bottom - appHeight },
    app: appHeight > 0 ? { left: 0, top: 1 + top + bottom - appHeight, width: workersWidth, height: appHeight } : null,
    events: { left: workersWidth, top: 1 + top, width: c - workersWidth, height: bottom },
    footer: { left: 0, top: r - 1, width: c, height: 1 },
  };
}

/** Inside a bordered panel: rows for its text lines, then the chart below if it fits. */
export function panelSplit(panel: Rect, textRows: number): { textRows: number; chartRows: number } {
  const inner = Math.max(0, panel.height - 2);
  const text = Math.min(inner, textRows);
  const rest = inner - text;
  return { textRows: text, chartRows: rest >= MIN_CHART_ROWS ? rest : 0 };
}

/**
 * Rows for each of a panel's `count` charts (REQ has two: rate and p99) out of `rows`: shared
 * evenly, the first ones first, while each gets at least MIN_CHART_ROWS; a chart with no room
 * gets 0 and is hidden, so a short panel keeps its first chart whole.
 */
export function chartHeights(rows: number, count: number): number[] {
  const shown = Math.max(0, Math.min(count, Math.floor(rows / MIN_CHART_ROWS)));
  const heights = shown > 0 ? split(rows, shown) : [];
  return Array.from({ length: count }, (_, i) => heights[i] ?? 0);
}
