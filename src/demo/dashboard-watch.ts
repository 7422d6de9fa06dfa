/**
 * Waits on a Dashboard without polling: records its exit and restart events and its latest
 * pushed snapshot, and re-checks a condition whenever one of them arrives.
 */
import type { Dashboard } from '../main/dashboard.js';
import type { ExitEvent, RestartEvent } from '../events.js';
import type { DashboardSnapshot } from '../snapshot.js';

export class WaitTimeoutError extends Error {}

export class DashboardWatch {
  readonly exits: ExitEvent[] = [];
  readonly restarts: RestartEvent[] = [];
  snapshot: DashboardSnapshot | null = null;
  private readonly checks = new Set<() => void>();
  private readonly onExit = (e: ExitEvent): void => this.record(() => this.exits.push(e));
  private readonly onRestart = (e: RestartEvent): void => this.record(() => this.restarts.push(e));
  private readonly onSnapshot = (s: DashboardSnapshot): void => this.record(() => (this.snapshot = s));

  constructor(private readonly dash: Dashboard) {
    dash.on('exit', this.onExit);
    dash.on('restart', this.onRestart);
    dash.on('snapshot', this.onSnapshot);
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
    this.dash.off('exit', this.onExit);
    this.dash.off('restart', this.onRestart);
    this.dash.off('snapshot', this.onSnapshot);
    this.checks.clear();
  }
}

/** Every thread running and every worker sampled: the snapshot, or null. */
export function healthy(s: DashboardSnapshot | null): DashboardSnapshot | null {
  if (!s || s.coordinator.status !== 'running') return null;
  return s.workers.every((w) => w.status === 'running' && w.threadId !== null && w.lastSampleAt !== null) ? s : null;
}

/** The replacement's first sample after the crash, as epoch ms, if the snapshot has it. */
export function freshSampleAt(s: DashboardSnapshot | null, target: string, newThreadId: number, crashAt: number): number | null {
  if (!s) return null;
  let at: string | null;
  if (target === 'coordinator') {
    // A new coordinator starts from an empty state: any sample it holds came from its own workers.
    at = s.coordinator.threadId === newThreadId ? s.lastUpdated : null;
  } else {
    const w = s.workers.find((x) => x.name === target);
    at = w && w.threadId === newThreadId ? w.lastSampleAt : null;
  }
  const ms = at === null ? NaN : Date.parse(at);
  return ms > crashAt ? ms : null;
}
