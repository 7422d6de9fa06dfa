/**
 * A line of values drawn in braille dots: each terminal cell holds 2×4 dots, so a chart of
 * `width` × `height` cells has 2·width columns and 4·height levels. Written here rather than
 * taken from blessed-contrib, whose line chart brought 69 packages into every install for one
 * widget; this is the part of it the dashboard needs, as a pure function.
 */

/** Unicode's bit for the dot at [column 0|1][row 0..3 from the top] of a braille cell. */
const DOT_BITS = [
  [0x01, 0x02, 0x04, 0x40],
  [0x08, 0x10, 0x20, 0x80],
] as const;
const BRAILLE_BASE = 0x2800;

/** The values that fall into one dot column: their range, and the newest (where the line goes on from). */
export interface DotColumn {
  lo: number;
  hi: number;
  last: number;
}

/**
 * Resamples `values` (oldest first, null for a gap) into `count` dot columns. More values than
 * columns: each column gets the range of its values, so a spike between two columns is still
 * drawn. Fewer: each value spans several columns. A column with no value is a gap.
 */
export function dotColumns(values: readonly (number | null)[], count: number): Array<DotColumn | null> {
  const n = values.length;
  const out: Array<DotColumn | null> = [];
  for (let c = 0; c < count; c++) {
    const start = Math.floor((c * n) / count);
    const end = Math.max(start + 1, Math.floor(((c + 1) * n) / count));
    let col: DotColumn | null = null;
    for (let i = start; i < Math.min(end, n); i++) {
      const v = values[i];
      if (v === null || v === undefined || !Number.isFinite(v)) continue;
      col = col ? { lo: Math.min(col.lo, v), hi: Math.max(col.hi, v), last: v } : { lo: v, hi: v, last: v };
    }
    out.push(col);
  }
  return out;
}

/**
 * `height` strings of exactly `width` characters: the series scaled from `min` (bottom dot) to
 * `max` (top dot), values outside clamped. Consecutive columns are joined by a vertical run of
 * dots so the line reads as a line; a gap (null) breaks it. Empty cells are spaces.
 */
export function brailleRows(values: readonly (number | null)[], width: number, height: number, min: number, max: number): string[] {
  const w = Math.max(0, Math.floor(width));
  const h = Math.max(0, Math.floor(height));
  const levels = h * 4;
  const range = max - min;
  const level = (v: number): number => (range > 0 ? Math.min(levels - 1, Math.max(0, Math.round(((v - min) / range) * (levels - 1)))) : 0);
  const cells = new Uint8Array(w * h);
  const dot = (x: number, y: number): void => {
    const fromTop = levels - 1 - y;
    const cell = Math.floor(fromTop / 4) * w + Math.floor(x / 2);
    cells[cell]! |= DOT_BITS[x % 2]![fromTop % 4]!;
  };
  let prev: number | null = null;
  dotColumns(values, w * 2).forEach((col, x) => {
    if (col === null || levels === 0) {
      prev = null;
      return;
    }
    let lo = level(col.lo);
    let hi = level(col.hi);
    // Join from the previous column's end, one dot past it, so a step is a slope, not a blob.
    if (prev !== null) {
      lo = Math.min(lo, prev + 1);
      hi = Math.max(hi, prev - 1);
    }
    for (let y = lo; y <= hi; y++) dot(x, y);
    prev = level(col.last);
  });
  const rows: string[] = [];
  for (let r = 0; r < h; r++) {
    let row = '';
    for (let c = 0; c < w; c++) {
      const bits = cells[r * w + c]!;
      row += bits === 0 ? ' ' : String.fromCharCode(BRAILLE_BASE + bits);
    }
    rows.push(row);
  }
  return rows;
}
