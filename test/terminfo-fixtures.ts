/**
 * Builds, at test time, terminfo entries that reproduce blessed 0.1.81's failures, from this
 * machine's own xterm-256color entry (infocmp) plus the Setulc capability ncurses ships for
 * xterm-like terminals, whose `%;` has no matching `%?`; compiled with tic:
 * - wide/: pairs#0x10000, so tic writes ncurses' 32-bit number format, which blessed cannot parse;
 * - legacy/: pairs#0x7fff, the 16-bit format; blessed parses it, then fails to compile Setulc.
 * Nothing of ncurses' database is kept in the repository.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SETULC = 'Setulc=\\E[58\\:2\\:\\:%p1%{65536}%/%d\\:%p1%{256}%/%{255}%&%d\\:%p1%{255}%&%d%;m';

export function buildTerminfoFixtures(): { root: string; wide: string; legacy: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'threadboard-terminfo-'));
  const source = execFileSync('infocmp', ['-x', 'xterm-256color'], { encoding: 'utf8' });
  const withSetulc = source.includes('Setulc=') ? source : `${source.trimEnd()}\n\t${SETULC},\n`;
  const out = { root, wide: path.join(root, 'wide'), legacy: path.join(root, 'legacy') };
  for (const [dir, pairs] of [
    [out.wide, '0x10000'],
    [out.legacy, '0x7fff'],
  ] as const) {
    mkdirSync(dir);
    const src = path.join(root, `${path.basename(dir)}.src`);
    writeFileSync(src, withSetulc.replace(/pairs#[0-9a-fx]+/i, `pairs#${pairs}`));
    execFileSync('tic', ['-x', '-o', dir, src]);
  }
  return out;
}
