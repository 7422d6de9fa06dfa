/**
 * The decisions of following a log file, as plain functions: is the file at the path still
 * the one we hold, was the one we hold truncated (even if it has grown back since), and where
 * to resume a file we have read before. Size alone cannot tell a truncation that was followed
 * by regrowth past our offset, so each file's first bytes are compared too: after a truncation
 * the first line is a different line (a later timestamp, another request).
 */

/** How many of a file's first bytes identify its content. */
export const HEAD_BYTES = 256;

/** A file as stat() names it: the same (dev, ino) is the same file, whatever its path. */
export interface FileId {
  dev: number;
  ino: number;
}

export function fileKey(id: FileId): string {
  return `${id.dev}:${id.ino}`;
}

export function sameFile(a: FileId, b: FileId): boolean {
  return a.dev === b.dev && a.ino === b.ino;
}

/** Whether two reads of a file's first bytes agree on what both saw (the shorter one's length). */
export function headsAgree(saved: Uint8Array, now: Uint8Array): boolean {
  const n = Math.min(saved.length, now.length);
  for (let i = 0; i < n; i++) if (saved[i] !== now[i]) return false;
  return true;
}

export interface ReadPosition {
  /** Bytes of the file already read. */
  offset: number;
  /** The file's first bytes as last seen. */
  head: Uint8Array;
}

/** The file was truncated since we read up to `pos.offset`: it is shorter, or it starts differently. */
export function wasTruncated(pos: ReadPosition, size: number, head: Uint8Array): boolean {
  return size < pos.offset || !headsAgree(pos.head, head);
}

/**
 * Where to start reading a file we may have read before (a symlink swapped back to it, or a
 * rotation undone): where we left off if it still starts the same and is not shorter, else
 * from the start (it was truncated, or its inode now belongs to another file).
 */
export function resumeOffset(seen: ReadPosition | undefined, size: number, head: Uint8Array): number {
  if (!seen) return 0;
  return wasTruncated(seen, size, head) ? 0 : seen.offset;
}

/** Where a file that is opened first starts: 'end' skips what was there when following began. */
export function firstOffset(startAt: (FileId & { size: number }) | null, id: FileId, size: number): number {
  if (!startAt || !sameFile(startAt, id)) return 0;
  return Math.min(startAt.size, size);
}

/** A small LRU of where we stopped in files we no longer hold, keyed by fileKey(). */
export class SeenFiles {
  private readonly map = new Map<string, ReadPosition>();
  constructor(private readonly capacity = 8) {}

  remember(id: FileId, pos: ReadPosition): void {
    const key = fileKey(id);
    this.map.delete(key);
    this.map.set(key, { offset: pos.offset, head: pos.head });
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value!);
  }

  recall(id: FileId): ReadPosition | undefined {
    return this.map.get(fileKey(id));
  }
}
