/**
 * The main-thread facade. It owns what must outlive the coordinator (the shared buffers, the
 * collection count, the root supervisor) and makes every call settle: a call in flight when
 * the coordinator dies is retried on the replacement or rejected with a typed error before
 * `callTimeoutMs` has passed.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { TransferListItem } from 'node:worker_threads';
import type * as Comlink from 'comlink';
import { CoordinatorLink, raceCall, REPLY_GRACE_MS } from './coordinator-link.js';
import type { CollectReport } from './coordinator/collect-round.js';
import { isCoordinatorMessage, type CoordinatorApi, type CoordinatorData } from './coordinator/messages.js';
import { CallTimeoutError, DashboardFailedError, DashboardStoppedError, ThreadboardError, UnknownTargetError } from './errors.js';
import type { CrashReport, DashboardEvents } from './events.js';
import { resolveMainThreadOptions, resolveOptions, type EngineOptions, type MainThreadOptions, type ResolvedOptions } from './options.js';
import { AccessLogSource } from './requests/access-log-source.js';
import { HttpProbe } from './requests/http-probe.js';
import { FAULT_KINDS, sampleChannelName, type FaultKind } from './protocol.js';
import { RequestCounters } from './requests/counters.js';
import { allocateSharedBuffers, type SharedBuffers } from './shared-buffers.js';
import type { BuiltinWorkerName, CoordinatorSnapshot, DashboardSnapshot, WorkerInfo } from './snapshot.js';
import type { Server as HttpServer } from 'node:http';
import { Supervisor } from './supervisor/supervisor.js';

const COORDINATOR = 'coordinator';

function builtinFile(name: BuiltinWorkerName): URL {
  return new URL(`../workers/${name}.js`, import.meta.url);
}

export interface RequestRecord {
  durationMs: number;
  status: number;
}

type State = 'starting' | 'running' | 'failed' | 'stopped';

interface Waiter {
  resolve: (link: CoordinatorLink) => void;
  reject: (err: Error) => void;
  call: string;
}

export class Dashboard extends EventEmitter<DashboardEvents> {
  /** The sample channel's name; unique to this dashboard. */
  readonly channelName: string;
  readonly startedAt = new Date().toISOString();
  private readonly options: ResolvedOptions;
  private readonly shared: SharedBuffers;
  private readonly counters: RequestCounters;
  private readonly root: Supervisor;
  private state: State = 'starting';
  private failure: string | null = null;
  private link: CoordinatorLink | null = null;
  private pendingLink: CoordinatorLink | null = null;
  private waiters = new Set<Waiter>();
  private collections = 0;
  private last: CoordinatorSnapshot | null = null;
  /** Whether `last` came from the coordinator that is running now. */
  private lastIsCurrent = false;
  private readonly probe: HttpProbe | null;
  /** Front ends attached by the composition root, closed first on stop(). */
  private readonly closers: Array<() => Promise<void>> = [];
  private readonly accessLog: AccessLogSource | null;

  /** @internal use startDashboard() */
  constructor(options: ResolvedOptions, main: MainThreadOptions) {
    super();
    this.options = options;
    this.channelName = sampleChannelName(randomUUID());
    this.shared = allocateSharedBuffers();
    this.counters = new RequestCounters(this.shared.requestCounters);
    this.probe = main.httpProbe ? new HttpProbe(this.counters, main.httpProbe.servers ? { servers: main.httpProbe.servers } : {}) : null;
    this.accessLog = main.accessLog
      ? new AccessLogSource(main.accessLog.path, this.counters, {
          ...main.accessLog,
          chunkBytes: 1 << 20,
          inlineBelow: 64 * 1024,
          onState: (e) => this.emit('access-log', e),
        })
      : null;
    this.root = new Supervisor(
      [
        {
          id: COORDINATOR,
          file: new URL('../workers/coordinator.js', import.meta.url),
          restart: 'permanent',
          shutdownMs: options.shutdownMs,
          hangTimeoutMs: options.hangTimeoutMs,
          startTimeoutMs: options.startTimeoutMs,
          resourceLimits: options.coordinatorResourceLimits,
          prepare: () => this.prepareCoordinator(),
        },
      ],
      { strategy: 'one_for_one', intensity: options.intensity, backoff: options.backoff },
    );
    this.root.on('started', () => this.onCoordinatorReady());
    this.root.on('exit', ({ id: _, ...rest }) => {
      this.onCoordinatorGone();
      this.emit('exit', { target: COORDINATOR, ...rest });
    });
    this.root.on('restart', ({ id: _, ...rest }) => this.emit('restart', { target: COORDINATOR, ...rest }));
    this.root.on('gave-up', (message) => this.onGaveUp(message));
    this.root.on('message', (_id, body) => this.onCoordinatorMessage(body));
  }

  /** @internal */
  async start(): Promise<void> {
    await this.root.start();
    this.state = 'running';
    this.probe?.attach();
    this.accessLog?.start();
  }

  private prepareCoordinator(): { workerData: Record<string, unknown>; transferList: TransferListItem[] } {
    this.pendingLink?.markDead(REPLY_GRACE_MS);
    const link = new CoordinatorLink();
    this.pendingLink = link;
    const coordinator: CoordinatorData = {
      channelName: this.channelName,
      options: this.options,
      shared: this.shared,
      port: link.remotePort,
    };
    return { workerData: { coordinator }, transferList: [link.remotePort] };
  }

  private onCoordinatorReady(): void {
    this.lastIsCurrent = false;
    this.link = this.pendingLink;
    this.pendingLink = null;
    const link = this.link;
    if (!link) return;
    for (const w of this.waiters) w.resolve(link);
    this.waiters.clear();
  }

  /**
   * Only one coordinator exists at a time, so any link we hold belonged to the one that died.
   * Its port lingers briefly for replies already on their way, unless we are stopping.
   */
  private onCoordinatorGone(now = false): void {
    this.lastIsCurrent = false;
    for (const link of [this.link, this.pendingLink]) {
      if (now) link?.close();
      else link?.markDead(REPLY_GRACE_MS);
    }
    this.link = null;
    this.pendingLink = null;
  }

  private onGaveUp(message: string): void {
    this.failure = message;
    this.state = 'failed';
    this.onCoordinatorGone();
    for (const w of this.waiters) w.reject(new DashboardFailedError(w.call, message));
    this.waiters.clear();
    this.emit('failed', { target: COORDINATOR, message, at: new Date().toISOString() });
  }

  private onCoordinatorMessage(body: unknown): void {
    if (!isCoordinatorMessage(body)) return;
    switch (body.type) {
      case 'snapshot':
        this.accept(body.snapshot);
        if (this.listenerCount('snapshot') > 0) this.emit('snapshot', this.overlay(body.snapshot));
        break;
      case 'worker-exit': {
        const { id, ...rest } = body.event;
        this.emit('exit', { target: id, ...rest });
        break;
      }
      case 'worker-restart': {
        const { id, ...rest } = body.event;
        this.emit('restart', { target: id, ...rest });
        break;
      }
    }
  }

  private accept(snap: CoordinatorSnapshot): void {
    this.last = snap;
    if (!this.link) return; // from a coordinator that has not reported ready (or already died)
    this.lastIsCurrent = true;
  }

  /** Adds what main owns: the collection count and the coordinator's own status. */
  private overlay(snap: CoordinatorSnapshot | null): DashboardSnapshot {
    const c = this.root.children()[0]!;
    const coordinatorUp = c.status === 'running';
    const workers: WorkerInfo[] = (snap?.workers ?? []).map((w) =>
      coordinatorUp
        ? w
        : { ...w, status: c.status === 'failed' ? 'failed' : c.status === 'stopped' ? 'stopped' : 'restarting', threadId: null },
    );
    return {
      cpu: snap?.cpu ?? null,
      memory: snap?.memory ?? null,
      requests: snap?.requests ?? null,
      custom: snap?.custom ?? {},
      lastUpdated: snap?.lastUpdated ?? null,
      collectionCount: this.collections,
      accessLog: this.accessLog?.stats() ?? null,
      channel: snap?.channel ?? { received: 0, rejected: 0 },
      coordinator: {
        status: c.status,
        restarts: c.restarts,
        threadId: c.threadId,
        startedAt: c.startedAt ?? this.startedAt,
        lastExit: c.lastExit,
      },
      workers,
    };
  }

  private waitForCoordinator(call: string, deadline: number): Promise<CoordinatorLink> {
    if (this.state === 'stopped') return Promise.reject(new DashboardStoppedError(call));
    if (this.state === 'failed') return Promise.reject(new DashboardFailedError(call, this.failure ?? 'unknown'));
    if (this.link && !this.link.isDead) return Promise.resolve(this.link);
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
  private async call<T>(call: string, op: (api: Comlink.Remote<CoordinatorApi>) => Promise<T>, retry = true): Promise<T> {
    const deadline = Date.now() + this.options.callTimeoutMs;
    for (;;) {
      const link = await this.waitForCoordinator(call, deadline);
      const outcome = await raceCall(link, op(link.api), deadline);
      if (outcome.kind === 'value') return outcome.value;
      if (this.state === 'stopped') throw new DashboardStoppedError(call);
      if (this.state === 'failed') throw new DashboardFailedError(call, this.failure ?? 'unknown');
      if (outcome.kind === 'timeout') throw new CallTimeoutError(call, this.options.callTimeoutMs);
      if (!retry) throw new ThreadboardError('ERR_THREADBOARD_COORDINATOR_DIED', `threadboard: the coordinator died during ${call}()`);
    }
  }

  /** Asks every running metric worker for a fresh sample; resolves when all answered (or timed out). */
  async collect(): Promise<CollectReport> {
    // Lines already in the log count as of now, like requests already served (a backlog too
    // big for callTimeoutMs is read on later turns; a log in error never rejects the call).
    await this.accessLog?.poll(Date.now() + this.options.callTimeoutMs);
    const { report, snapshot } = await this.call('collect', (api) => api.collect());
    this.collections += 1;
    this.accept(snapshot);
    return report;
  }

  /**
   * The current snapshot. The coordinator pushes one after every change, so this is served
   * from main without a round trip; while the coordinator is down it waits (up to
   * callTimeoutMs) for its replacement's first snapshot. After a failure it resolves with
   * the last snapshot, marked 'failed'.
   */
  async getDashboard(): Promise<DashboardSnapshot> {
    if (this.state === 'failed') return this.overlay(this.last);
    const deadline = Date.now() + this.options.callTimeoutMs;
    while (!(this.lastIsCurrent && this.link)) {
      try {
        await this.waitForCoordinator('getDashboard', deadline);
      } catch (err) {
        // Failed while we waited: the last snapshot, marked failed, is the answer.
        if (this.isFailed) return this.overlay(this.last);
        throw err;
      }
      if (this.lastIsCurrent) break;
      // Up, but nothing pushed yet: ask for the snapshot once rather than wait for a push.
      const link = this.link;
      if (!link) continue;
      const outcome = await raceCall(link, link.api.snapshot(), deadline);
      if (outcome.kind === 'value' && this.link === link) this.accept(outcome.value);
      else if (outcome.kind === 'timeout') throw new CallTimeoutError('getDashboard', this.options.callTimeoutMs);
      if (this.state === 'stopped') throw new DashboardStoppedError('getDashboard');
    }
    return this.overlay(this.last);
  }

  /** Metric workers running now. */
  async workerCount(): Promise<number> {
    if (this.state === 'failed') return 0;
    return this.call('workerCount', (api) => api.workerCount());
  }

  /** Fault injection: target 'coordinator' or a worker name; how: throw, exit, hang, oom or kill. */
  async crash(target: string, how: FaultKind): Promise<CrashReport> {
    const names = [COORDINATOR, ...this.options.workers.map((w) => w.name)];
    if (!names.includes(target)) {
      throw new UnknownTargetError(
        `threadboard: crash() target must be one of ${names.map((n) => `'${n}'`).join(', ')}; got '${String(target)}'`,
      );
    }
    if (!FAULT_KINDS.includes(how)) {
      throw new UnknownTargetError(
        `threadboard: crash() fault must be one of ${FAULT_KINDS.map((f) => `'${f}'`).join(', ')}; got '${String(how)}'`,
      );
    }
    const at = new Date().toISOString();
    if (target === COORDINATOR) {
      await this.waitForCoordinator('crash', Date.now() + this.options.callTimeoutMs);
      const thread = this.root.thread(COORDINATOR);
      if (!thread)
        throw new ThreadboardError(
          'ERR_THREADBOARD_NOT_RUNNING',
          'threadboard: the coordinator is not running; try again once it has restarted',
        );
      if (how === 'kill') this.root.kill(COORDINATOR);
      else thread.send({ tb: 'crash', how });
      return { target, how, threadId: thread.threadId, at };
    }
    const hit = await this.call('crash', (api) => api.crashWorker(target, how), false);
    if (!hit) {
      throw new ThreadboardError(
        'ERR_THREADBOARD_NOT_RUNNING',
        `threadboard: worker '${target}' is not running right now (it is starting or restarting); try again once it is`,
      );
    }
    return { target, how, threadId: hit.threadId, at };
  }

  /** Records one completed request into the shared counters (a few atomic adds, no message). */
  recordRequest(record: RequestRecord): void {
    const { durationMs, status } = record ?? ({} as RequestRecord);
    if (typeof durationMs !== 'number' || !(durationMs >= 0) || !Number.isFinite(durationMs)) {
      throw new ThreadboardError(
        'ERR_THREADBOARD_ARGUMENT',
        `threadboard: recordRequest() needs durationMs as a finite number >= 0; got ${String(durationMs)}`,
      );
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new ThreadboardError(
        'ERR_THREADBOARD_ARGUMENT',
        `threadboard: recordRequest() needs status as an HTTP status code 100..599; got ${String(status)}`,
      );
    }
    this.counters.record(durationMs, status);
  }

  private web: string | null = null;

  /** The live page's address when started with the `web` option, else null. */
  get webUrl(): string | null {
    return this.web;
  }

  /** @internal A front end attached to this dashboard: closed before the threads stop. */
  attachFrontEnd(frontEnd: { url?: string; close(): Promise<void> }): void {
    if (frontEnd.url) this.web = frontEnd.url;
    this.closers.push(() => frontEnd.close());
  }

  /** @internal A server whose requests are not the user's traffic (the dashboard's own web server). */
  excludeFromProbe(server: HttpServer): void {
    this.probe?.exclude(server);
  }

  /** @internal the shared request counters, for the HTTP probe. */
  get requestCounters(): RequestCounters {
    return this.counters;
  }

  get isFailed(): boolean {
    return this.state === 'failed';
  }

  /** Stops every thread this dashboard started; resolves when they are gone. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    for (const w of this.waiters) w.reject(new DashboardStoppedError(w.call));
    this.waiters.clear();
    for (const close of this.closers.splice(0).reverse()) await close();
    this.web = null;
    this.probe?.detach();
    await this.accessLog?.stop();
    await this.root.stop();
    this.onCoordinatorGone(true);
  }
}

/** The engine alone: the coordinator and its metric workers (startDashboard() adds the front ends). */
export async function startEngine(options?: EngineOptions): Promise<Dashboard> {
  const resolved = resolveOptions(options, builtinFile);
  const main = resolveMainThreadOptions(options);
  const dash = new Dashboard(resolved, main);
  try {
    await dash.start();
  } catch (err) {
    await dash.stop();
    throw err;
  }
  return dash;
}
