/**
 * Recovery, one rule for every front end: from a thread's death to its replacement's first
 * sample in a snapshot. For a coordinator, its first fresh sample from any of its new workers
 * (its sections were carried over, so only a sample newer than the death counts).
 */
import type { ExitEvent, RecoveredEvent } from '../events.js';
import type { DashboardSnapshot } from '../snapshot.js';

export const COORDINATOR = 'coordinator';

export class RecoveryWatch {
  private readonly pending = new Map<string, number>();

  /** Whether a recovery is awaited (snapshots must then be looked at even with no listener). */
  get waiting(): boolean {
    return this.pending.size > 0;
  }

  onExit(e: ExitEvent): void {
    if (e.willRestart) this.pending.set(e.target, Date.parse(e.at));
    else this.pending.delete(e.target);
  }

  /** The targets that recovered in this snapshot. */
  onSnapshot(s: DashboardSnapshot): RecoveredEvent[] {
    const done: RecoveredEvent[] = [];
    for (const [target, diedAt] of this.pending) {
      const found = target === COORDINATOR ? coordinatorSample(s) : workerSample(s, target);
      if (!found) continue;
      const t = Date.parse(found.at);
      if (!(t > diedAt)) continue;
      done.push({ target, threadId: found.threadId, diedAt: new Date(diedAt).toISOString(), at: found.at, ms: t - diedAt });
      this.pending.delete(target);
    }
    return done;
  }
}

function coordinatorSample(s: DashboardSnapshot): { at: string; threadId: number } | null {
  const { status, threadId } = s.coordinator;
  return status === 'running' && threadId !== null && s.lastUpdated !== null ? { at: s.lastUpdated, threadId } : null;
}

function workerSample(s: DashboardSnapshot, name: string): { at: string; threadId: number } | null {
  const w = s.workers.find((x) => x.name === name);
  return w && w.status === 'running' && w.threadId !== null && w.lastSampleAt !== null
    ? { at: w.lastSampleAt, threadId: w.threadId }
    : null;
}
