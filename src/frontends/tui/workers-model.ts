/**
 * The rows of the workers table: the latest snapshot, corrected by exit and restart events
 * that arrived after it. Events matter because a dead coordinator pushes no snapshot: without
 * them the table would show a crashed coordinator as running until its replacement spoke.
 *
 * It also keeps what the snapshot lacks: when each thread started, for the uptime column.
 */
import type { ExitEvent, RestartEvent } from '../../events.js';
import type { DashboardSnapshot, ExitReason, WorkerStatus } from '../../snapshot.js';

export const COORDINATOR = 'coordinator';

export interface WorkerRow {
  name: string;
  threadId: number | null;
  status: WorkerStatus;
  restarts: number;
  /** Epoch ms the current thread started, or null when none runs. */
  since: number | null;
  lastExit: { reason: ExitReason; message: string; at: number } | null;
}

type Patch = Partial<Omit<WorkerRow, 'name'>>;

export class WorkersModel {
  private base: WorkerRow[] = [];
  private patches = new Map<string, Patch>();
  /** The start time of each thread we know of, by name: survives snapshots that omit it. */
  private starts = new Map<string, { threadId: number; since: number }>();
  /** Start times learnt from restart events, by `${name}:${threadId}`. */
  private restartedAt = new Map<string, number>();
  private coordinatorSince: number | null = null;

  /** A snapshot is the truth as of its arrival: it replaces every earlier correction. */
  applySnapshot(s: DashboardSnapshot, nowMs: number): void {
    this.patches.clear();
    const coordinatorSince = Date.parse(s.coordinator.startedAt);
    const coordinatorRestarted = this.coordinatorSince !== null && coordinatorSince > this.coordinatorSince;
    this.coordinatorSince = coordinatorSince;
    const rows: WorkerRow[] = [
      {
        name: COORDINATOR,
        threadId: s.coordinator.threadId,
        status: s.coordinator.status,
        restarts: s.coordinator.restarts,
        since: s.coordinator.status === 'running' ? coordinatorSince : null,
        lastExit: exitOf(s.coordinator.lastExit),
      },
    ];
    for (const w of s.workers) {
      rows.push({
        name: w.name,
        threadId: w.threadId,
        status: w.status,
        restarts: w.restarts,
        since: w.threadId === null ? null : this.startOf(w.name, w.threadId, coordinatorSince, coordinatorRestarted, nowMs),
        lastExit: exitOf(w.lastExit),
      });
    }
    this.base = rows;
  }

  private startOf(name: string, threadId: number, coordinatorSince: number, coordinatorRestarted: boolean, nowMs: number): number {
    const known = this.starts.get(name);
    if (known && known.threadId === threadId) return known.since;
    // A new thread: the restart event knows when it started; else it came with a new
    // coordinator (or with the first one); else we only just learnt of it.
    const since = this.restartedAt.get(`${name}:${threadId}`) ?? (!known || coordinatorRestarted ? coordinatorSince : nowMs);
    this.starts.set(name, { threadId, since });
    return since;
  }

  applyExit(e: ExitEvent): void {
    const at = Date.parse(e.at);
    const down: Patch = {
      status: e.willRestart ? 'restarting' : 'failed',
      threadId: null,
      since: null,
      lastExit: { reason: e.reason, message: e.message, at },
    };
    this.patch(e.target, down);
    // A coordinator takes its workers with it.
    if (e.target === COORDINATOR) {
      for (const row of this.base)
        if (row.name !== COORDINATOR)
          this.patch(row.name, { status: e.willRestart ? 'restarting' : 'failed', threadId: null, since: null });
    }
  }

  applyRestart(e: RestartEvent): void {
    const at = Date.parse(e.at);
    this.restartedAt.set(`${e.target}:${e.newThreadId}`, at);
    if (e.target === COORDINATOR) this.coordinatorSince = at;
    this.starts.set(e.target, { threadId: e.newThreadId, since: at });
    this.patch(e.target, { status: 'running', threadId: e.newThreadId, restarts: e.restarts, since: at });
  }

  markFailed(): void {
    for (const row of this.base) this.patch(row.name, { status: 'failed', threadId: null, since: null });
  }

  private patch(name: string, p: Patch): void {
    this.patches.set(name, { ...this.patches.get(name), ...p });
  }

  rows(): WorkerRow[] {
    return this.base.map((row) => ({ ...row, ...this.patches.get(row.name) }));
  }
}

function exitOf(e: { reason: ExitReason; message: string; at: string } | null): WorkerRow['lastExit'] {
  return e ? { reason: e.reason, message: e.message, at: Date.parse(e.at) } : null;
}
