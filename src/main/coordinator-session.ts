/**
 * The main thread's side of the coordinator: the root supervisor over it, the comlink link to
 * the incarnation that is up, and calls that always settle. A call in flight when the
 * coordinator dies is retried on the replacement (or rejected with a typed error) before its
 * deadline; nothing waits forever.
 */
import { EventEmitter } from 'node:events';
import type { TransferListItem } from 'node:worker_threads';
import type * as Comlink from 'comlink';
import { CoordinatorLink, raceCall, REPLY_GRACE_MS } from './coordinator-link.js';
import type { CoordinatorApi, CoordinatorData } from '../protocol/coordinator.js';
import { CallTimeoutError, CoordinatorCallError, CoordinatorDiedError, DashboardFailedError, DashboardStoppedError } from '../errors.js';
import type { ResolvedOptions } from '../options.js';
import type { ChildThread } from '../supervisor/child-thread.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { ChildExitEvent, ChildRestartEvent, ChildStatus } from '../supervisor/types.js';

export const COORDINATOR = 'coordinator';

export interface SessionEvents {
  /** A coordinator reported ready (the first one, or a replacement). */
  ready: [];
  message: [body: unknown];
  exit: [event: ChildExitEvent];
  restart: [event: ChildRestartEvent];
  'gave-up': [message: string];
}

interface Waiter {
  resolve: (link: CoordinatorLink) => void;
  reject: (err: Error) => void;
  call: string;
}

type State = 'starting' | 'running' | 'failed' | 'stopped';

export class CoordinatorSession extends EventEmitter<SessionEvents> {
  private readonly root: Supervisor;
  private state: State = 'starting';
  private failureMessage: string | null = null;
  private link: CoordinatorLink | null = null;
  private pendingLink: CoordinatorLink | null = null;
  private readonly waiters = new Set<Waiter>();

  constructor(
    private readonly options: ResolvedOptions,
    /** Everything the next coordinator starts with, but its comlink port. */
    data: () => Omit<CoordinatorData, 'port'>,
  ) {
    super();
    this.root = new Supervisor(
      [
        {
          id: COORDINATOR,
          file: new URL('../../workers/coordinator.js', import.meta.url),
          restart: 'permanent',
          // A supervisor stops its own children first: it gets their stop budget on top of its
          // own (OTP's `shutdown => infinity` for supervisors, bounded so a stuck tree still ends).
          shutdownMs: options.shutdownMs * (1 + options.workers.length),
          hangTimeoutMs: options.hangTimeoutMs,
          startTimeoutMs: options.startTimeoutMs,
          resourceLimits: options.coordinatorResourceLimits,
          prepare: () => this.prepare(data()),
        },
      ],
      { strategy: 'one_for_one', intensity: options.intensity, backoff: options.backoff },
    );
    this.root.on('started', () => this.onReady());
    this.root.on('exit', (e) => {
      this.onGone();
      this.emit('exit', e);
    });
    this.root.on('restart', (e) => this.emit('restart', e));
    this.root.on('gave-up', (message) => this.onGaveUp(message));
    this.root.on('message', (_id, body) => this.emit('message', body));
  }

  async start(): Promise<void> {
    await this.root.start();
    if (this.state === 'starting') this.state = 'running';
  }

  /** Rejects every waiting call, stops the coordinator (and so its workers). */
  async stop(): Promise<void> {
    this.state = 'stopped';
    for (const w of this.waiters) w.reject(new DashboardStoppedError(w.call));
    this.waiters.clear();
    await this.root.stop();
    this.onGone(true);
  }

  get failure(): string | null {
    return this.failureMessage;
  }

  get isFailed(): boolean {
    return this.state === 'failed';
  }

  get isStopped(): boolean {
    return this.state === 'stopped';
  }

  /** The coordinator's supervision status: the single source of truth for it. */
  status(): ChildStatus {
    return this.root.children()[0]!;
  }

  /** The live coordinator link, if one is up. */
  get current(): CoordinatorLink | null {
    return this.link && !this.link.isDead ? this.link : null;
  }

  /** Measures the coordinator thread since the last call (event-loop utilization, heap, CPU). */
  sampleVitals(): void {
    this.root.sampleVitals();
  }

  thread(): ChildThread | null {
    return this.root.thread(COORDINATOR);
  }

  kill(): boolean {
    return this.root.kill(COORDINATOR);
  }

  private prepare(data: Omit<CoordinatorData, 'port'>): { workerData: Record<string, unknown>; transferList: TransferListItem[] } {
    this.pendingLink?.markDead(REPLY_GRACE_MS);
    const link = new CoordinatorLink();
    this.pendingLink = link;
    const coordinator: CoordinatorData = { ...data, port: link.remotePort };
    return { workerData: { coordinator }, transferList: [link.remotePort] };
  }

  private onReady(): void {
    this.link = this.pendingLink;
    this.pendingLink = null;
    const link = this.link;
    if (link) {
      for (const w of this.waiters) w.resolve(link);
      this.waiters.clear();
    }
    this.emit('ready');
  }

  /**
   * Only one coordinator exists at a time, so any link we hold belonged to the one that died.
   * Its port lingers briefly for replies already on their way, unless we are stopping.
   */
  private onGone(now = false): void {
    for (const link of [this.link, this.pendingLink]) {
      if (now) link?.close();
      else link?.markDead(REPLY_GRACE_MS);
    }
    this.link = null;
    this.pendingLink = null;
  }

  private onGaveUp(message: string): void {
    this.failureMessage = message;
    this.state = 'failed';
    this.onGone();
    for (const w of this.waiters) w.reject(new DashboardFailedError(w.call, message));
    this.waiters.clear();
    this.emit('gave-up', message);
  }

  /** The live link, or the next one to come up before `deadline`; rejects typed otherwise. */
  waitForLink(call: string, deadline: number): Promise<CoordinatorLink> {
    if (this.state === 'stopped') return Promise.reject(new DashboardStoppedError(call));
    if (this.state === 'failed') return Promise.reject(new DashboardFailedError(call, this.failureMessage ?? 'unknown'));
    const live = this.current;
    if (live) return Promise.resolve(live);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.waiters.delete(waiter);
          reject(new CallTimeoutError(call, this.options.callTimeoutMs));
        },
        Math.max(0, deadline - Date.now()),
      );
      const waiter: Waiter = {
        call,
        resolve: (link) => {
          clearTimeout(timer);
          resolve(link);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Runs `op` on the live coordinator. If that coordinator dies first, runs it again on its
   * replacement (when `retry`), all within callTimeoutMs; otherwise rejects with a typed error.
   */
  async call<T>(call: string, op: (api: Comlink.Remote<CoordinatorApi>) => Promise<T>, retry = true): Promise<T> {
    const deadline = Date.now() + this.options.callTimeoutMs;
    for (;;) {
      const link = await this.waitForLink(call, deadline);
      const outcome = await raceCall(link, op(link.api), deadline);
      if (outcome.kind === 'value') return outcome.value;
      if (outcome.kind === 'error') throw new CoordinatorCallError(call, outcome.error);
      if (this.state === 'stopped') throw new DashboardStoppedError(call);
      if (this.state === 'failed') throw new DashboardFailedError(call, this.failureMessage ?? 'unknown');
      if (outcome.kind === 'timeout') throw new CallTimeoutError(call, this.options.callTimeoutMs);
      if (!retry) throw new CoordinatorDiedError(call);
    }
  }
}
