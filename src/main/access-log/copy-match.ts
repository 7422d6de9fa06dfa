/**
 * copytruncate (logrotate's, or `cp` then `truncate`) copies the log, then empties it in
 * place. Lines appended before the copy that the follower had not read yet are gone from the
 * log but are in the copy, so the follower finishes the old content from there, as it
 * finishes a renamed file. These pure checks decide which file, if any, is that copy; a wrong
 * pick would count lines twice, so every check must agree, and any doubt means "no copy".
 */
import { headsAgree, sameFile, type FileId } from './log-file-checks.js';

/** What the follower knew of the content that was truncated away. */
export interface LostContent {
  id: FileId;
  /** Bytes of it already read. */
  offset: number;
  /** Its first bytes. */
  head: Uint8Array;
  /** The bytes just before `offset` (up to TAIL_BYTES). */
  tail: Uint8Array;
  /**
   * The file's ctime when the follower began reading this content (at the open, or just after
   * the previous truncation). Timestamps are compared on the file system's own clock, which
   * is coarser than Date.now(); the copy of earlier content was written no later than this.
   */
  sinceMs: number;
}

/** How many bytes before the offset are kept to recognise the copy. */
export const TAIL_BYTES = 256;

export interface DirEntryInfo {
  name: string;
  id: FileId;
  isFile: boolean;
  size: number;
  ctimeMs: number;
}

/**
 * Entries that could be the copy, newest first: a regular file other than the log, named like
 * it (access.log.1, access.log-20261122), written strictly after this content began (so not
 * an older rotation's copy: a tie on a coarse clock means "no"), and longer than what was
 * read (else nothing is missing).
 */
export function copyCandidates(base: string, lost: LostContent, entries: readonly DirEntryInfo[]): DirEntryInfo[] {
  return entries
    .filter(
      (e) =>
        e.isFile &&
        e.name !== base &&
        e.name.startsWith(base) &&
        !sameFile(e.id, lost.id) &&
        e.size > lost.offset &&
        e.ctimeMs > lost.sinceMs,
    )
    .sort((a, b) => b.ctimeMs - a.ctimeMs);
}

/** The candidate starts as the lost content did and has the same bytes just before the offset. */
export function isCopyOf(lost: LostContent, head: Uint8Array, tail: Uint8Array): boolean {
  if (head.length < lost.head.length || !headsAgree(lost.head, head)) return false;
  if (tail.length !== lost.tail.length) return false;
  for (let i = 0; i < tail.length; i++) if (tail[i] !== lost.tail[i]) return false;
  return true;
}

/** The last TAIL_BYTES of what has been read, given the previous tail and the newest bytes. */
export function nextTail(previous: Uint8Array, latest: Uint8Array): Uint8Array {
  if (latest.length >= TAIL_BYTES) return latest.slice(latest.length - TAIL_BYTES);
  const keep = Math.min(previous.length, TAIL_BYTES - latest.length);
  const out = new Uint8Array(keep + latest.length);
  out.set(previous.subarray(previous.length - keep), 0);
  out.set(latest, keep);
  return out;
}

/** The last few distinct names reported changed, newest last (bounded: a busy directory costs nothing). */
export class RecentNames {
  private names: string[] = [];
  constructor(private readonly capacity = 8) {}

  note(name: string): void {
    if (this.names[this.names.length - 1] === name) return;
    this.names = this.names.filter((n) => n !== name);
    this.names.push(name);
    if (this.names.length > this.capacity) this.names.shift();
  }

  list(): string[] {
    return [...this.names];
  }
}
