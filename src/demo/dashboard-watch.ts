/**
 * Waits on a Dashboard without polling: records its exit, restart and recovered events and its
 * latest pushed snapshot, and re-checks a condition whenever one of them arrives.
 */
import type { Dashboard } from '../main/dashboard.js';
import type { ExitEvent, RecoveredEvent, RestartEvent } from '../events.js';
import type { DashboardSnapshot } from '../snapshot.js';

export class WaitTimeoutError extends Error {}

export class DashboardWatch {
  readonly exits: ExitEvent[] = [];
  readonly restarts: RestartEvent[] = [];
  readonly recoveries: RecoveredEvent[] = [];
  snapshot: DashboardSnapshot | null = null;
  private readonly checks = new Set<() => void>();
  private readonly unsubscribe: () => void;

  constructor(dash: Dashboard) {
    this.unsubscribe = dash.subscribe({
      exit: (e) => this.record(() => this.exits.push(e)),
      restart: (e) => this.record(() => this.restarts.push(e)),
      recovered: (e) => this.record(() => this.recoveries.push(e)),
      snapshot: (s) => this.record(() => (this.snapshot = s)),
    });
  }

  private record(apply: () => void): void {
    apply();
    for (const check of [...this.checks]) check();
  }

  /** Resolves with the first non-null value of `check`, evaluated now and after every event. */
  waitFor<T>(what: string, check: () => T | null, timeoutMs: number): Promise<T> {
    return new Promise((resolve, reject) => {
      const run = (): void => {
        const value = check();
        if (value === null) return;
        done();
        resolve(value);
      };
      const timer = setTimeout(() => {
        done();
        reject(new WaitTimeoutError(`${what} did not happen within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.checks.delete(run);
      };
      this.checks.add(run);
      run();
    });
  }

  close(): void {
    this.unsubscribe();
    this.checks.clear();
  }
}

/** Every thread running and every worker sampled: the snapshot, or null. */
export function healthy(s: DashboardSnapshot | null): DashboardSnapshot | null {
  if (!s || s.coordinator.status !== 'running') return null;
  return s.workers.every((w) => w.status === 'running' && w.threadId !== null && w.lastSampleAt !== null) ? s : null;
}
