/**
 * The snapshot main hands out: the coordinator's part, plus what only main knows (the
 * collection count, the access log, the coordinator's own status, the process's vitals, the
 * host's app metrics). Main is the single source of
 * thread status: while the coordinator is not running, its workers are not either, whatever the
 * last snapshot from it said, and every section it held is stale.
 */
import {
  NO_THREAD_HEALTH,
  threadHealth,
  type AccessLogSection,
  type AppSection,
  type CoordinatorSnapshot,
  type DashboardSnapshot,
  type ProcessSection,
  type SampleSeed,
  type WorkerInfo,
} from '../snapshot.js';
import type { RequestCounts } from '../shared/request-counters.js';
import { assessHealth, type HealthContext } from './health.js';
import type { ChildStatus } from '../supervisor/types.js';

export interface MainFacts {
  coordinator: ChildStatus;
  /** The shared request counters, read now: the one reading of the request counts. */
  counts: RequestCounts;
  /** Restarts of each metric worker since the dashboard started, counted by main across coordinators. */
  restarts: ReadonlyMap<string, number>;
  /** When the dashboard started: the coordinator's startedAt before it first reports. */
  startedAt: string;
  collectionCount: number;
  accessLog: AccessLogSection | null;
  /** The host process over the last interval (process-vitals.ts), or null before the first. */
  process: ProcessSection | null;
  /** The host's own metrics (app-metrics/section.ts): main's alone, whatever the threads do. */
  app: AppSection;
  health: HealthContext;
}

export function assembleSnapshot(snap: CoordinatorSnapshot | null, main: MainFacts): DashboardSnapshot {
  const c = main.coordinator;
  const up = c.status === 'running';
  const downAs = c.status === 'failed' ? 'failed' : c.status === 'stopped' ? 'stopped' : 'restarting';
  const workers: WorkerInfo[] = (snap?.workers ?? []).map((w) => {
    const restarts = main.restarts.get(w.name) ?? 0;
    return up ? { ...w, restarts } : { ...w, restarts, status: downAs, threadId: null, startedAt: null, ...NO_THREAD_HEALTH };
  });
  const interval = snap?.requests ?? null;
  const { counts } = main;
  const sections = (s: CoordinatorSnapshot): string[] => [
    ...(['cpu', 'memory', 'requests'] as const).filter((k) => s[k] !== null),
    ...Object.keys(s.custom),
  ];
  const snapshot: Omit<DashboardSnapshot, 'health'> = {
    cpu: snap?.cpu ?? null,
    memory: snap?.memory ?? null,
    process: main.process,
    app: main.app,
    requests: interval && {
      ...interval,
      activeConnections: counts.active,
      total: counts.total,
      byStatus: { ...counts.byClass },
    },
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
      ...(up ? threadHealth(c.vitals) : NO_THREAD_HEALTH),
    },
    workers,
  };
  const h = main.health;
  return { ...snapshot, health: assessHealth({ ...snapshot, health: NO_HEALTH }, h) };
}

/** Before it is assessed (health reads every other section). */
const NO_HEALTH = {
  status: 'ok',
  checks: [],
  areas: { process: 'ok', requests: 'ok', threads: 'ok' },
} as const satisfies DashboardSnapshot['health'];

/** The seed for a new coordinator, from the last snapshot of the old one. */
export function seedFrom(snap: CoordinatorSnapshot | null): SampleSeed | null {
  if (!snap) return null;
  const lastSampleMs: Record<string, number> = {};
  for (const w of snap.workers) if (w.lastSampleAt !== null) lastSampleMs[w.name] = Date.parse(w.lastSampleAt);
  return { cpu: snap.cpu, memory: snap.memory, requests: snap.requests, custom: snap.custom, lastSampleMs };
}
