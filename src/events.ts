/** Lifecycle events a Dashboard emits. `target` is 'coordinator' or a metric worker's name. */
import type { AccessLogProblem, AccessLogStatus, DashboardSnapshot, HealthSection } from './snapshot.js';
import type { ChildExitEvent, ChildRestartEvent } from './supervisor/types.js';

/** A thread ended. `willRestart` is false for a temporary worker, or a supervisor that gave up. */
export type ExitEvent = { target: string } & Omit<ChildExitEvent, 'id'>;

/** A replacement reported ready; `downtimeMs` runs from the old thread's exit to that moment. */
export type RestartEvent = { target: string } & Omit<ChildRestartEvent, 'id'>;

export interface FailedEvent {
  target: 'coordinator';
  message: string;
  at: string;
}

/** A custom workers' group gave up (restart intensity exceeded): its workers stay down, the rest carry on. */
export interface GroupFailedEvent {
  group: string;
  workers: string[];
  message: string;
  at: string;
}

/** The access-log follower changed state (another status, or another error code). */
export interface AccessLogEvent {
  path: string;
  status: AccessLogStatus;
  /** The status as one line for people (snapshot.accessLog.detail). */
  detail: string;
  error: AccessLogProblem | null;
  at: string;
}

/**
 * A restarted thread delivered its first fresh sample. For the coordinator: the first sample
 * from any of the workers it re-created.
 */
export interface RecoveredEvent {
  target: string;
  /** The replacement's thread. */
  threadId: number;
  /** When the old thread died (ISO 8601). */
  diedAt: string;
  /** The replacement's first fresh sample (ISO 8601). */
  at: string;
  /** From the death to that sample. */
  ms: number;
}

/** snapshot.health changed (its status, or any check's): the new assessment. */
export type HealthEvent = HealthSection & { at: string };

export interface DashboardEvents {
  snapshot: [snapshot: DashboardSnapshot];
  exit: [event: ExitEvent];
  restart: [event: RestartEvent];
  /** A restarted thread delivered its first fresh sample: from its death to that sample. */
  recovered: [event: RecoveredEvent];
  /** The root supervisor gave up: the dashboard is down for good, the host process is not. */
  failed: [event: FailedEvent];
  'group-failed': [event: GroupFailedEvent];
  /** The dashboard's health changed (see snapshot.health). */
  health: [event: HealthEvent];
  /** The access log became readable, went missing, or could not be read (see AccessLogEvent). */
  'access-log': [event: AccessLogEvent];
}

export interface CrashReport {
  target: string;
  how: string;
  /** The thread the fault was injected into (the one that dies). */
  threadId: number;
  at: string;
}
