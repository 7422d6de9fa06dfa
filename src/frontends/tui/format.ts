/** Number and time formatting for the terminal dashboard: short, fixed-width-friendly, pure. */

export function percent(x: number, digits = 1): string {
  return `${x.toFixed(digits)}%`;
}

/** Latency: 3 significant figures where it matters, seconds past 10 s. */
/** Milliseconds for people; a latency that is not known (null) is '–', never a number. */
export function millis(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '–';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Elapsed time as people read uptimes: 42s, 3m05s, 2h07m, 4d03h. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Local wall-clock time HH:MM:SS of an epoch-ms instant. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A horizontal gauge of `width` cells; full cells only, so it reads the same on every terminal font. */
export function gauge(pct: number, width: number): string {
  const w = Math.max(0, width);
  const filled = Math.round((Math.min(100, Math.max(0, pct)) / 100) * w);
  return '█'.repeat(filled) + '░'.repeat(w - filled);
}

/** Fits text to exactly `width` columns: padded, or cut with an ellipsis. */
export function fit(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  if (width <= 0) return '';
  if (text.length > width) return width === 1 ? '…' : `${text.slice(0, width - 1)}…`;
  return align === 'left' ? text.padEnd(width) : text.padStart(width);
}

/** The smallest "round" number (1, 2, 5 × 10^n) at or above x: a chart axis that does not jitter. */
export function niceCeiling(x: number, floor = 1): number {
  if (!(x > floor)) return floor;
  const p = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * p >= x) return m * p;
  return 10 * p;
}
