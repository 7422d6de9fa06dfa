/**
 * The snapshot main hands out: the coordinator's part, plus what only main knows (the
 * collection count, the access log, the coordinator's own status). Main is the single source of
 * thread status: while the coordinator is not running, its workers are not either, whatever the
 * last snapshot from it said, and every section it held is stale.
 */
import type { AccessLogSection, CoordinatorSnapshot, DashboardSnapshot, SampleSeed, WorkerInfo } from '../snapshot.js';
import type { ChildStatus } from '../supervisor/types.js';

export interface MainFacts {
  coordinator: ChildStatus;
  /** When the dashboard started: the coordinator's startedAt before it first reports. */
  startedAt: string;
  collectionCount: number;
  accessLog: AccessLogSection | null;
}

export function assembleSnapshot(snap: CoordinatorSnapshot | null, main: MainFacts): DashboardSnapshot {
  const c = main.coordinator;
  const up = c.status === 'running';
  const downAs = c.status === 'failed' ? 'failed' : c.status === 'stopped' ? 'stopped' : 'restarting';
  const workers: WorkerInfo[] = (snap?.workers ?? []).map((w) => (up ? w : { ...w, status: downAs, threadId: null }));
  const sections = (s: CoordinatorSnapshot): string[] => [
    ...(['cpu', 'memory', 'requests'] as const).filter((k) => s[k] !== null),
    ...Object.keys(s.custom),
  ];
  return {
    cpu: snap?.cpu ?? null,
    memory: snap?.memory ?? null,
    requests: snap?.requests ?? null,
    custom: snap?.custom ?? {},
    stale: snap ? (up ? snap.stale : sections(snap)) : [],
    lastUpdated: snap?.lastUpdated ?? null,
    collectionCount: main.collectionCount,
    accessLog: main.accessLog,
    channel: snap?.channel ?? { received: 0, rejected: 0 },
    coordinator: {
      status: c.status,
      restarts: c.restarts,
      threadId: c.threadId,
      startedAt: c.startedAt ?? main.startedAt,
      lastExit: c.lastExit,
    },
    workers,
  };
}

/** The seed for a new coordinator, from the last snapshot of the old one. */
export function seedFrom(snap: CoordinatorSnapshot | null): SampleSeed | null {
  if (!snap) return null;
  const lastSampleMs: Record<string, number> = {};
  for (const w of snap.workers) if (w.lastSampleAt !== null) lastSampleMs[w.name] = Date.parse(w.lastSampleAt);
  return { cpu: snap.cpu, memory: snap.memory, requests: snap.requests, custom: snap.custom, lastSampleMs };
}
