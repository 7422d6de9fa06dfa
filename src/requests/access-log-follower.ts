/**
 * Follows a growing log file the way `tail -F` does: reads what is appended, starts over
 * when the file is truncated, and on rotation (the path now names a new file) finishes the
 * old file before opening the new one. It tracks (inode, offset), so nothing is read twice.
 * Whole lines are handed on as raw byte chunks cut at the last newline, each in a buffer of
 * its own that the receiver may transfer to another thread; backpressure comes from awaiting
 * `onChunk`.
 */
import { statSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';

export interface FollowerOptions {
  pollMs: number;
  /** 'end' (default): only lines appended after following starts; 'start': the whole file. */
  from: 'start' | 'end';
  /** Bytes read at a time; each chunk handed on is at most about this big. */
  chunkBytes: number;
}

/** Receives `bytes[0, length)`: whole lines. The buffer is the receiver's to keep or transfer. */
export type ChunkHandler = (bytes: Uint8Array, length: number) => Promise<void>;

export interface FollowerEvents {
  truncations: number;
  rotations: number;
}

export class AccessLogFollower {
  private fh: FileHandle | null = null;
  private ino = -1;
  private offset = 0;
  /** Bytes of an unterminated last line, carried into the next read. */
  private carry: Uint8Array = new Uint8Array(0);
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Where 'end' was when following started: lines appended after start() must all count. */
  private startAt: { ino: number; size: number } | null = null;
  private ticking: Promise<void> | null = null;
  readonly events: FollowerEvents = { truncations: 0, rotations: 0 };

  constructor(
    readonly path: string,
    private readonly onChunk: ChunkHandler,
    private readonly options: FollowerOptions,
  ) {}

  start(): void {
    this.running = true;
    if (this.options.from === 'end') {
      try {
        const st = statSync(this.path);
        this.startAt = { ino: st.ino, size: st.size };
      } catch {
        // Not there yet: everything written once it appears is new.
      }
    }
    this.schedule(0);
  }

  /** Reads whatever is there now; resolves when it has been handed on. For tests and collect(). */
  async poll(): Promise<void> {
    while (this.ticking) await this.ticking;
    if (!this.running) return;
    this.ticking = this.tick().finally(() => (this.ticking = null));
    await this.ticking;
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.ticking) await this.ticking;
    await this.fh?.close();
    this.fh = null;
  }

  private schedule(ms: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.poll().finally(() => this.schedule(this.options.pollMs));
    }, ms);
  }

  private async tick(): Promise<void> {
    const st = await stat(this.path).catch(() => null);
    if (!this.fh) {
      if (!st) return; // not there yet
      await this.openCurrent(st.ino, this.startAt?.ino === st.ino ? Math.min(this.startAt.size, st.size) : 0);
      this.startAt = null;
    } else if (st && st.ino !== this.ino) {
      // Rotated: the old file may still have lines written just before the rename.
      await this.drain(true);
      await this.fh.close();
      this.fh = null;
      this.events.rotations++;
      await this.openCurrent(st.ino, 0);
    } else {
      // Same file as the one open (or the path is gone mid-rotation): its size says if it shrank.
      const size = st ? st.size : (await this.fh.stat()).size;
      if (size < this.offset) {
        this.events.truncations++;
        this.offset = 0;
        this.carry = new Uint8Array(0);
      }
    }
    await this.drain(false);
  }

  private async openCurrent(ino: number, offset: number): Promise<void> {
    this.fh = await open(this.path, 'r');
    this.ino = ino;
    this.offset = offset;
    this.carry = new Uint8Array(0);
  }

  /** Reads from the offset to the end; `final`: the file is done, so a last unterminated line counts. */
  private async drain(final: boolean): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    for (;;) {
      const carry = this.carry;
      // A fresh buffer per chunk, so the receiver can transfer it; a line longer than a chunk grows it.
      const chunk = new Uint8Array(Math.max(this.options.chunkBytes, carry.length * 2));
      chunk.set(carry, 0);
      const { bytesRead } = await fh.read(chunk, carry.length, chunk.length - carry.length, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      const end = carry.length + bytesRead;
      const lastNewline = chunk.lastIndexOf(10, end - 1);
      if (lastNewline === -1) {
        this.carry = chunk.slice(0, end);
        continue;
      }
      this.carry = chunk.slice(lastNewline + 1, end);
      await this.onChunk(chunk, lastNewline + 1);
    }
    if (final && this.carry.length > 0) {
      const rest = this.carry;
      this.carry = new Uint8Array(0);
      await this.onChunk(rest, rest.length);
    }
  }
}
