/**
 * One incarnation of a supervised thread: spawns the Worker, runs its watchdog, and reports
 * exactly one classified exit. The Supervisor creates a new ChildThread for every restart, so
 * nothing from a dead thread (its heartbeat cell, its listeners) can leak into its replacement.
 */
import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';
import { isControlToParent, type ControlToChild } from '../protocol/control.js';
import { classifyExit, type ExitClass, type TerminationCause } from './exit-reason.js';
import { workerExecArgv } from './exec-argv.js';
import { beatVitals, createHeartbeatCell, heartbeatPeriodFor, msSinceBeat, SUPERVISED_KEY, type SupervisedData } from './heartbeat.js';
import { NO_VITALS, type ChildSpec, type ThreadVitals } from './types.js';

type Elu = ReturnType<Worker['performance']['eventLoopUtilization']>;

/** A watchdog woken this much later than it asked (at least) means its own thread was not running. */
const LATE_WAKE_MS = 250;

export interface ChildThreadEvents {
  ready: [];
  message: [body: unknown];
  exit: [cls: ExitClass];
}

/**
 * The thread's name: `tb:coordinator`, `tb:cpu`, `tb:<custom worker>`. Node 24 gives it to the OS
 * thread (cut to 15 bytes on Linux), so `top -H`, `ps -L` and /proc/<pid>/task/<tid>/comm tell the
 * dashboard's threads from the host's; Node 22 only exposes it as `worker.threadName`; Node 20
 * shows it in the inspector's title alone. Every version since 16.14 accepts a string here.
 */
function threadName(id: string): string {
  return `tb:${id}`;
}

export class ChildThread extends EventEmitter<ChildThreadEvents> {
  /** null when the Worker could not be created at all (its exit is then reported on the next turn). */
  readonly threadId: number | null;
  private readonly worker: Worker | null;
  private readonly heartbeat = createHeartbeatCell();
  private watchdog: NodeJS.Timeout | null = null;
  private error: unknown = undefined;
  private terminatedFor: TerminationCause | null = null;
  private ready = false;
  private hangDetail = '';
  private exited = false;
  private readonly exitPromise: Promise<void>;
  private resolveExit!: () => void;
  private lastElu: Elu | null = null;
  private watchdogDueAt = 0;
  private lastCpu: { micros: number; atMs: number } | null = null;
  private vitalsNow: ThreadVitals = NO_VITALS;

  constructor(private readonly spec: ChildSpec) {
    super();
    this.exitPromise = new Promise((resolve) => (this.resolveExit = resolve));
    this.worker = this.spawn();
    this.threadId = this.worker?.threadId ?? null;
    if (!this.worker) {
      // new Worker() itself threw (EAGAIN creating the thread, EMFILE for its ports, a bad
      // execArgv): an exit like any other, reported once the caller has attached its listeners.
      setImmediate(() => this.onExit(1));
      return;
    }
    const worker = this.worker;
    worker.on('message', (msg: unknown) => this.onMessage(msg));
    worker.on('error', (err) => {
      // Only the first error matters: it is what killed the thread.
      if (this.error === undefined) this.error = err;
    });
    worker.once('exit', (code) => this.onExit(code));
    this.armWatchdog(this.spec.startTimeoutMs);
  }

  private spawn(): Worker | null {
    try {
      const prepared = this.spec.prepare?.() ?? {};
      const supervised: SupervisedData = {
        name: this.spec.id,
        heartbeat: this.heartbeat,
        heartbeatMs: heartbeatPeriodFor(this.spec.hangTimeoutMs),
      };
      return new Worker(this.spec.file, {
        name: threadName(this.spec.id),
        workerData: { ...prepared.workerData, [SUPERVISED_KEY]: supervised },
        ...(prepared.transferList ? { transferList: prepared.transferList } : {}),
        execArgv: workerExecArgv(process.execArgv),
        ...(this.spec.resourceLimits ? { resourceLimits: this.spec.resourceLimits } : {}),
      });
    } catch (err) {
      this.error = err;
      return null;
    }
  }

  /** The vitals as of the last sampleVitals(). */
  get vitals(): ThreadVitals {
    return this.vitalsNow;
  }

  /**
   * Measures the thread since the previous call: event-loop utilization from this side
   * (Node's own accounting of the thread's loop), heap and CPU time from its last heartbeat.
   */
  sampleVitals(nowMs = Date.now()): ThreadVitals {
    if (!this.worker || this.exited || !this.ready) return (this.vitalsNow = NO_VITALS);
    const perf = this.worker.performance;
    const elu = perf.eventLoopUtilization();
    const utilization = this.lastElu ? perf.eventLoopUtilization(elu, this.lastElu).utilization : elu.utilization;
    this.lastElu = elu;
    const beat = beatVitals(this.heartbeat);
    let cpuPercent: number | null = null;
    if (beat?.cpuMicros != null) {
      const last = this.lastCpu;
      if (last && nowMs > last.atMs) cpuPercent = Math.max(0, (beat.cpuMicros - last.micros) / ((nowMs - last.atMs) * 10));
      this.lastCpu = { micros: beat.cpuMicros, atMs: nowMs };
    }
    this.vitalsNow = {
      eventLoopUtilization: Number.isFinite(utilization) ? Math.round(utilization * 1000) / 1000 : null,
      heapUsedBytes: beat?.heapUsedBytes ?? null,
      cpuPercent: cpuPercent === null ? null : Math.round(cpuPercent * 10) / 10,
    };
    return this.vitalsNow;
  }

  get isReady(): boolean {
    return this.ready;
  }

  get hasExited(): boolean {
    return this.exited;
  }

  send(msg: ControlToChild): void {
    if (!this.exited) this.worker?.postMessage(msg);
  }

  /** Terminates the thread now, remembering why so the exit is classified correctly. */
  terminate(cause: TerminationCause): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.terminatedFor ??= cause;
    this.worker?.terminate().catch(() => undefined);
    return this.exitPromise;
  }

  /**
   * Asks the thread to stop itself; terminates it if it has not within shutdownMs, or as soon
   * as its heartbeat goes stale (a hung thread cannot run its stop handler).
   */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.terminatedFor ??= 'shutdown';
    this.send({ type: 'stop' });
    const period = heartbeatPeriodFor(this.spec.hangTimeoutMs);
    const giveUpAt = Date.now() + this.spec.shutdownMs;
    const stale = (): boolean => {
      const since = msSinceBeat(this.heartbeat);
      return this.ready && (since === null || since > 2 * period);
    };
    while (!this.exited && !stale() && Date.now() < giveUpAt) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exitPromise, new Promise((r) => (timer = setTimeout(r, period)))]);
      clearTimeout(timer);
    }
    if (!this.exited) await this.terminate('shutdown');
  }

  private onMessage(msg: unknown): void {
    if (!isControlToParent(msg)) return;
    if (msg.type === 'ready') {
      if (this.ready) return;
      this.ready = true;
      this.armWatchdog(this.spec.hangTimeoutMs);
      this.emit('ready');
    } else {
      this.emit('message', msg.body);
    }
  }

  /**
   * Sleeps until the deadline could have passed, then checks the stamp. Before 'ready' the
   * deadline is the start timeout; after it, the hang timeout measured from the last beat.
   */
  private armWatchdog(delayMs: number): void {
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdogDueAt = performance.now() + delayMs;
    this.watchdog = setTimeout(() => this.checkWatchdog(), delayMs);
    // The watchdog must never be what keeps a host process alive.
    this.watchdog.unref();
  }

  private checkWatchdog(): void {
    this.watchdog = null;
    if (this.exited) return;
    // Woken far later than it asked: this thread did not run either (the process was stopped,
    // Ctrl-Z or SIGSTOP, or its loop was blocked), so silence from the child proves nothing
    // yet. The clock kept running through the stop; give the child a whole deadline from now.
    const late = performance.now() - this.watchdogDueAt;
    if (late > Math.max(LATE_WAKE_MS, this.spec.hangTimeoutMs / 2)) {
      this.armWatchdog(this.ready ? this.spec.hangTimeoutMs : this.spec.startTimeoutMs);
      return;
    }
    if (!this.ready) {
      this.hangDetail = `did not report ready within ${this.spec.startTimeoutMs} ms; terminated by the watchdog`;
      void this.terminate('hang');
      return;
    }
    const since = msSinceBeat(this.heartbeat);
    const deadline = this.spec.hangTimeoutMs;
    if (since === null || since >= deadline) {
      this.hangDetail = `no heartbeat for ${Math.round(since ?? deadline)} ms (deadline ${deadline} ms); terminated by the watchdog`;
      void this.terminate('hang');
    } else {
      this.armWatchdog(Math.max(1, Math.ceil(deadline - since)));
    }
  }

  private onExit(exitCode: number): void {
    if (this.exited) return;
    this.exited = true;
    if (this.watchdog) clearTimeout(this.watchdog);
    this.watchdog = null;
    if (this.worker) {
      this.worker.removeAllListeners();
      // A stray 'error' after 'exit' must find a listener: an unheard 'error' event throws into the host.
      this.worker.on('error', () => undefined);
    }
    this.resolveExit();
    const cls = classifyExit({
      error: this.error,
      exitCode,
      terminatedFor: this.terminatedFor,
      hangDetail: this.hangDetail,
    });
    this.emit('exit', cls);
    this.removeAllListeners();
  }
}
