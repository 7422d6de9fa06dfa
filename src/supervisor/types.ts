/**
 * The supervisor's vocabulary (OTP's, in Node terms). It is owned here: the snapshot and the
 * events re-export these types; the supervisor imports nothing from the layers above it.
 */
import type { ResourceLimits, TransferListItem } from 'node:worker_threads';

export type RestartType = 'permanent' | 'transient' | 'temporary';
export type Strategy = 'one_for_one' | 'one_for_all' | 'rest_for_one';
export type WorkerStatus = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';

/**
 * Why a thread ended on its own: an uncaught error, process.exit(code), heap exhaustion under
 * its resourceLimits, no heartbeat within the deadline, terminated from outside, or a
 * transient shortage of a system resource (EMFILE, ENFILE, EAGAIN) that says nothing about
 * the thread's code and is retried without counting toward the restart intensity.
 */
export type ExitReason = 'error' | 'exit' | 'oom' | 'hang' | 'killed' | 'resource';
export const EXIT_REASONS: readonly ExitReason[] = ['error', 'exit', 'oom', 'hang', 'killed', 'resource'];

export interface ExitInfo {
  reason: ExitReason;
  message: string;
  at: string;
}

export interface ChildSpec {
  id: string;
  file: URL;
  restart: RestartType;
  /** How long a graceful stop may take before the thread is terminated. */
  shutdownMs: number;
  /** No heartbeat for this long and the watchdog terminates the thread (reason 'hang'). */
  hangTimeoutMs: number;
  /** The thread must report ready within this long after spawn. */
  startTimeoutMs: number;
  resourceLimits?: ResourceLimits | undefined;
  /** Called for each incarnation: fresh workerData and transferables (ports cannot be reused). */
  prepare?: () => { workerData?: Record<string, unknown>; transferList?: TransferListItem[] };
}

export interface ChildExitEvent {
  id: string;
  /** null when the thread could not even be created (e.g. EAGAIN from the OS). */
  threadId: number | null;
  reason: ExitReason;
  message: string;
  at: string;
  /** Whether the supervisor will restart it (false: temporary child, normal exit, or giving up). */
  willRestart: boolean;
}

export interface ChildRestartEvent {
  id: string;
  restarts: number;
  oldThreadId: number | null;
  newThreadId: number;
  /** Backoff applied before the new thread was spawned. */
  delayMs: number;
  /** From the old thread's exit to the new thread reporting ready. */
  downtimeMs: number;
  at: string;
}

/** How a thread is doing, measured over the last interval. null: not known (not running, or not on this Node). */
export interface ThreadVitals {
  /** Share of the interval its event loop was busy, 0..1. */
  eventLoopUtilization: number | null;
  heapUsedBytes: number | null;
  /** CPU time of this thread alone, % of one core (Node 23.9+: process.threadCpuUsage). */
  cpuPercent: number | null;
}

export const NO_VITALS: ThreadVitals = Object.freeze({ eventLoopUtilization: null, heapUsedBytes: null, cpuPercent: null });

export interface ChildStatus {
  id: string;
  status: WorkerStatus;
  /** Replacements that came up under this supervisor. */
  restarts: number;
  threadId: number | null;
  startedAt: string | null;
  lastExit: ExitInfo | null;
  vitals: ThreadVitals;
}
