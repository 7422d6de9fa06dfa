/**
 * An OTP-style supervisor over worker threads. The same class runs at both levels of the
 * tree: in the main thread over the coordinator, and in the coordinator over metric workers.
 *
 * It never decides what giving up means: it stops its children and emits 'gave-up', and its
 * owner escalates (the coordinator crashes itself; the main thread marks the dashboard failed).
 */
import { EventEmitter } from 'node:events';
import { InternalError, StartError } from '../errors.js';
import type { ControlToChild } from '../protocol/control.js';
import { ChildThread } from './child-thread.js';
import type { ExitClass } from './exit-reason.js';
import { backoffDelay, exceedsIntensity, pruneWindow, type Backoff, type Intensity } from './intensity.js';
import {
  NO_VITALS,
  type ChildExitEvent,
  type ChildRestartEvent,
  type ChildSpec,
  type ChildStatus,
  type ExitInfo,
  type ExitReason,
  type Strategy,
  type WorkerStatus,
} from './types.js';

export interface SupervisorOptions {
  strategy: Strategy;
  intensity: Intensity;
  backoff: Backoff;
}

export interface SupervisorEvents {
  started: [id: string, threadId: number];
  exit: [event: ChildExitEvent];
  restart: [event: ChildRestartEvent];
  message: [id: string, body: unknown];
  'gave-up': [message: string];
}

interface ChildEntry {
  spec: ChildSpec;
  thread: ChildThread | null;
  status: WorkerStatus;
  restarts: number;
  startedAt: string | null;
  lastExit: ExitInfo | null;
  restartTimer: NodeJS.Timeout | null;
  /** Set while a replacement is pending: when and from which thread the child went down. */
  down: { at: number; threadId: number | null; delayMs: number } | null;
  recentRestarts: number[];
  /** Consecutive 'resource' exits since the child last ran: the backoff for the next retry. */
  resourceRetries: number;
}

/** Retries after a resource shortage wait at least this long, even with a zero backoff configured. */
const RESOURCE_RETRY_FLOOR_MS = 50;

export class Supervisor extends EventEmitter<SupervisorEvents> {
  private readonly entries: ChildEntry[];
  private recentRestarts: number[] = [];
  private state: 'idle' | 'running' | 'stopping' | 'stopped' | 'gave-up' = 'idle';

  constructor(
    specs: readonly ChildSpec[],
    private readonly options: SupervisorOptions,
  ) {
    super();
    this.entries = specs.map((spec) => ({
      spec,
      thread: null,
      status: 'stopped',
      restarts: 0,
      startedAt: null,
      lastExit: null,
      restartTimer: null,
      down: null,
      recentRestarts: [],
      resourceRetries: 0,
    }));
  }

  /** Starts every child (spawned in order, all at once) and resolves when all are ready. */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new InternalError(`a supervisor cannot start from state ${this.state}`);
    this.state = 'running';
    try {
      await Promise.all(this.entries.map((e) => this.spawnFirst(e)));
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  /** Stops every child, newest first, and cancels pending restarts. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const wasGivenUp = this.state === 'gave-up';
    this.state = 'stopping';
    for (const e of this.entries) this.cancelRestart(e);
    for (const e of [...this.entries].reverse()) {
      const thread = e.thread;
      if (thread && !thread.hasExited) await thread.stop();
      if (!wasGivenUp) e.status = 'stopped';
    }
    this.state = 'stopped';
  }

  get hasGivenUp(): boolean {
    return this.state === 'gave-up';
  }

  has(id: string): boolean {
    return this.entries.some((e) => e.spec.id === id);
  }

  /** The live thread of a child, if it has one that has not exited. */
  thread(id: string): ChildThread | null {
    const t = this.entry(id).thread;
    return t && !t.hasExited ? t : null;
  }

  send(id: string, msg: ControlToChild): boolean {
    const t = this.thread(id);
    if (!t) return false;
    t.send(msg);
    return true;
  }

  /** Terminates a child from outside; it is classified 'killed' and restarted per its spec. */
  kill(id: string): boolean {
    const t = this.thread(id);
    if (!t) return false;
    void t.terminate('killed');
    return true;
  }

  children(): ChildStatus[] {
    return this.entries.map((e) => ({
      id: e.spec.id,
      status: e.status,
      restarts: e.restarts,
      threadId: e.thread && !e.thread.hasExited ? e.thread.threadId : null,
      startedAt: e.startedAt,
      lastExit: e.lastExit,
      vitals: e.thread && !e.thread.hasExited ? e.thread.vitals : NO_VITALS,
    }));
  }

  /** Measures every running child since the last call (see ChildThread.sampleVitals). */
  sampleVitals(): void {
    const now = Date.now();
    for (const e of this.entries) if (e.thread && !e.thread.hasExited) e.thread.sampleVitals(now);
  }

  runningCount(): number {
    return this.entries.filter((e) => e.status === 'running').length;
  }

  private entry(id: string): ChildEntry {
    const e = this.entries.find((x) => x.spec.id === id);
    if (!e) throw new InternalError(`no child with id ${id}`);
    return e;
  }

  private spawnFirst(e: ChildEntry): Promise<void> {
    return new Promise((resolve, reject) => {
      const thread = this.spawn(e);
      const onExit = (cls: ExitClass): void => {
        if (cls.kind === 'crash' && cls.nestedStart) {
          // A nested supervisor's start failure already names the child and why: pass it up as it is.
          return reject(new StartError(cls.message, { reason: cls.reason }));
        }
        const why = cls.kind === 'crash' ? `${cls.reason}: ${cls.message}` : 'it exited before reporting ready';
        const hint =
          cls.kind === 'crash' && cls.reason === 'resource'
            ? 'the process is out of file descriptors or threads for now: raise `ulimit -n` or close what holds them'
            : `check ${e.spec.file.href}`;
        reject(
          new StartError(`threadboard: the ${e.spec.id} thread failed to start (${why}); ${hint}`, {
            reason: cls.kind === 'crash' ? cls.reason : 'exit',
          }),
        );
      };
      thread.once('exit', onExit);
      thread.once('ready', () => {
        thread.off('exit', onExit);
        resolve();
      });
    });
  }

  private spawn(e: ChildEntry): ChildThread {
    const thread = new ChildThread(e.spec);
    e.thread = thread;
    e.status = 'starting';
    thread.on('message', (body) => this.emit('message', e.spec.id, body));
    thread.once('ready', () => this.onReady(e, thread));
    thread.once('exit', (cls) => this.onExit(e, thread, cls));
    return thread;
  }

  private onReady(e: ChildEntry, thread: ChildThread): void {
    if (e.thread !== thread || thread.threadId === null) return;
    e.status = 'running';
    e.resourceRetries = 0;
    e.startedAt = new Date().toISOString();
    // A restart is a replacement that came up: attempts that failed before it are not counted.
    if (e.down) e.restarts += 1;
    this.emit('started', e.spec.id, thread.threadId);
    if (e.down) {
      const now = Date.now();
      this.emit('restart', {
        id: e.spec.id,
        restarts: e.restarts,
        oldThreadId: e.down.threadId,
        newThreadId: thread.threadId,
        delayMs: e.down.delayMs,
        downtimeMs: now - e.down.at,
        at: new Date(now).toISOString(),
      });
      e.down = null;
    }
  }

  private onExit(e: ChildEntry, thread: ChildThread, cls: ExitClass): void {
    if (e.thread !== thread) return;
    if (cls.kind === 'deliberate') {
      // Stopped by us: either shutdown (status set by stop()) or a sibling restart (already 'restarting').
      return;
    }
    const now = Date.now();
    const reason: ExitReason = cls.kind === 'crash' ? cls.reason : 'exit';
    const exit: ExitInfo = { reason, message: cls.message, at: new Date(now).toISOString() };
    e.lastExit = exit;
    const restartable =
      this.state === 'running' && (e.spec.restart === 'permanent' || (e.spec.restart === 'transient' && cls.kind === 'crash'));
    // A shortage of descriptors or threads says nothing about the child: it is retried with
    // backoff for as long as it lasts, and never counted toward giving up.
    const transient = reason === 'resource';
    const overLimit = restartable && !transient && exceedsIntensity(this.recentRestarts, now, this.options.intensity);
    const willRestart = restartable && !overLimit;
    const exitEvent = { id: e.spec.id, threadId: thread.threadId, ...exit, willRestart };

    // The status moves on before the exit is announced: a listener that reads the children (main
    // pushes a snapshot on this event) must see the child restarting or failed, not still running.
    if (!restartable) {
      e.status = cls.kind === 'crash' && this.state === 'running' ? 'failed' : 'stopped';
      this.emit('exit', exitEvent);
      return;
    }
    if (overLimit) {
      this.emit('exit', exitEvent);
      this.giveUp(e, exit);
      return;
    }
    let delayMs: number;
    if (transient) {
      delayMs = backoffDelay(e.resourceRetries + 1, {
        initialMs: Math.max(RESOURCE_RETRY_FLOOR_MS, this.options.backoff.initialMs),
        maxMs: Math.max(RESOURCE_RETRY_FLOOR_MS, this.options.backoff.maxMs),
      });
      e.resourceRetries += 1;
    } else {
      this.recentRestarts = [...pruneWindow(this.recentRestarts, now, this.options.intensity.periodMs), now];
      e.recentRestarts = pruneWindow(e.recentRestarts, now, this.options.intensity.periodMs);
      delayMs = backoffDelay(e.recentRestarts.length, this.options.backoff);
      e.recentRestarts.push(now);
    }
    const group = this.restartGroup(e);
    for (const member of group) {
      member.status = 'restarting';
      // A child whose replacement never came up keeps the time and thread it first went down
      // with, so the restart event's downtime covers every failed attempt.
      member.down = member.down
        ? { ...member.down, delayMs }
        : { at: now, threadId: member === e ? thread.threadId : (member.thread?.threadId ?? null), delayMs };
      this.cancelRestart(member);
    }
    this.emit('exit', exitEvent);
    void this.restartGroupAfter(group, delayMs);
  }

  /** Which children go down with the failed one, in start order. */
  private restartGroup(failed: ChildEntry): ChildEntry[] {
    switch (this.options.strategy) {
      case 'one_for_one':
        return [failed];
      case 'one_for_all':
        return [...this.entries];
      case 'rest_for_one':
        return this.entries.slice(this.entries.indexOf(failed));
    }
  }

  private async restartGroupAfter(group: ChildEntry[], delayMs: number): Promise<void> {
    // Siblings are stopped newest first, as OTP does, before anything restarts.
    for (const member of [...group].reverse()) {
      const t = member.thread;
      if (t && !t.hasExited) await t.terminate('restart');
    }
    if (this.state !== 'running') return;
    const spawnAll = (): void => {
      for (const member of group) {
        member.restartTimer = null;
        if (this.state !== 'running') return;
        this.spawn(member);
      }
    };
    if (delayMs === 0) {
      spawnAll();
      return;
    }
    const timer = setTimeout(spawnAll, delayMs);
    for (const member of group) member.restartTimer = timer;
  }

  private cancelRestart(e: ChildEntry): void {
    if (e.restartTimer) clearTimeout(e.restartTimer);
    e.restartTimer = null;
  }

  private giveUp(e: ChildEntry, exit: ExitInfo): void {
    const { maxRestarts, periodMs } = this.options.intensity;
    const message =
      `restart intensity exceeded: more than ${maxRestarts} restarts within ${periodMs} ms; ` +
      `last was ${e.spec.id} (${exit.reason}: ${exit.message})`;
    this.state = 'gave-up';
    for (const x of this.entries) {
      this.cancelRestart(x);
      x.status = 'failed';
      x.down = null;
    }
    void (async () => {
      for (const x of [...this.entries].reverse()) {
        const t = x.thread;
        if (t && !t.hasExited) await t.terminate('shutdown');
      }
      this.emit('gave-up', message);
    })();
  }
}
