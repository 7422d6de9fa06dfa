/** Lifecycle events a Dashboard emits. `target` is 'coordinator' or a metric worker's name. */
import type { DashboardSnapshot, ExitReason } from './snapshot.js';

export interface ExitEvent {
  target: string;
  threadId: number;
  reason: ExitReason;
  message: string;
  at: string;
  /** False when the thread stays down: a temporary worker, or a supervisor that gave up. */
  willRestart: boolean;
}

export interface RestartEvent {
  target: string;
  /** Restarts of this target so far, this one included. */
  restarts: number;
  oldThreadId: number | null;
  newThreadId: number;
  /** Backoff waited before spawning the replacement. */
  delayMs: number;
  /** From the old thread's exit to the replacement reporting ready. */
  downtimeMs: number;
  at: string;
}

export interface FailedEvent {
  target: 'coordinator';
  message: string;
  at: string;
}

export interface DashboardEvents {
  snapshot: [snapshot: DashboardSnapshot];
  exit: [event: ExitEvent];
  restart: [event: RestartEvent];
  /** The root supervisor gave up: the dashboard is down for good, the host process is not. */
  failed: [event: FailedEvent];
}

export interface CrashReport {
  target: string;
  how: string;
  /** The thread the fault was injected into (the one that dies). */
  threadId: number;
  at: string;
}
