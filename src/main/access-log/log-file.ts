/**
 * One opened log file: the descriptor and where we are in it. Opening is where hostile paths
 * are turned away: O_NONBLOCK so a FIFO cannot park a libuv thread in open() or read(), and an
 * fstat of the descriptor itself (not the path, which may change in between) so only a regular
 * file is ever read, checked on every (re)open.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { LineAssembler } from './line-assembler.js';
import { type FileId, type ReadPosition } from './log-file-checks.js';
import { wrongKind } from './status.js';

// O_NOCTTY: a terminal device at the path must not become our controlling terminal.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

export class LogFile implements ReadPosition {
  offset = 0;
  head: Uint8Array = new Uint8Array(0);
  /** The last bytes read (up to TAIL_BYTES): with `head`, they recognise a copy of this content. */
  tail: Uint8Array = new Uint8Array(0);
  /**
   * The file's ctime (file-system clock, epoch ms) when this content began to be read: at the
   * open, or just after the truncation before it. A copy of this content is strictly newer.
   */
  sinceMs: number;
  /** Bytes known to be there and not read yet, as of the last stat. */
  pending = 0;
  /** Links to the file as of the last stat: 0 once it is deleted. */
  nlink: number;
  /** Epoch ms of the last read that found new bytes (or of the open). */
  lastGrowthMs = Date.now();
  /** A copytruncate copy, read only to finish the content truncated away: it never grows. */
  isCopy = false;
  /** Epoch ms of the last look at this file once it was rotated. */
  checkedMs = 0;
  /** Replaced when a copy takes over the old content's unfinished line. */
  lines: LineAssembler;

  private constructor(
    private readonly fh: FileHandle,
    readonly id: FileId,
    readonly openedSize: number,
    nlink: number,
    ctimeMs: number,
    maxLineBytes: number | undefined,
  ) {
    this.nlink = nlink;
    this.sinceMs = ctimeMs;
    this.lines = new LineAssembler(maxLineBytes);
  }

  /** Opens `path` for reading if it is a regular file; rejects with the OS error or a FollowProblem. */
  static async open(path: string, maxLineBytes?: number): Promise<LogFile> {
    const fh = await open(path, OPEN_FLAGS);
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw wrongKind(st);
      return new LogFile(fh, { dev: st.dev, ino: st.ino }, st.size, st.nlink, st.ctimeMs, maxLineBytes);
    } catch (err) {
      await fh.close().catch(() => undefined);
      throw err;
    }
  }

  async stat(): Promise<{ size: number; nlink: number; ctimeMs: number }> {
    const st = await this.fh.stat();
    this.nlink = st.nlink;
    return { size: st.size, nlink: st.nlink, ctimeMs: st.ctimeMs };
  }

  /** The first `length` bytes (fewer if the file is shorter now). */
  readHead(length: number): Promise<Uint8Array> {
    return this.readAt(0, length);
  }

  /** `length` bytes at `position` (fewer if the file ends sooner). */
  async readAt(position: number, length: number): Promise<Uint8Array> {
    if (length <= 0 || position < 0) return new Uint8Array(0);
    const buf = new Uint8Array(length);
    const { bytesRead } = await this.fh.read(buf, 0, length, position);
    return buf.subarray(0, bytesRead);
  }

  /**
   * Up to `length` bytes from `position`, in fresh buffers of at most `chunkBytes` (each is
   * handed on and may be transferred to another thread). Stops early at a short read.
   */
  async readFrom(position: number, length: number, chunkBytes: number): Promise<Uint8Array[]> {
    const out: Uint8Array[] = [];
    let at = position;
    const end = position + length;
    while (at < end) {
      const want = Math.min(chunkBytes, end - at);
      const buf = new Uint8Array(want);
      const { bytesRead } = await this.fh.read(buf, 0, want, at);
      if (bytesRead > 0) out.push(bytesRead === want ? buf : buf.subarray(0, bytesRead));
      at += bytesRead;
      if (bytesRead < want) break;
    }
    return out;
  }

  /** Never rejects. FileHandle.close() waits for a read in progress, so no descriptor is reused under it. */
  async close(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}
