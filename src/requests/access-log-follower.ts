/**
 * Follows a growing log file the way `tail -F` does: reads what is appended, starts over
 * when the file is truncated, and on rotation (the path now names a new file) finishes the
 * old file before opening the new one. It tracks (inode, offset), so nothing is read twice.
 * Complete lines are handed on in batches; backpressure comes from awaiting `onLines`.
 */
import { statSync } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

export interface FollowerOptions {
  pollMs: number;
  /** 'end' (default): only lines appended after following starts; 'start': the whole file. */
  from: 'start' | 'end';
  batchLines: number;
}

export interface FollowerEvents {
  truncations: number;
  rotations: number;
  bytesRead: number;
}

const CHUNK = 256 * 1024;

export class AccessLogFollower {
  private fh: FileHandle | null = null;
  private ino = -1;
  private offset = 0;
  private decoder = new StringDecoder('utf8');
  private partial = '';
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  /** Where 'end' was when following started: lines appended after start() must all count. */
  private startAt: { ino: number; size: number } | null = null;
  private ticking: Promise<void> | null = null;
  readonly events: FollowerEvents = { truncations: 0, rotations: 0, bytesRead: 0 };

  constructor(
    readonly path: string,
    private readonly onLines: (lines: string[]) => Promise<void>,
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
      const size = (await this.fh.stat()).size;
      if (size < this.offset) {
        this.events.truncations++;
        this.offset = 0;
        this.partial = '';
        this.decoder = new StringDecoder('utf8');
      }
    }
    await this.drain(false);
  }

  private async openCurrent(ino: number, offset: number): Promise<void> {
    this.fh = await open(this.path, 'r');
    this.ino = ino;
    this.offset = offset;
    this.partial = '';
    this.decoder = new StringDecoder('utf8');
  }

  /** Reads from the offset to the end; `final`: the file is done, so a last unterminated line counts. */
  private async drain(final: boolean): Promise<void> {
    const fh = this.fh;
    if (!fh) return;
    const buf = Buffer.allocUnsafe(CHUNK);
    let pending: string[] = [];
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, CHUNK, this.offset);
      if (bytesRead === 0) break;
      this.offset += bytesRead;
      this.events.bytesRead += bytesRead;
      const text = this.partial + this.decoder.write(buf.subarray(0, bytesRead));
      const lines = text.split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        pending.push(line);
        if (pending.length >= this.options.batchLines) {
          await this.onLines(pending);
          pending = [];
        }
      }
    }
    if (final) {
      const rest = this.partial + this.decoder.end();
      this.partial = '';
      if (rest.length > 0) pending.push(rest);
    }
    if (pending.length > 0) await this.onLines(pending);
  }
}
