/**
 * Access-log lines → the shared request counters. Small chunks (a quiet log) are parsed
 * inline; large ones (a burst, or a big backlog) are transferred, not copied, to a piscina
 * pool that decodes, splits and parses them on every core while this thread only reads the
 * file. (Sending arrays of strings instead made the pool slower than one thread: cloning them
 * cost more than parsing.) The pool's threads exist only while there is such work.
 */
import os from 'node:os';
import { Piscina } from 'piscina';
import { workerExecArgv } from '../supervisor/exec-argv.js';
import { parseChunk, type ParsedBatch } from './access-log-parse.js';
import { AccessLogFollower, type FollowerOptions } from './access-log-follower.js';
import type { RequestCounters } from './counters.js';
import type { AccessLogSection } from '../snapshot.js';

/** What the snapshot shows of the source (snapshot.accessLog). */
export type AccessLogStats = AccessLogSection;

export interface AccessLogSourceOptions extends FollowerOptions {
  /** Chunks smaller than this many bytes are parsed inline (a pool round trip costs more than it saves). */
  inlineBelow: number;
  /** Pool threads; default: every core. */
  threads?: number;
}

const PARSER_FILE = new URL('../../workers/log-parser.js', import.meta.url).href;

export class AccessLogSource {
  private readonly follower: AccessLogFollower;
  private pool: Piscina | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private lines = 0;
  private malformed = 0;
  private malformedExample: string | null = null;
  private readonly threads: number;

  constructor(
    path: string,
    private readonly counters: RequestCounters,
    private readonly options: AccessLogSourceOptions,
  ) {
    this.threads = options.threads ?? os.availableParallelism();
    this.follower = new AccessLogFollower(path, (bytes, length) => this.dispatch(bytes, length), options);
  }

  start(): void {
    this.follower.start();
  }

  /** Reads and folds in everything appended so far. */
  async poll(): Promise<void> {
    await this.follower.poll();
    await Promise.all(this.inflight);
  }

  async stop(): Promise<void> {
    await this.follower.stop();
    await Promise.all(this.inflight);
    await this.pool?.destroy();
    this.pool = null;
  }

  stats(): AccessLogStats {
    return {
      path: this.follower.path,
      lines: this.lines,
      malformed: this.malformed,
      malformedExample: this.malformedExample,
      truncations: this.follower.events.truncations,
      rotations: this.follower.events.rotations,
    };
  }

  private fold(batch: ParsedBatch): void {
    this.counters.addBatch(batch);
    this.lines += batch.lines;
    this.malformed += batch.malformed;
    if (batch.example !== null) this.malformedExample = batch.example;
  }

  private async dispatch(bytes: Uint8Array, length: number): Promise<void> {
    if (length < this.options.inlineBelow) {
      this.fold(parseChunk(bytes, length));
      return;
    }
    this.pool ??= new Piscina({
      filename: PARSER_FILE,
      minThreads: 0,
      maxThreads: this.threads,
      idleTimeout: 2000,
      execArgv: workerExecArgv(process.execArgv),
    });
    const task: Promise<void> = this.pool
      .run({ bytes, length }, { transferList: [bytes.buffer as ArrayBuffer] })
      .then((batch: ParsedBatch) => this.fold(batch));
    const tracked = task.finally(() => this.inflight.delete(tracked));
    this.inflight.add(tracked);
    // Backpressure: never more than two chunks per thread in flight.
    while (this.inflight.size >= this.threads * 2) await Promise.race(this.inflight);
  }
}
