/**
 * Compiled terminfo entries, and the one conversion blessed 0.1.81 needs.
 *
 * Why: ncurses 6.1+ compiles entries whose numbers exceed 16 bits (xterm-256color has
 * `pairs#0x10000`) in the "extended number" format: magic 0o1036 and 32-bit numbers. Debian
 * ships xterm-256color, screen-256color and tmux-256color that way. Blessed reads only the
 * legacy format (magic 0o432, 16-bit numbers), so it misreads every offset after the numbers:
 * either a sanity check trips, or a garbage capability fails to compile and blessed
 * console.error()s the generated code ("Error on screen-256color.plab_norm: …") onto the
 * terminal. Either way it then falls back to a bundled entry, 8-color xterm for most names.
 * Rewriting the entry in the legacy format, with numbers clamped to 16 bits exactly as
 * ncurses' own legacy API clamps them, lets blessed read the user's real entry, silently.
 *
 * Separately, blessed's compiler rejects ncurses' `Setulc` (its `%;` has no `%?`), printing
 * "Error on xterm-256color.Setulc: …"; that user-defined capability, and every other one, is
 * kept away from blessed by `extended: false` (screen.ts), and dropped by the conversion here.
 */

export const LEGACY_MAGIC = 0o432;
export const EXTENDED_NUMBERS_MAGIC = 0o1036;

export type TerminfoFormat = 'legacy' | 'extended-numbers' | 'unknown';

export function terminfoFormat(entry: Uint8Array): TerminfoFormat {
  if (entry.length < 12) return 'unknown';
  const magic = entry[0]! | (entry[1]! << 8);
  return magic === LEGACY_MAGIC ? 'legacy' : magic === EXTENDED_NUMBERS_MAGIC ? 'extended-numbers' : 'unknown';
}

export class TerminfoFormatError extends Error {}

/**
 * The legacy-format equivalent of an entry. A legacy entry comes back unchanged. The
 * extended (user-defined) capabilities are dropped: blessed's compiler trips over some of them
 * (ncurses' `Setulc` ends in a `%;` with no `%?`), and the dashboard uses none.
 */
export function toLegacyTerminfo(entry: Uint8Array): Uint8Array {
  const format = terminfoFormat(entry);
  if (format === 'legacy') return entry;
  if (format !== 'extended-numbers') throw new TerminfoFormatError('not a compiled terminfo entry');
  const view = new DataView(entry.buffer, entry.byteOffset, entry.byteLength);
  const namesSize = view.getInt16(2, true);
  const boolCount = view.getInt16(4, true);
  const numCount = view.getInt16(6, true);
  const strCount = view.getInt16(8, true);
  const strTableSize = view.getInt16(10, true);
  if ([namesSize, boolCount, numCount, strCount, strTableSize].some((n) => n < 0)) throw new TerminfoFormatError('negative section size');

  const head = 12 + namesSize + boolCount;
  const pad = head % 2; // numbers start on an even byte, in both formats
  const numbersAt = head + pad;
  const stringsAt = numbersAt + numCount * 4;
  const end = stringsAt + strCount * 2 + strTableSize;
  if (end > entry.length) throw new TerminfoFormatError('entry is shorter than its header says');

  const out = new Uint8Array(numbersAt + numCount * 2 + strCount * 2 + strTableSize);
  const outView = new DataView(out.buffer);
  out.set(entry.subarray(0, numbersAt), 0);
  outView.setInt16(0, LEGACY_MAGIC, true);
  for (let i = 0; i < numCount; i++) {
    const n = view.getInt32(numbersAt + i * 4, true);
    // -1 (absent) and -2 (cancelled) keep their meaning; large values saturate like ncurses does.
    outView.setInt16(numbersAt + i * 2, n < 0 ? Math.max(n, -2) : Math.min(n, 0x7fff), true);
  }
  out.set(entry.subarray(stringsAt, end), numbersAt + numCount * 2);
  return out;
}

/** Where compiled entries live under a terminfo directory: `x/xterm` on Linux, `78/xterm` on macOS. */
export function entrySubpaths(name: string): string[] {
  const first = name.charAt(0);
  return [`${first}/${name}`, `${first.charCodeAt(0).toString(16).padStart(2, '0')}/${name}`];
}
