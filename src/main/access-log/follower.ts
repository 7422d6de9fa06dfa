/**
 * Follows a log file the way `tail -F` does, without ever harming the process it runs in.
 *
 * - Changes are seen as they happen (fs.watch on the file's directory, since the file itself
 *   may be replaced), with polling every pollMs as the fallback and the safety net.
 * - A truncation is detected even when the file has grown back past our offset before we
 *   looked (its first bytes changed, see log-file-checks.ts); the file is then read again
 *   from its start. Bytes read while a truncation happened are discarded, not counted.
 * - On rotation (the path names another file) the old file is finished before the new one is
 *   opened, and kept open until it has been idle for a while, since a writer that has not
 *   reopened yet still appends to it. A file seen before (a symlink swapped back) resumes
 *   where we left it.
 * - Reads are bounded per tick; the rest is read on the next turn of the event loop.
 * - No error escapes: a missing path is 'waiting', anything else is 'error' with capped
 *   backoff, and both recover on their own once the file is readable.
 *
 * Whole lines are handed on as raw bytes (see LineAssembler); backpressure comes from
 * awaiting `onChunk`.
 */
import { statSync, type Stats } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { AccessLogStatus } from '../../snapshot.js';
import { backoffMs, describeState, problemOf, sameState, wrongKind, type FollowState } from './status.js';
import { ChangeWatch } from './change-watch.js';
import { findCopy } from './copy-finder.js';
import { nextTail, RecentNames, type LostContent } from './copy-match.js';
import { LineAssembler } from './line-assembler.js';
import { HEAD_BYTES, SeenFiles, firstOffset, headsAgree, resumeOffset, sameFile, wasTruncated, type FileId } from './log-file-checks.js';
import { LogFile } from './log-file.js';
import { settleWithin } from './settle-within.js';
import { TickLoop, type TickOutcome, type TickReason } from './tick-loop.js';

export interface FollowerOptions {
  pollMs: number;
  /** 'end' (default): only lines appended after following starts; 'start': the whole file. */
  from: 'start' | 'end';
  /** Bytes read at a time; each chunk handed on is at most about this big. */
  chunkBytes: number;
  /** Bytes read per tick at most (default 4 MiB); a tick that stops there is followed by another after the event loop has turned. */
  maxBytesPerTick?: number;
  /** Lines longer than this many bytes are skipped (default MAX_LINE_BYTES, 64 KiB). */
  maxLineBytes?: number;
}

/** Receives `bytes[0, length)`: whole lines. The buffer is the receiver's to keep or transfer. */
export type ChunkHandler = (bytes: Uint8Array, length: number, replayed: boolean) => Promise<void>;

export interface FollowerEvents {
  truncations: number;
  rotations: number;
  /** Lines dropped while streaming in because they passed the line cap. */
  overlong: number;
}

export type StateHandler = (state: FollowState & { detail: string }) => void;

const DEFAULT_TICK_BYTES = 4 << 20;
/** A rotated file stays open until it has not grown for this long (or 4 polls, if longer). */
const RETIRE_IDLE_MS = 2000;
/** The first read of a tick, issued before the file's size is known (a quiet log appends little). */
const FIRST_READ_BYTES = 64 * 1024;
const MIN_FIRST_READ_BYTES = 16 * 1024;
/** A rotated file that has caught up is checked for late lines at most this often. */
const RETIRED_CHECK_MS = 20;
/** Rotated files kept open at once (a rotation storm must not hoard descriptors). */
const MAX_RETIRING = 4;
/** stop() waits this long at most for a read in progress. */
const STOP_WAIT_MS = 1000;

const missing = (err: unknown): boolean => {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
};

export class AccessLogFollower {
  readonly events: FollowerEvents = { truncations: 0, rotations: 0, overlong: 0 };
  private current: LogFile | null = null;
  private readonly retiring: LogFile[] = [];
  private readonly seen = new SeenFiles();
  /** Names like the log's that changed lately: where a copytruncate's copy is looked for first. */
  private readonly recentNames = new RecentNames();
  /** Where 'end' was when following started: lines appended after start() must all count. */
  private startAt: (FileId & { size: number }) | null = null;
  /**
   * With from 'start': the file that was there at start and how far it reached. Its lines up to
   * there are the backlog, replayed rather than traffic of the moment; null once read past.
   */
  private backlog: (FileId & { end: number }) | null = null;
  private firstOpen = true;
  private state: FollowState = { status: 'waiting', error: null };
  private failures = 0;
  private stopped = false;
  private readonly loop = new TickLoop((reason) => this.tick(reason));
  private readonly dirWatch: ChangeWatch;
  /** Set when the file really lives in another directory (the path is a symlink). */
  private fileWatch: ChangeWatch | null = null;
  private readonly tickBytes: number;
  private readonly idleMs: number;

  constructor(
    readonly path: string,
    private readonly onChunk: ChunkHandler,
    private readonly options: FollowerOptions,
    private readonly onState: StateHandler = () => undefined,
  ) {
    this.tickBytes = options.maxBytesPerTick ?? DEFAULT_TICK_BYTES;
    this.idleMs = Math.max(RETIRE_IDLE_MS, 4 * options.pollMs);
    const base = basename(path);
    // Rotated names (access.log.1, access.log-20261122) are still written to until the writer reopens.
    this.dirWatch = new ChangeWatch(
      dirname(path),
      (name) => {
        if (name !== null && name !== base && name.startsWith(base)) this.recentNames.note(name);
        return name === null || name.startsWith(base);
      },
      () => this.loop.wake(),
    );
  }

  get status(): AccessLogStatus {
    return this.state.status;
  }

  get error(): FollowState['error'] {
    return this.state.error;
  }

  get detail(): string {
    return describeState(this.path, this.state);
  }

  /** Bytes appended but not read yet, as of the last look. */
  get pendingBytes(): number {
    let n = this.current?.pending ?? 0;
    for (const r of this.retiring) n += r.pending;
    return n;
  }

  /** Whether the backlog (from 'start') is still being read. */
  get replaying(): boolean {
    return this.backlog !== null;
  }

  get watching(): boolean {
    return this.dirWatch.active && (this.fileWatch?.active ?? true);
  }

  start(): void {
    try {
      const st = statSync(this.path);
      this.state = { status: 'following', error: null };
      if (this.options.from === 'end') this.startAt = { dev: st.dev, ino: st.ino, size: st.size };
    } catch {
      // Not there yet (or not visible yet): everything written once it is counts.
    }
    this.dirWatch.ensure();
    this.loop.start();
  }

  /**
   * Reads what is there now and hands it on, within `deadlineMs` (epoch ms). Never rejects:
   * a problem shows in `status` and `error`.
   */
  poll(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    return this.loop.catchUp(deadlineMs);
  }

  /** Stops promptly: no tick after this, every descriptor and watch released. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.dirWatch.close();
    this.fileWatch?.close();
    this.fileWatch = null;
    await this.loop.stop(STOP_WAIT_MS);
    // A close waits for a read still in progress on that descriptor; bounded, like the tick.
    await settleWithin([this.releaseAll()], STOP_WAIT_MS);
  }

  /** Closes every file held. A tick that outlived stop()'s wait calls it again when it ends. */
  private releaseAll(): Promise<void> {
    const files = [this.current, ...this.retiring.splice(0)].filter((f) => f !== null);
    this.current = null;
    this.fileWatch?.close();
    this.fileWatch = null;
    return Promise.all(files.map((f) => f.close())).then(() => undefined);
  }

  private async tick(reason: TickReason): Promise<TickOutcome> {
    const outcome = await this.look(reason);
    if (this.stopped) await this.releaseAll();
    return outcome;
  }

  private async look(reason: TickReason): Promise<TickOutcome> {
    const budget = { left: this.tickBytes };
    try {
      this.dirWatch.ensure();
      // Looked up while the open file is checked: one round trip of latency, not two. The
      // current file goes first: it is the one a copytruncate can empty under us.
      const pathNow = this.statPath();
      let cur = this.current;
      const curBehind = cur ? await this.drain(cur, budget) : false;
      const at = await pathNow;
      let behind = await this.drainRetiring(budget, reason.thorough);
      if (at instanceof Error) throw at;
      if (cur && at && !sameFile(cur.id, at)) {
        // Rotated: the old file is finished first (it may take more than one tick).
        if (curBehind) return this.ok(true);
        this.retire(cur);
        cur = null;
        this.events.rotations++;
      } else if (cur && !at && cur.nlink === 0) {
        // Deleted, not replaced: holding it open would keep its disk space from the host.
        this.retire(cur);
        cur = null;
      } else behind ||= curBehind;
      if (!cur) {
        if (!at) return this.waiting(behind);
        if (!at.isFile()) throw wrongKind(at);
        cur = await this.adopt(at);
        if (!cur) return this.ok(false);
        behind = (await this.drain(cur, budget)) || behind;
      }
      return this.ok(behind);
    } catch (err) {
      return this.fail(err);
    }
  }

  /** The path's file now: null when there is none (yet); other errors (EACCES on a directory, ELOOP) are returned, never thrown. */
  private async statPath(): Promise<Stats | null | Error> {
    try {
      return await stat(this.path);
    } catch (err) {
      if (missing(err)) return null;
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  /** Makes the file at the path current: a rotated file it names again, or a fresh open. */
  private async adopt(at: Stats): Promise<LogFile | null> {
    const back = this.retiring.findIndex((r) => sameFile(r.id, at));
    let file: LogFile;
    if (back >= 0) {
      file = this.retiring.splice(back, 1)[0]!;
    } else {
      file = await LogFile.open(this.path, this.options.maxLineBytes);
      if (this.stopped) {
        await file.close();
        return null;
      }
      file.head = await file.readHead(Math.min(HEAD_BYTES, file.openedSize));
      if (this.firstOpen && this.options.from === 'start' && file.openedSize > 0) {
        this.backlog = { ...file.id, end: file.openedSize };
      }
      this.firstOpen = false;
      file.offset = this.startAt
        ? firstOffset(this.startAt, file.id, file.openedSize)
        : resumeOffset(this.seen.recall(file.id), file.openedSize, file.head);
      this.startAt = null;
    }
    this.current = file;
    await this.watchFileDir();
    return file;
  }

  /** A symlinked log in another directory: its writes do not show in the path's directory. */
  private async watchFileDir(): Promise<void> {
    const real = await realpath(this.path).catch(() => null);
    if (this.fileWatch?.target === real) return;
    this.fileWatch?.close();
    this.fileWatch = null;
    if (real === null || dirname(real) === dirname(this.path) || this.stopped) return;
    this.fileWatch = new ChangeWatch(
      real,
      () => true,
      () => this.loop.wake(),
    );
    this.fileWatch.ensure();
  }

  /**
   * Reads `file` from its offset within the budget; returns whether more is there now. A
   * rotated file that is truncated is finished (whoever empties it is reusing it), never re-read.
   *
   * The first read is issued with the checks, not after them: what a copytruncate empties is
   * lost unless it was read first, so the bytes are captured one thread-pool round trip sooner.
   */
  private async drain(file: LogFile, budget: { left: number }, rotated = false): Promise<boolean> {
    const from = file.offset;
    const [{ size }, head, first] = await Promise.all([
      file.stat(),
      file.readHead(HEAD_BYTES),
      // Sized by what the last look left unread: a quiet log costs a small buffer per tick.
      file.readAt(from, Math.min(FIRST_READ_BYTES, MIN_FIRST_READ_BYTES + file.pending, budget.left)),
    ]);
    if (wasTruncated(file, size, head)) {
      if (rotated) return this.finish(file);
      // `first` came from the old content if the new one is too short to have supplied it.
      const { size: now } = await file.stat();
      if (first.length > 0 && now < from + first.length) await this.commit(file, [first], budget);
      await this.truncated(file, head);
      return true;
    }
    if (head.length > file.head.length) file.head = head;
    file.pending = Math.max(0, size - from);
    const chunks = first.length > 0 ? [first] : [];
    const rest = Math.min(size - from - first.length, budget.left - first.length);
    if (first.length > 0 && rest > 0) chunks.push(...(await file.readFrom(from + first.length, rest, this.options.chunkBytes)));
    let got = 0;
    for (const c of chunks) got += c.length;
    if (got === 0) return file.pending > 0;
    let truncatedHead: Uint8Array | null = null;
    if (file.head.length > 0) {
      const again = await file.readHead(file.head.length);
      if (!headsAgree(file.head, again)) {
        // Truncated around our read. If the new content is too short to reach past what we
        // read, the bytes are the old content's, read just in time: keep them. Otherwise they
        // may be the new content at the old offset: drop them and read the new content whole.
        if (rotated) return this.finish(file);
        const { size: now } = await file.stat();
        if (now >= from + got) {
          await this.truncated(file, again);
          return true;
        }
        truncatedHead = again;
      }
    }
    file.pending = Math.max(0, size - from - got);
    await this.commit(file, chunks, budget);
    if (truncatedHead) {
      await this.truncated(file, truncatedHead);
      return true;
    }
    return file.pending > 0;
  }

  /** Counts bytes read from `file` at its offset: hands on their whole lines, moves the offset. */
  private async commit(file: LogFile, chunks: Uint8Array[], budget: { left: number }): Promise<void> {
    for (const c of chunks) {
      budget.left -= c.length;
      file.offset += c.length;
      file.tail = nextTail(file.tail, c);
      file.lastGrowthMs = Date.now();
      const { lines, overlong } = file.lines.push(c);
      this.events.overlong += overlong;
      // A read that began inside the backlog is counted as backlog (its last line may be just after it).
      const replayed = this.backlog !== null && sameFile(this.backlog, file.id) && file.offset - c.length < this.backlog.end;
      if (this.backlog && (!sameFile(this.backlog, file.id) || file.offset >= this.backlog.end)) this.backlog = null;
      if (lines) await this.onChunk(lines, lines.length, replayed);
    }
  }

  /** Marks a rotated file done: the next drainRetiring() closes it. */
  private finish(file: LogFile): boolean {
    file.pending = 0;
    file.lastGrowthMs = 0;
    return false;
  }

  /** The file was emptied in place: read it again from the start, and what was not read yet from its copy. */
  private async truncated(file: LogFile, head: Uint8Array): Promise<void> {
    this.events.truncations++;
    const lost: LostContent = { id: file.id, offset: file.offset, head: file.head, tail: file.tail, sinceMs: file.sinceMs };
    const unfinished = file.lines;
    file.offset = 0;
    file.head = head;
    file.tail = new Uint8Array(0);
    file.lines = new LineAssembler(this.options.maxLineBytes);
    // Taken after the truncation, on the file system's clock (coarser than Date.now()).
    file.sinceMs = (await file.stat().catch(() => null))?.ctimeMs ?? Number.POSITIVE_INFINITY;
    // While watching, the copy is among the names that just changed.
    const names = this.dirWatch.active ? this.recentNames.list() : null;
    const copy = await findCopy(this.path, lost, names, this.options.maxLineBytes).catch(() => null);
    if (!copy) return;
    if (this.stopped) {
      await copy.close();
      return;
    }
    // The copy carries on exactly where we stopped, unfinished line included.
    copy.offset = lost.offset;
    copy.head = lost.head;
    copy.tail = lost.tail;
    copy.lines = unfinished;
    copy.isCopy = true;
    this.retire(copy);
  }

  private retire(file: LogFile): void {
    if (this.current === file) this.current = null;
    file.lastGrowthMs = Date.now();
    this.retiring.push(file);
    // The oldest goes once it is finished (or, in a rotation storm, at twice the bound regardless).
    while (this.retiring.length > MAX_RETIRING && (this.retiring[0]!.pending === 0 || this.retiring.length > 2 * MAX_RETIRING))
      void this.close(this.retiring.shift()!);
  }

  /** Reads what rotated files still get; closes those that have been idle long enough. */
  private async drainRetiring(budget: { left: number }, thorough: boolean): Promise<boolean> {
    let behind = false;
    for (const file of [...this.retiring]) {
      // A rotated file that has caught up is looked at now and then, not on every change of the
      // current one; but always when someone waits for everything (collect()) and at each poll.
      if (!thorough && file.pending === 0 && !file.isCopy && Date.now() - file.checkedMs < RETIRED_CHECK_MS) continue;
      file.checkedMs = Date.now();
      let more = false;
      try {
        more = await this.drain(file, budget, true);
      } catch {
        // The old file became unreadable: it has nothing more to give.
      }
      behind ||= more;
      // A copy never grows: done once read to its end. A rotated file may still get a writer's last lines.
      if (!more && (file.isCopy || Date.now() - file.lastGrowthMs > this.idleMs)) {
        this.retiring.splice(this.retiring.indexOf(file), 1);
        await this.close(file);
      }
    }
    return behind;
  }

  /** Counts an unterminated last line (the file is finished), remembers where we were, closes. */
  private async close(file: LogFile): Promise<void> {
    const rest = file.lines.flush();
    this.seen.remember(file.id, file);
    await file.close();
    if (rest && !this.stopped) await this.onChunk(rest, rest.length, false).catch(() => undefined);
  }

  private ok(behind: boolean): TickOutcome {
    this.failures = 0;
    this.setState({ status: 'following', error: null });
    return { behind, nextMs: this.options.pollMs, wakeable: true };
  }

  private waiting(behind: boolean): TickOutcome {
    this.failures = 0;
    this.setState({ status: 'waiting', error: null });
    return { behind, nextMs: this.options.pollMs, wakeable: true };
  }

  private fail(err: unknown): TickOutcome {
    this.failures++;
    const prev = this.state.error;
    const problem = problemOf(err, new Date().toISOString());
    if (prev && prev.code === problem.code) problem.since = prev.since;
    this.setState({ status: 'error', error: problem });
    return { behind: false, nextMs: backoffMs(this.failures, this.options.pollMs), wakeable: false };
  }

  private setState(next: FollowState): void {
    const changed = !sameState(this.state, next);
    this.state = next;
    if (!changed || this.stopped) return;
    try {
      this.onState({ ...next, detail: describeState(this.path, next) });
    } catch {
      // A listener's throw must not stop the follower.
    }
  }
}
