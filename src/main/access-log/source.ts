/**
 * Access-log lines → the shared request counters. Small chunks (a quiet log) are parsed
 * inline; large ones (a burst, or a big backlog) are transferred, not copied, to a piscina
 * pool that decodes, splits and parses them on every core while this thread only reads the
 * file. (Sending arrays of strings instead made the pool slower than one thread: cloning them
 * cost more than parsing.) The pool's threads exist only while there is such work.
 */
import os from 'node:os';
import type { Piscina } from 'piscina';
import { workerExecArgv } from '../../supervisor/exec-argv.js';
import { parseChunk, type ParsedBatch } from '../../pool/access-log-parse.js';
import { AccessLogFollower, type FollowerOptions } from './follower.js';
import type { RequestCounters } from '../../shared/request-counters.js';
import type { AccessLogEvent } from '../../events.js';
import type { AccessLogReplay, AccessLogSection } from '../../snapshot.js';
import { settleWithin } from './settle-within.js';

/** What the snapshot shows of the source (snapshot.accessLog). */
export type AccessLogStats = AccessLogSection;

export interface AccessLogSourceOptions extends FollowerOptions {
  /** Chunks smaller than this many bytes are parsed inline (a pool round trip costs more than it saves). */
  inlineBelow: number;
  /** Pool threads; default: every core. */
  threads?: number;
  /** Called when the follower's state changes (another status or error code). */
  onState?: (event: AccessLogEvent) => void;
}

/** stop() waits this long at most for batches on the pool, then for the pool to end. */
const STOP_WAIT_MS = 1000;

const PARSER_FILE = new URL('../../../workers/log-parser.js', import.meta.url).href;

export class AccessLogSource {
  private readonly follower: AccessLogFollower;
  /** Made on the first chunk big enough for it: most dashboards never load piscina at all. */
  private pool: Promise<Piscina> | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private lines = 0;
  private malformed = 0;
  private overlong = 0;
  private malformedExample: string | null = null;
  /** The backlog read with from 'start': how many requests, and the span of their own timestamps. */
  private readonly replay = { requests: 0, firstAt: Infinity, lastAt: -Infinity };
  private readonly threads: number;
  private stopped = false;

  constructor(
    path: string,
    private readonly counters: RequestCounters,
    private readonly options: AccessLogSourceOptions,
  ) {
    this.threads = options.threads ?? os.availableParallelism();
    const onState = options.onState;
    this.follower = new AccessLogFollower(
      path,
      (bytes, length, replayed) => this.dispatch(bytes, length, replayed),
      options,
      onState && ((s) => onState({ path, status: s.status, detail: s.detail, error: s.error, at: new Date().toISOString() })),
    );
  }

  start(): void {
    this.follower.start();
  }

  /**
   * Reads and folds in everything appended so far, or as much as fits before `deadlineMs`
   * (epoch ms); the rest follows on later turns. Never rejects: problems show in stats().
   */
  async poll(deadlineMs = Number.POSITIVE_INFINITY): Promise<void> {
    await this.follower.poll(deadlineMs);
    await settleWithin([...this.inflight], deadlineMs - Date.now());
  }

  /** Releases the descriptor, the watches, the timers and the pool, promptly. Never rejects. */
  async stop(): Promise<void> {
    this.stopped = true;
    await this.follower.stop();
    await settleWithin([...this.inflight], STOP_WAIT_MS);
    const pool = this.pool;
    this.pool = null;
    if (pool) await settleWithin([pool.then((p) => p.destroy())], STOP_WAIT_MS);
  }

  stats(): AccessLogStats {
    const f = this.follower;
    // Lines the follower dropped as they streamed in (too long to hold) are lines, malformed ones.
    const dropped = f.events.overlong;
    return {
      path: f.path,
      status: f.status,
      detail: f.detail,
      error: f.error,
      lines: this.lines + dropped,
      malformed: this.malformed + dropped,
      overlong: this.overlong + dropped,
      malformedExample: this.malformedExample,
      truncations: f.events.truncations,
      rotations: f.events.rotations,
      pendingBytes: f.pendingBytes,
      watching: f.watching,
      replay: replayStats(this.replay, f.replaying),
    };
  }

  private fold(batch: ParsedBatch, replayed: boolean): void {
    this.counters.addBatch(batch, replayed);
    if (replayed) {
      this.replay.requests += batch.total;
      if (batch.firstAt !== null) this.replay.firstAt = Math.min(this.replay.firstAt, batch.firstAt);
      if (batch.lastAt !== null) this.replay.lastAt = Math.max(this.replay.lastAt, batch.lastAt);
    }
    this.lines += batch.lines;
    this.malformed += batch.malformed;
    this.overlong += batch.overlong;
    if (batch.example !== null) this.malformedExample = batch.example;
  }

  private async dispatch(bytes: Uint8Array, length: number, replayed: boolean): Promise<void> {
    // A read that outlived stop()'s wait: counting it could start a pool nobody would end.
    if (this.stopped) return;
    if (length < this.options.inlineBelow) {
      this.fold(parseChunk(bytes, length), replayed);
      return;
    }
    this.pool ??= import('piscina').then(
      ({ Piscina }) =>
        new Piscina({
          filename: PARSER_FILE,
          minThreads: 0,
          maxThreads: this.threads,
          idleTimeout: 2000,
          execArgv: workerExecArgv(process.execArgv),
        }),
    );
    const pool = this.pool;
    const task: Promise<void> = pool
      .then((p) => p.run({ bytes, length }, { transferList: [bytes.buffer as ArrayBuffer] }))
      .then(
        (batch: ParsedBatch) => this.fold(batch, replayed),
        // Only when the pool is destroyed under the task (stop()) or a parser thread dies: the
        // chunk's lines are lost, which must not become an unhandled rejection in the host.
        () => undefined,
      );
    const tracked = task.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    // Backpressure: never more than two chunks per thread in flight.
    while (this.inflight.size >= this.threads * 2) await Promise.race(this.inflight);
  }
}

/** A backlog's figures by its own clock: a year of log replayed in seconds is still a year's rate. */
export function replayStats(r: { requests: number; firstAt: number; lastAt: number }, replaying: boolean): AccessLogReplay | null {
  if (r.requests === 0) return null;
  const known = Number.isFinite(r.firstAt) && Number.isFinite(r.lastAt);
  const spanMs = known ? r.lastAt - r.firstAt : 0;
  return {
    requests: r.requests,
    from: known ? new Date(r.firstAt).toISOString() : null,
    to: known ? new Date(r.lastAt).toISOString() : null,
    // Log times are whole seconds: a span under one second has no rate worth showing.
    rps: spanMs >= 1000 ? Math.round((r.requests * 10_000) / spanMs) / 10 : null,
    done: !replaying,
  };
}
