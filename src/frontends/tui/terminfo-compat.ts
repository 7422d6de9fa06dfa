/**
 * Makes blessed read the user's real terminfo entry: when the entry for $TERM is in the
 * extended-number format blessed cannot parse (see terminfo.ts), a legacy-format copy goes into
 * a private directory that is put first on blessed's terminfo search path, the same way
 * ncurses' $TERMINFO directory comes first. Nothing changes for entries blessed reads already.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { entrySubpaths, terminfoFormat, toLegacyTerminfo } from './terminfo.js';

export interface TerminfoFix {
  /** What was done, for debugging (NODE_DEBUG=threadboard); null when nothing was needed. */
  note: string | null;
  dispose(): void;
}

const NOTHING: TerminfoFix = { note: null, dispose: () => undefined };

/** The entry file for `term` in the first directory that has one, as blessed searches them. */
export function findEntry(term: string, dirs: readonly string[]): string | null {
  for (const dir of dirs) {
    for (const sub of entrySubpaths(term)) {
      const file = path.join(dir, sub);
      if (statSync(file, { throwIfNoEntry: false })?.isFile()) return file;
    }
  }
  return null;
}

/** `searchPath` is blessed's own (Tput.ipaths): it is read to find the entry and prepended to. */
export function prepareTerminfo(term: string | undefined, searchPath: Array<string | string[]>): TerminfoFix {
  // A name with a slash is a file path to blessed, not an entry name; leave it alone.
  if (!term || term.includes('/')) return NOTHING;
  const dirs = searchPath.flat().filter((d) => d !== '');
  const file = findEntry(term, dirs);
  if (!file) return NOTHING;
  let dir: string;
  try {
    const entry = readFileSync(file);
    if (terminfoFormat(entry) !== 'extended-numbers') return NOTHING;
    const legacy = toLegacyTerminfo(entry);
    dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-terminfo-'));
    const target = path.join(dir, entrySubpaths(term)[0]!);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, legacy);
  } catch (err) {
    return { note: `terminfo: could not convert ${file}: ${(err as Error).message}`, dispose: () => undefined };
  }
  searchPath.unshift(dir);
  return {
    note: `terminfo: ${file} is in ncurses' 32-bit number format; blessed reads a 16-bit copy`,
    dispose: () => {
      const at = searchPath.indexOf(dir);
      if (at !== -1) searchPath.splice(at, 1);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
