/** Durations as people type them on a command line: `500`, `500ms`, `2s`, `1.5s`. */

/** Whole milliseconds, or null when the text is not a duration. Plain numbers are milliseconds. */
export function parseDurationMs(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s)?\s*$/.exec(text);
  if (!m) return null;
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : 1);
  // 1.5ms is no whole number of milliseconds; 1.5s is.
  return Number.isInteger(n) ? n : null;
}
