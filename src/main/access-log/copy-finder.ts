/**
 * Finds and opens the copy a copytruncate made of the content it then emptied, so the follower
 * can finish that content from there. The decisions are copy-match.ts's; this is the file
 * system side, kept short so the follower is not blind for long while it looks.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { copyCandidates, isCopyOf, type DirEntryInfo, type LostContent } from './copy-match.js';
import { HEAD_BYTES } from './log-file-checks.js';
import { LogFile } from './log-file.js';

/** Directory entries looked at when there is no list of recently changed names. */
const MAX_DIR_ENTRIES = 200;
/** Candidates opened and compared at most. */
const MAX_COPY_CANDIDATES = 3;

/**
 * @param logPath the log that was truncated.
 * @param recentNames names in its directory that changed lately (from fs.watch), or null when
 *   not watching: then the directory is scanned. A scan in a directory a rotation storm filled
 *   takes long, and the follower reads nothing meanwhile.
 * @returns the copy, opened, or null (no copy, or any doubt).
 */
export async function findCopy(
  logPath: string,
  lost: LostContent,
  recentNames: string[] | null,
  maxLineBytes: number | undefined,
): Promise<LogFile | null> {
  const dir = dirname(logPath);
  const base = basename(logPath);
  const names = recentNames ?? (await readdir(dir)).filter((n) => n !== base && n.startsWith(base)).slice(0, MAX_DIR_ENTRIES);
  const stats = await Promise.all(names.map((name) => stat(join(dir, name)).catch(() => null)));
  const entries: DirEntryInfo[] = [];
  names.forEach((name, i) => {
    const st = stats[i];
    if (st) entries.push({ name, id: st, isFile: st.isFile(), size: st.size, ctimeMs: st.ctimeMs });
  });
  for (const candidate of copyCandidates(base, lost, entries).slice(0, MAX_COPY_CANDIDATES)) {
    const file = await LogFile.open(join(dir, candidate.name), maxLineBytes).catch(() => null);
    if (!file) continue;
    const [head, tail] = await Promise.all([
      file.readHead(HEAD_BYTES),
      file.readAt(lost.offset - lost.tail.length, lost.tail.length),
    ]).catch(() => [new Uint8Array(0), new Uint8Array(0)]);
    if (isCopyOf(lost, head, tail)) return file;
    await file.close();
  }
  return null;
}
