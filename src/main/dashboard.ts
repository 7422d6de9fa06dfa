/**
 * The public facade. It owns what must outlive the coordinator (the shared buffers, the
 * collection count, the last snapshot) and the main-thread parts (HTTP probe, access log, front
 * ends); the coordinator itself, and calls that always settle, are the session's
 * (coordinator-session.ts). Nothing a listener or a thread does can throw into the host from here.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Server as HttpServer } from 'node:http';
import type { CollectReport } from '../coordinator/collect-round.js';
import { isCoordinatorMessage } from '../protocol/coordinator.js';
import { COORDINATOR, CoordinatorSession } from './coordinator-session.js';
import { ArgumentError, CallTimeoutError, DashboardStoppedError, NoClusterError, NotRunningError, UnknownTargetError } from '../errors.js';
import type { FleetView } from '../cluster/types.js';
import type { CrashReport, DashboardEvents, ExitEvent } from '../events.js';
import { resolveMainThreadOptions, resolveOptions, type EngineOptions, type MainThreadOptions, type ResolvedOptions } from '../options.js';
import { FAULT_KINDS, type FaultKind } from '../protocol/control.js';
import { sampleChannelName } from '../protocol/samples.js';
import { AccessLogSource } from './access-log/source.js';
import { RequestCounters, type RequestCounts } from '../shared/request-counters.js';
import { HttpProbe } from './http-probe.js';
import { allocateSharedBuffers, type SharedBuffers } from './shared-buffers.js';
import type { AppSection, BuiltinWorkerName, CoordinatorSnapshot, DashboardSnapshot, HealthSection } from '../snapshot.js';
import { ErrorWindow } from './error-window.js';
import { healthChanged } from './health.js';
import { History, type HistoryPoint, type HistorySpan, type HistoryView } from './history.js';
import { ProcessVitals, type ProcessTotals } from './process-vitals.js';
import { AppHistory, type AppHistoryView } from './app-metrics/history.js';
import { AppIntervals } from './app-metrics/intervals.js';
import { AppMetrics } from './app-metrics/registry.js';
import { appSection } from './app-metrics/section.js';
import type { AppReading } from './app-metrics/types.js';
import { RecoveryWatch } from './recovery.js';
import { assembleSnapshot, seedFrom } from './snapshot-assembly.js';
import { leanSnapshot } from './lean.js';
import { raceCall } from './coordinator-link.js';

function builtinFile(name: BuiltinWorkerName): URL {
  return new URL(`../../workers/${name}.js`, import.meta.url);
}

/** One listener per event, any subset: dash.subscribe({ snapshot: (s) => …, exit: (e) => … }). */
export type DashboardHandlers = { [K in keyof DashboardEvents]?: (...args: DashboardEvents[K]) => void };

export interface RequestRecord {
  durationMs: number;
  status: number;
}

/** How often a listener error is reported as a process warning: the first, then every this many. */
const LISTENER_WARNING_EVERY = 1000;

/** @internal The cluster-mode part attached by the composition root (src/cluster). */
export interface AttachedCluster {
  getFleet(): Promise<FleetView>;
  fleetHistogram(): { counts: Float64Array; sumMicros: number };
  fleetAppMetrics(): AppReading[];
  close(): Promise<void>;
}

/** @internal How the engine runs: `lean` (a node:cluster worker in a fleet) starts no thread at all. */
export interface EngineMode {
  lean: boolean;
}

export class Dashboard extends EventEmitter<DashboardEvents> {
  readonly startedAt = new Date().toISOString();
  /**
   * The sample channel's name is known only to this dashboard's threads: code elsewhere in the
   * process cannot open the channel to forge samples (an ES private field, not reachable from outside).
   */
  readonly #channelName = sampleChannelName(randomUUID());
  readonly #options: ResolvedOptions;
  readonly #shared: SharedBuffers;
  readonly #counters: RequestCounters;
  readonly #session: CoordinatorSession;
  #collections = 0;
  #last: CoordinatorSnapshot | null = null;
  /** Whether #last came from the coordinator that is running now. */
  #lastIsCurrent = false;
  readonly #probe: HttpProbe | null;
  readonly #accessLog: AccessLogSource | null;
  /** Front ends attached by the composition root, closed first on stop(). */
  readonly #closers: Array<() => Promise<void>> = [];
  #web: string | null = null;
  #stopping: Promise<void> | null = null;
  #listenerErrors = 0;
  /** Restarts of each metric worker since start: the coordinator's own counts begin again with each coordinator. */
  readonly #restarts = new Map<string, number>();
  readonly #recovery = new RecoveryWatch();
  readonly #history: History;
  /** The health last told to 'health' listeners. */
  #health: HealthSection | null = null;
  /** The host process's vitals, sampled every interval while the dashboard runs. */
  #vitals: ProcessVitals | null = null;
  #vitalsTimer: NodeJS.Timeout | null = null;
  /** The live requests and their 5xx over health's error window, read each vitals tick. */
  #errorWindow: ErrorWindow;
  #warnedRecordAfterStop = false;
  readonly #lean: boolean;
  #cluster: AttachedCluster | null = null;
  /** The last interval's rates and percentiles of the app metrics, measured by main. */
  readonly #appIntervals = new AppIntervals();
  /** Their sparklines' history, fed with the figures as each interval is measured. */
  readonly #appHistory: AppHistory;

  /**
   * The host's own counters, gauges and histograms: `dash.metrics.counter('jobs_done').inc()`.
   * Values live in shared buffers main owns; an update is one or two atomic operations with no
   * message and no allocation. After stop() updates still work (nothing reads them any more)
   * and never throw.
   */
  readonly metrics = new AppMetrics();

  /** @internal use startDashboard() */
  constructor(options: ResolvedOptions, main: MainThreadOptions, mode: EngineMode = { lean: false }) {
    super();
    this.#lean = mode.lean;
    this.#options = options;
    this.#history = new History(options.intervalMs);
    this.#appHistory = new AppHistory(options.intervalMs);
    this.#shared = allocateSharedBuffers();
    this.#counters = new RequestCounters(this.#shared.requestCounters);
    this.#errorWindow = new ErrorWindow(options.health.errorWindowMs);
    this.#probe = main.httpProbe ? new HttpProbe(this.#counters, main.httpProbe.servers ? { servers: main.httpProbe.servers } : {}) : null;
    this.#accessLog = main.accessLog
      ? new AccessLogSource(main.accessLog.path, this.#counters, {
          ...main.accessLog,
          chunkBytes: 1 << 20,
          inlineBelow: 64 * 1024,
          onState: (e) => this.#publish('access-log', e),
        })
      : null;
    this.#session = new CoordinatorSession(options, () => ({
      channelName: this.#channelName,
      options: this.#options,
      shared: this.#shared,
      seed: seedFrom(this.#last),
    }));
    this.#session.on('ready', () => {
      this.#lastIsCurrent = false;
    });
    this.#session.on('exit', ({ id: _, ...rest }) => this.#onExit({ target: COORDINATOR, ...rest }));
    this.#session.on('restart', ({ id: _, ...rest }) => {
      this.#publish('restart', { target: COORDINATOR, ...rest });
      this.#publishSnapshot();
    });
    this.#session.on('gave-up', (message) => {
      this.#lastIsCurrent = false;
      this.#publish('failed', { target: COORDINATOR, message, at: new Date().toISOString() });
      this.#publishSnapshot();
    });
    this.#session.on('message', (body) => this.#onCoordinatorMessage(body));
  }

  /**
   * Listens to several events at once; the function it returns removes exactly these
   * listeners (a front end's whole subscription is one call to make and one to undo).
   */
  subscribe(handlers: DashboardHandlers): () => void {
    const added: Array<[keyof DashboardEvents, (...args: never[]) => void]> = [];
    for (const key of Object.keys(handlers) as Array<keyof DashboardEvents>) {
      const fn = handlers[key] as ((...args: never[]) => void) | undefined;
      if (!fn) continue;
      this.on(key, fn as never);
      added.push([key, fn]);
    }
    return () => {
      for (const [key, fn] of added.splice(0)) this.off(key, fn as never);
    };
  }

  /** @internal */
  async start(): Promise<void> {
    if (!this.#lean) await this.#session.start();
    this.#vitals = new ProcessVitals();
    this.#vitalsTimer = setInterval(() => this.#sampleVitals(), this.#options.intervalMs);
    // The dashboard's own timers never keep its host alive.
    this.#vitalsTimer.unref();
    this.#probe?.attach();
    this.#accessLog?.start();
  }

  /**
   * Calls every listener of `event`, each on its own: a listener that throws (or an async one
   * that rejects) is reported as a process warning and breaks neither the engine nor the others.
   */
  #publish<K extends keyof DashboardEvents>(event: K, ...args: DashboardEvents[K]): void {
    for (const listener of this.rawListeners(event) as Array<(...a: DashboardEvents[K]) => unknown>) {
      try {
        const result = listener.apply(this, args);
        if (result instanceof Promise) result.catch((err: unknown) => this.#listenerFailed(event, err));
      } catch (err) {
        this.#listenerFailed(event, err);
      }
    }
  }

  #listenerFailed(event: string, err: unknown): void {
    this.#listenerErrors++;
    if (this.#listenerErrors % LISTENER_WARNING_EVERY !== 1) return;
    const why = err instanceof Error ? (err.stack ?? err.message) : String(err);
    process.emitWarning(
      `a '${event}' listener of a threadboard dashboard threw (${this.#listenerErrors} so far); the dashboard carries on`,
      {
        code: 'THREADBOARD_LISTENER_ERROR',
        detail: why,
      },
    );
  }

  #onCoordinatorMessage(body: unknown): void {
    if (!isCoordinatorMessage(body)) return;
    switch (body.type) {
      case 'snapshot':
        this.#accept(body.snapshot);
        this.#publishSnapshot();
        break;
      case 'worker-exit': {
        const { id, ...rest } = body.event;
        this.#onExit({ target: id, ...rest });
        break;
      }
      case 'worker-restart': {
        const { id, ...rest } = body.event;
        const restarts = (this.#restarts.get(id) ?? 0) + 1;
        this.#restarts.set(id, restarts);
        this.#publish('restart', { target: id, ...rest, restarts });
        break;
      }
      case 'group-failed': {
        const { type: _, ...event } = body;
        this.#publish('group-failed', event);
        break;
      }
    }
  }

  #onExit(e: ExitEvent): void {
    this.#recovery.onExit(e);
    this.#publish('exit', e);
    if (e.target !== COORDINATOR) return;
    this.#lastIsCurrent = false;
    this.#publishSnapshot();
  }

  #accept(snap: CoordinatorSnapshot): void {
    this.#last = snap;
    this.#history.offer(snap);
    // From a coordinator that has not reported ready (or already died): kept, but not current.
    if (this.#session.current) this.#lastIsCurrent = true;
  }

  #sampleVitals(): void {
    try {
      this.#errorWindow.add(this.#counters.readLiveTotals());
      const process = this.#vitals?.sample();
      if (process) this.#history.offerProcess(process, Date.now());
      if (this.#lean) this.#sampleLean();
      else this.#session.sampleVitals();
    } catch {
      // A reading Node could not take this time (the host out of some resource): the previous
      // interval's figures stand, and the next tick tries again. A timer must never throw.
    }
    // Outside the guard: app metrics read main's own buffers, whatever Node could not read.
    this.#sampleApp();
    // The process's figures (and their history) and the app metrics are main's own: main pushes
    // them, whether or not the coordinator is up to push anything.
    this.#publishSnapshot();
  }

  #sampleLean(): void {
    this.#last = leanSnapshot(this.#counters, this.#shared.requestsBaseline);
    this.#history.offer(this.#last);
  }

  /** The app metrics' interval figures: on main's timer, and on collect(). */
  #sampleApp(): void {
    if (this.metrics.size === 0) return;
    const now = Date.now();
    this.#appIntervals.sample(this.metrics.read(), now);
    this.#appHistory.offer(this.#appSection(), now);
  }

  #appSection(): AppSection {
    return appSection(this.metrics.read(), (name) => this.#appIntervals.figures(name));
  }

  #snapshot(): DashboardSnapshot {
    const snapshot = this.#assemble();
    // No thread runs in a lean dashboard: nothing of it is stale, and its coordinator is stopped.
    return this.#lean ? { ...snapshot, stale: [], coordinator: { ...snapshot.coordinator, status: 'stopped' } } : snapshot;
  }

  #assemble(): DashboardSnapshot {
    return assembleSnapshot(this.#last, {
      coordinator: this.#session.status(),
      process: this.#vitals?.section ?? null,
      app: this.#appSection(),
      counts: this.#counters.read(),
      restarts: this.#restarts,
      health: {
        thresholds: this.#options.health,
        intervalMs: this.#options.intervalMs,
        nowMs: Date.now(),
        loopSettled: this.#vitals?.settled ?? false,
        errors: this.#errorWindow.reading(),
      },
      startedAt: this.startedAt,
      collectionCount: this.#collections,
      accessLog: this.#accessLog?.stats() ?? null,
    });
  }

  /** Every snapshot main holds goes through here: its listeners, and the recovery watch. */
  #publishSnapshot(): void {
    if (this.listenerCount('snapshot') === 0 && this.listenerCount('health') === 0 && !this.#recovery.waiting) return;
    const snapshot = this.#snapshot();
    for (const r of this.#recovery.onSnapshot(snapshot)) this.#publish('recovered', r);
    if (healthChanged(this.#health, snapshot.health)) {
      this.#health = snapshot.health;
      this.#publish('health', { ...snapshot.health, at: new Date().toISOString() });
    }
    this.#publish('snapshot', snapshot);
  }

  /** Asks every running metric worker for a fresh sample; resolves when all answered (or timed out). */
  async collect(): Promise<CollectReport> {
    if (this.#lean) {
      this.#sampleLean();
      this.#collections += 1;
      return { answered: [], missing: [] };
    }
    // Lines already in the log count as of now, like requests already served (a backlog too
    // big for callTimeoutMs is read on later turns; a log in error never rejects the call).
    await this.#accessLog?.poll(Date.now() + this.#options.callTimeoutMs);
    const { report, snapshot } = await this.#session.call('collect', (api) => api.collect());
    // Fresh interval figures for the app metrics too: collect() means "now, every section".
    this.#sampleApp();
    this.#collections += 1;
    this.#accept(snapshot);
    return report;
  }

  /**
   * The current snapshot. The coordinator pushes one after every change, so this is served
   * from main without a round trip; while the coordinator is down it waits (up to
   * callTimeoutMs) for its replacement's first snapshot. After a failure it resolves with
   * the last snapshot, marked 'failed', its sections stale.
   */
  async getDashboard(): Promise<DashboardSnapshot> {
    const session = this.#session;
    if (session.isFailed || this.#lean) return this.#snapshot();
    const deadline = Date.now() + this.#options.callTimeoutMs;
    while (!(this.#lastIsCurrent && session.current)) {
      let link;
      try {
        link = await session.waitForLink('getDashboard', deadline);
      } catch (err) {
        // Failed while we waited: the last snapshot, marked failed, is the answer.
        if (session.isFailed) return this.#snapshot();
        throw err;
      }
      if (this.#lastIsCurrent) break;
      // Up, but nothing pushed yet: ask for the snapshot once rather than wait for a push.
      const outcome = await raceCall(link, link.api.snapshot(), deadline);
      if (outcome.kind === 'value' && session.current === link) this.#accept(outcome.value);
      else if (outcome.kind === 'timeout') throw new CallTimeoutError('getDashboard', this.#options.callTimeoutMs);
      if (session.isStopped) throw new DashboardStoppedError('getDashboard');
      if (session.isFailed) return this.#snapshot();
    }
    return this.#snapshot();
  }

  /**
   * Chart history of CPU, memory, requests per second and p99 latency, kept by the engine at
   * three resolutions: '2m' (120 points at the sampling interval, at least 1 s), '30m' (10 s
   * points) and '3h' (1 min points). Each point is the mean of the samples in it (the worst,
   * for p99). Served from memory, so it costs no round trip.
   */
  history(span: HistorySpan = '2m'): HistoryView {
    return this.#history.view(span);
  }

  /**
   * Chart history of the app metrics (dash.metrics), in the same spans as history(): for each
   * instrument the figure its sparkline shows, a counter's rate, a gauge's value or a
   * histogram's p99, sampled by main every interval.
   */
  appHistory(span: HistorySpan = '2m'): AppHistoryView {
    return this.#appHistory.view(span);
  }

  /** The newest point of every span: how a front end that keeps a copy of history stays current. */
  historyTails(): Record<HistorySpan, HistoryPoint | null> {
    return this.#history.tails();
  }

  /**
   * The health of the process and the dashboard, now, without waiting on any thread (what
   * /healthz answers): the same assessment as snapshot.health.
   */
  health(): HealthSection {
    return this.#snapshot().health;
  }

  /** Metric workers running now. */
  async workerCount(): Promise<number> {
    if (this.#session.isFailed || this.#lean) return 0;
    return this.#session.call('workerCount', (api) => api.workerCount());
  }

  /** Fault injection: target 'coordinator' or a worker name; how: throw, exit, hang, oom or kill. */
  async crash(target: string, how: FaultKind): Promise<CrashReport> {
    const names = [COORDINATOR, ...this.#options.workers.map((w) => w.name)];
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
    if (this.#lean)
      throw new NotRunningError('threadboard: this dashboard runs lean (a node:cluster worker in a fleet): it has no thread to crash');
    const at = new Date().toISOString();
    if (target === COORDINATOR) {
      await this.#session.waitForLink('crash', Date.now() + this.#options.callTimeoutMs);
      const thread = this.#session.thread();
      if (!thread || thread.threadId === null) {
        throw new NotRunningError('threadboard: the coordinator is not running; try again once it has restarted');
      }
      if (how === 'kill') this.#session.kill();
      else thread.send({ type: 'crash', how });
      return { target, how, threadId: thread.threadId, at };
    }
    const hit = await this.#session.call('crash', (api) => api.crashWorker(target, how), false);
    if (!hit) {
      throw new NotRunningError(
        `threadboard: worker '${target}' is not running right now (it is starting, restarting or failed); try again once it is`,
      );
    }
    return { target, how, threadId: hit.threadId, at };
  }

  /**
   * Records one completed request into the shared counters (a few atomic adds, no message).
   * After stop() it records nothing and warns once: a host that is still draining requests
   * while it shuts down must not get an exception from its monitor.
   */
  recordRequest(record: RequestRecord): void {
    const { durationMs, status } = record ?? ({} as RequestRecord);
    if (typeof durationMs !== 'number' || !(durationMs >= 0) || !Number.isFinite(durationMs)) {
      throw new ArgumentError(`threadboard: recordRequest() needs durationMs as a finite number >= 0; got ${String(durationMs)}`);
    }
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw new ArgumentError(`threadboard: recordRequest() needs status as an HTTP status code 100..599; got ${String(status)}`);
    }
    if (this.#stopping) {
      if (!this.#warnedRecordAfterStop) {
        this.#warnedRecordAfterStop = true;
        process.emitWarning('recordRequest() was called on a stopped threadboard dashboard; the request is not counted', {
          code: 'THREADBOARD_RECORD_AFTER_STOP',
        });
      }
      return;
    }
    this.#counters.record(durationMs, status);
  }

  /**
   * Cluster mode: every node of the fleet this dashboard is part of (the `cluster` option), with
   * fleet totals and the transport's status. The first call starts listening to the fleet and
   * reads the reports stored in Redis, so it shows every node at once; it never waits for a
   * Redis that is away (the transport's status says so). Rejects with NoClusterError without
   * cluster mode.
   */
  async getFleet(): Promise<FleetView> {
    if (!this.#cluster) throw new NoClusterError();
    return this.#cluster.getFleet();
  }

  /** @internal */
  get hasCluster(): boolean {
    return this.#cluster !== null;
  }

  /** @internal The fleet's cumulative latency histogram for /metrics, or null without cluster mode. */
  fleetHistogram(): { counts: Float64Array; sumMicros: number } | null {
    return this.#cluster?.fleetHistogram() ?? null;
  }

  /** @internal The fleet's app metrics merged (buckets included) for /metrics; empty without cluster mode. */
  fleetAppMetrics(): AppReading[] {
    return this.#cluster?.fleetAppMetrics() ?? [];
  }

  /** @internal Attached by the composition root; closed before the threads stop. */
  attachCluster(cluster: AttachedCluster): void {
    this.#cluster = cluster;
    this.#closers.push(() => cluster.close());
  }

  /** @internal The snapshot as main holds it now, without waiting (what a cluster report is made of). */
  snapshotNow(): DashboardSnapshot {
    return this.#snapshot();
  }

  /** @internal dash.metrics read now, for a cluster report (cumulative values, which a fleet adds up). */
  appReadings(): AppReading[] {
    return this.metrics.read();
  }

  /** @internal */
  hasFleetListeners(): boolean {
    return this.listenerCount('fleet') > 0;
  }

  /** @internal Pushes a fleet view to 'fleet' listeners, each isolated like every listener. */
  emitFleet(view: FleetView): boolean {
    if (this.listenerCount('fleet') === 0) return false;
    this.#publish('fleet', view);
    return true;
  }

  /** The live page's address when started with the `web` option, else null. */
  get webUrl(): string | null {
    return this.#web;
  }

  /** @internal A front end attached to this dashboard: closed before the threads stop. */
  attachFrontEnd(frontEnd: { url?: string; close(): Promise<void> }): void {
    if (frontEnd.url) this.#web = frontEnd.url;
    this.#closers.push(() => frontEnd.close());
  }

  /** @internal A server whose requests are not the user's traffic (the dashboard's own web server). */
  excludeFromProbe(server: HttpServer): void {
    this.#probe?.exclude(server);
  }

  /** @internal Counters since start for /metrics: process CPU seconds and GC pauses by kind. */
  processTotals(): ProcessTotals | null {
    return this.#vitals?.totals() ?? null;
  }

  /**
   * The request counts since the dashboard started, read now from the shared counters: the same
   * reading the snapshot's totals and /metrics come from. Exact across every thread crash.
   */
  requestCounts(): RequestCounts {
    return this.#counters.read();
  }

  get isFailed(): boolean {
    return this.#session.isFailed;
  }

  /**
   * Stops every thread this dashboard started; resolves when they are gone. Idempotent: every
   * call, concurrent or later, resolves only once everything is released.
   */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    if (this.#vitalsTimer) clearInterval(this.#vitalsTimer);
    this.#vitalsTimer = null;
    this.#vitals?.stop();
    for (const close of this.#closers.splice(0).reverse()) await close().catch(() => undefined);
    this.#web = null;
    this.#probe?.detach();
    await this.#accessLog?.stop();
    await this.#session.stop();
  }
}

/** @internal The engine alone: the coordinator and its metric workers (startDashboard() adds the front ends). */
export async function startEngine(options?: EngineOptions, mode: EngineMode = { lean: false }): Promise<Dashboard> {
  const resolved = resolveOptions(options, builtinFile);
  const main = resolveMainThreadOptions(options);
  const dash = new Dashboard(resolved, main, mode);
  try {
    await dash.start();
  } catch (err) {
    await dash.stop();
    throw err;
  }
  return dash;
}
