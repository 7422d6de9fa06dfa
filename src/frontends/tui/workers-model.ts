/**
 * The rows of the workers table, read off a snapshot and nothing else: the engine pushes one on
 * every change of thread status (a coordinator's death included), carries each thread's start
 * time, and counts restarts since the dashboard started, so a front end has nothing to patch.
 */
import type { DashboardSnapshot, ExitInfo, ExitReason, ThreadHealth, WorkerStatus } from '../../snapshot.js';

export const COORDINATOR = 'coordinator';

export interface WorkerRow {
  name: string;
  threadId: number | null;
  status: WorkerStatus;
  /** Restarts since the dashboard started. */
  restarts: number;
  /** Epoch ms the current thread started, or null when none runs. */
  since: number | null;
  lastExit: { reason: ExitReason; message: string; at: number } | null;
  /** Event-loop utilization (0..1), heap (MiB) and CPU (% of a core) over the last interval; null when unknown. */
  elu: number | null;
  heapMiB: number | null;
  cpuPercent: number | null;
}

const vitals = (t: ThreadHealth): Pick<WorkerRow, 'elu' | 'heapMiB' | 'cpuPercent'> => ({
  elu: t.eventLoopUtilization,
  heapMiB: t.heapUsedMiB,
  cpuPercent: t.cpuPercent,
});

/** The coordinator first, then the metric workers in the snapshot's order. */
export function workerRows(s: DashboardSnapshot | null): WorkerRow[] {
  if (!s) return [];
  const c = s.coordinator;
  return [
    {
      name: COORDINATOR,
      threadId: c.threadId,
      status: c.status,
      restarts: c.restarts,
      // The coordinator's startedAt stays set while it is down (it is the last one's): no uptime then.
      since: c.status === 'running' ? epoch(c.startedAt) : null,
      lastExit: exitOf(c.lastExit),
      ...vitals(c),
    },
    ...s.workers.map((w) => ({
      name: w.name,
      threadId: w.threadId,
      status: w.status,
      restarts: w.restarts,
      since: epoch(w.startedAt),
      lastExit: exitOf(w.lastExit),
      ...vitals(w),
    })),
  ];
}

function epoch(iso: string | null): number | null {
  const t = iso === null ? NaN : Date.parse(iso);
  return Number.isFinite(t) ? t : null;
}

function exitOf(e: ExitInfo | null): WorkerRow['lastExit'] {
  const at = e ? epoch(e.at) : null;
  return e && at !== null ? { reason: e.reason, message: e.message, at } : null;
}
