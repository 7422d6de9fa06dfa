import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  EXTENDED_NUMBERS_MAGIC,
  entrySubpaths,
  LEGACY_MAGIC,
  terminfoFormat,
  TerminfoFormatError,
  toLegacyTerminfo,
} from '../dist/src/frontends/tui/terminfo.js';
import { findEntry, prepareTerminfo } from '../dist/src/frontends/tui/terminfo-compat.js';
import { buildTerminfoFixtures } from './terminfo-fixtures.js';

const repo = path.resolve(import.meta.dirname, '..');
const built = buildTerminfoFixtures();
const fixtures = built.root;
afterAll(() => rmSync(built.root, { recursive: true, force: true }));
const wide = readFileSync(path.join(fixtures, 'wide/x/xterm-256color'));
const legacy = readFileSync(path.join(fixtures, 'legacy/x/xterm-256color'));
const require = createRequire(import.meta.url);

interface TputLike {
  error: Error | null;
  numbers: Record<string, number>;
  strings: Record<string, string>;
}
const Tput = require('blessed/lib/tput.js') as new (o: Record<string, unknown>) => TputLike;

const tmp = mkdtempSync(path.join(os.tmpdir(), 'threadboard-terminfo-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Blessed itself, in a child process, on a terminfo directory: what it prints to stderr. */
function blessedStderr(terminfoDir: string, extended: boolean): string {
  const code = `require('blessed').program({ tput: true, extended: ${extended}, output: new (require('stream').PassThrough)() }).destroy()`;
  const r = spawnSync(process.execPath, ['-e', code], {
    cwd: repo,
    encoding: 'utf8',
    env: { ...process.env, TERM: 'xterm-256color', TERMINFO: terminfoDir, TERMINFO_DIRS: '' },
  });
  return r.stderr;
}

describe('the terminfo formats', () => {
  it('tells the legacy format from the 32-bit number format', () => {
    expect(terminfoFormat(legacy)).toBe('legacy');
    expect(terminfoFormat(wide)).toBe('extended-numbers');
    expect(terminfoFormat(Buffer.from('not terminfo at all'))).toBe('unknown');
    expect(legacy.readUInt16LE(0)).toBe(LEGACY_MAGIC);
    expect(wide.readUInt16LE(0)).toBe(EXTENDED_NUMBERS_MAGIC);
  });

  it('converts to exactly what tic writes in the legacy format (numbers clamped, user capabilities dropped)', () => {
    const converted = Buffer.from(toLegacyTerminfo(wide));
    expect(terminfoFormat(converted)).toBe('legacy');
    // tic's legacy entry is the same standard part, followed by its extended section.
    expect(legacy.subarray(0, converted.length).equals(converted)).toBe(true);
    expect(converted.length).toBeLessThan(legacy.length);
    expect(toLegacyTerminfo(legacy)).toBe(legacy);
    expect(() => toLegacyTerminfo(Buffer.from('junk junk junk'))).toThrow(TerminfoFormatError);
    expect(() => toLegacyTerminfo(wide.subarray(0, 200))).toThrow(TerminfoFormatError);
  });

  it('blessed reads the converted entry with no error: 256 colors, the real capabilities', () => {
    const file = path.join(tmp, 'converted');
    writeFileSync(file, toLegacyTerminfo(wide));
    const t = new Tput({ terminal: 'xterm-256color', terminfoFile: file, extended: false });
    expect(t.error).toBeNull();
    expect(t.numbers.max_colors).toBe(256);
    expect(t.numbers.max_pairs).toBe(0x7fff);
    expect(t.strings.set_a_foreground).toContain('38;5;');
  });

  it('the fixtures reproduce blessed’s own failure; the dashboard’s settings avoid it', () => {
    // Legacy entry with Setulc: blessed's default prints the capability's code to stderr.
    expect(blessedStderr(path.join(fixtures, 'legacy'), true)).toContain('Error on xterm-256color.Setulc');
    // With user-defined capabilities off, nothing is printed.
    expect(blessedStderr(path.join(fixtures, 'legacy'), false)).toBe('');
    // The 32-bit entry fails even then: the numbers are misread, and garbage fails to compile.
    expect(blessedStderr(path.join(fixtures, 'wide'), false)).toMatch(/Error on xterm-256color\./);
  });
});

describe('prepareTerminfo', () => {
  it('finds entries in the first directory that has one, in either directory layout', () => {
    expect(entrySubpaths('xterm-256color')).toEqual(['x/xterm-256color', '78/xterm-256color']);
    expect(findEntry('xterm-256color', ['/nonexistent', path.join(fixtures, 'wide'), path.join(fixtures, 'legacy')])).toBe(
      path.join(fixtures, 'wide/x/xterm-256color'),
    );
    expect(findEntry('no-such-terminal', [path.join(fixtures, 'wide')])).toBeNull();
  });

  it('puts a legacy copy of a 32-bit entry first on the search path, and takes it away again', () => {
    const searchPath: Array<string | string[]> = [path.join(fixtures, 'wide'), ['/usr/share/terminfo']];
    const fix = prepareTerminfo('xterm-256color', searchPath);
    expect(fix.note).toContain('32-bit');
    expect(searchPath).toHaveLength(3);
    const dir = searchPath[0] as string;
    const copy = readFileSync(path.join(dir, 'x/xterm-256color'));
    expect(copy.equals(Buffer.from(toLegacyTerminfo(wide)))).toBe(true);
    fix.dispose();
    expect(searchPath).toEqual([path.join(fixtures, 'wide'), ['/usr/share/terminfo']]);
    expect(() => readFileSync(path.join(dir, 'x/xterm-256color'))).toThrow();
  });

  it('leaves legacy entries, unknown terminals and paths alone', () => {
    for (const [term, dirs] of [
      ['xterm-256color', [path.join(fixtures, 'legacy')]],
      ['no-such-terminal', [path.join(fixtures, 'wide')]],
      ['/some/file', [path.join(fixtures, 'wide')]],
      [undefined, [path.join(fixtures, 'wide')]],
    ] as const) {
      const searchPath = [...dirs];
      const fix = prepareTerminfo(term, searchPath);
      expect(fix.note).toBeNull();
      expect(searchPath).toEqual(dirs);
    }
  });
});
