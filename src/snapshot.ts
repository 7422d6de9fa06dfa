/**
 * The snapshot model: what getDashboard() resolves to, and the pure fold of accepted samples
 * into it. The coordinator owns the fold; the main thread overlays what it owns itself
 * (collectionCount and the coordinator's own status) because those must survive the coordinator.
 */

import type { ExitInfo, ExitReason, WorkerStatus } from './supervisor/types.js';

export type { ExitInfo, ExitReason, WorkerStatus };

export interface CpuSection {
  /** Share of non-idle time across all cores since the previous sample, 0..100. */
  usage: number;
  cores: number;
  loadAvg: [number, number, number];
  perCore: number[];
}

export interface MemorySection {
  totalMb: number;
  usedMb: number;
  /** Always exactly totalMb - usedMb (whole megabytes, so the equality holds). */
  freeMb: number;
  usagePercent: number;
}

export interface RequestsSection {
  /** Requests per second over the last sampling interval. */
  rps: number;
  /** Requests per second over about the last 10 s. */
  rps10s: number;
  avgLatencyMs: number;
  /** Latency percentiles over the interval; within 2 % of the exact value. */
  p50LatencyMs: number;
  p99LatencyMs: number;
  /** Percent of responses in the interval that were 5xx. */
  errorRate: number;
  /** Percent of responses in the interval that were 4xx. */
  clientErrorRate: number;
  /** Open HTTP connections that have sent at least one request. */
  activeConnections: number;
  /** Every request recorded since the dashboard started; exact across thread crashes. */
  total: number;
  /** Responses per status class since the dashboard started. */
  byStatus: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
}

export interface SampleError {
  message: string;
  at: string;
}

export interface WorkerInfo {
  name: string;
  /**
   * The supervisor the worker runs under: 'builtin' for cpu, memory and requests; for a custom
   * worker its `group` option (its own name by default), so a crash-looping custom worker gives
   * up alone while the built-in panels keep working.
   */
  group: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  lastSampleAt: string | null;
  lastExit: ExitInfo | null;
  /** Samples the worker produced that could not be shown (not JSON-shaped, too big); the last good one stays. */
  sampleErrors: number;
  lastSampleError: SampleError | null;
}

export interface CoordinatorInfo {
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  startedAt: string;
  lastExit: ExitInfo | null;
}

export interface ChannelStats {
  received: number;
  rejected: number;
}

/**
 * What the access-log follower is doing: 'following' the file, 'waiting' for the path to
 * appear (it does not exist yet, or was removed), or in 'error' (see `error`), retrying.
 */
export type AccessLogStatus = 'following' | 'waiting' | 'error';

export interface AccessLogProblem {
  /** The OS error code (EACCES, EISDIR, ELOOP, EMFILE, EIO, …) or NOT_REGULAR_FILE (a FIFO, device or socket). */
  code: string;
  message: string;
  /** When this problem began (ISO 8601); unchanged while the same problem repeats. */
  since: string;
}

/** The access-log source, when one is followed. */
export interface AccessLogSection {
  path: string;
  status: AccessLogStatus;
  /** The status as one line for people, e.g. "waiting for /var/log/app.log to appear". */
  detail: string;
  /** Set while status is 'error', else null. */
  error: AccessLogProblem | null;
  /** Non-empty lines read, well-formed or not. */
  lines: number;
  /** Lines that are not combined-format, overlong ones included. */
  malformed: number;
  /** Lines longer than 64 KiB, skipped without being held in memory (also in `malformed`). */
  overlong: number;
  malformedExample: string | null;
  truncations: number;
  rotations: number;
  /** Bytes appended but not read yet (reads are bounded per turn of the event loop). */
  pendingBytes: number;
  /** Whether changes are seen as they happen (fs.watch); false: found by polling every pollMs. */
  watching: boolean;
}

export interface DashboardSnapshot {
  cpu: CpuSection | null;
  memory: MemorySection | null;
  requests: RequestsSection | null;
  custom: Record<string, unknown>;
  /**
   * Sections ('cpu', 'memory', 'requests', or a custom worker's name) whose value is the last
   * one a thread produced before it went down: kept (rather than turned back to null) until its
   * replacement delivers a fresh sample.
   */
  stale: string[];
  lastUpdated: string | null;
  collectionCount: number;
  accessLog: AccessLogSection | null;
  channel: ChannelStats;
  coordinator: CoordinatorInfo;
  workers: WorkerInfo[];
}

/** The part of a snapshot the coordinator produces; main adds the rest. */
export type CoordinatorSnapshot = Omit<DashboardSnapshot, 'collectionCount' | 'coordinator' | 'accessLog'>;

/** What a new coordinator starts from: the sections its predecessor last produced. */
export type SampleSeed = Pick<CoordinatorSnapshot, 'cpu' | 'memory' | 'requests' | 'custom'> & {
  /** Epoch ms of each source's last sample. */
  lastSampleMs: Record<string, number>;
};

/** Names whose payloads fill the fixed sections; any other worker's payload lands in `custom`. */
export const BUILTIN_WORKERS = ['cpu', 'memory', 'requests'] as const;
export type BuiltinWorkerName = (typeof BUILTIN_WORKERS)[number];

export interface SampleState {
  cpu: CpuSection | null;
  memory: MemorySection | null;
  requests: RequestsSection | null;
  custom: Record<string, unknown>;
  /** Epoch ms of the newest sample folded in. */
  lastUpdatedMs: number | null;
  lastSampleMs: Record<string, number>;
  /** Sources whose value came with the seed and has not been sampled afresh since. */
  carriedOver: Set<string>;
  sampleErrors: Record<string, { count: number; last: SampleError }>;
}

export function emptySampleState(seed: SampleSeed | null = null): SampleState {
  const state: SampleState = {
    cpu: seed?.cpu ?? null,
    memory: seed?.memory ?? null,
    requests: seed?.requests ?? null,
    custom: { ...seed?.custom },
    lastUpdatedMs: null,
    lastSampleMs: { ...seed?.lastSampleMs },
    carriedOver: new Set(),
    sampleErrors: {},
  };
  for (const [source, ms] of Object.entries(state.lastSampleMs)) {
    state.carriedOver.add(source);
    if (state.lastUpdatedMs === null || ms > state.lastUpdatedMs) state.lastUpdatedMs = ms;
  }
  return state;
}

/**
 * Folds one already-validated sample into the state. Mutates and returns `state`: the
 * coordinator folds a few samples a second and copies only when it publishes.
 */
export function foldSample(state: SampleState, source: string, timeMs: number, payload: unknown): SampleState {
  switch (source) {
    case 'cpu':
      state.cpu = payload as CpuSection;
      break;
    case 'memory':
      state.memory = payload as MemorySection;
      break;
    case 'requests':
      state.requests = payload as RequestsSection;
      break;
    default:
      state.custom[source] = payload;
  }
  state.lastSampleMs[source] = timeMs;
  state.carriedOver.delete(source);
  // Samples can arrive out of order across threads; lastUpdated never moves backwards.
  if (state.lastUpdatedMs === null || timeMs > state.lastUpdatedMs) state.lastUpdatedMs = timeMs;
  return state;
}

/** A sample the worker could not send: counted and shown as the worker's error; its last good value stays. */
export function foldSampleError(state: SampleState, source: string, timeMs: number, problem: string): SampleState {
  const prev = state.sampleErrors[source];
  state.sampleErrors[source] = { count: (prev?.count ?? 0) + 1, last: { message: problem, at: new Date(timeMs).toISOString() } };
  return state;
}

export interface WorkerRuntimeInfo {
  name: string;
  group: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  lastExit: ExitInfo | null;
}

function hasSection(state: SampleState, source: string): boolean {
  switch (source) {
    case 'cpu':
      return state.cpu !== null;
    case 'memory':
      return state.memory !== null;
    case 'requests':
      return state.requests !== null;
    default:
      return source in state.custom;
  }
}

export function buildCoordinatorSnapshot(
  state: SampleState,
  workers: readonly WorkerRuntimeInfo[],
  channel: ChannelStats,
): CoordinatorSnapshot {
  // Stale: the value's thread is gone, either before this coordinator (carried over) or since.
  const stale = workers
    .filter((w) => hasSection(state, w.name) && (state.carriedOver.has(w.name) || w.status !== 'running'))
    .map((w) => w.name);
  return {
    cpu: state.cpu,
    memory: state.memory,
    requests: state.requests,
    custom: { ...state.custom },
    stale,
    lastUpdated: state.lastUpdatedMs === null ? null : new Date(state.lastUpdatedMs).toISOString(),
    channel: { ...channel },
    workers: workers.map((w) => {
      const sampleMs = state.lastSampleMs[w.name];
      const errors = state.sampleErrors[w.name];
      return {
        name: w.name,
        group: w.group,
        status: w.status,
        restarts: w.restarts,
        threadId: w.threadId,
        lastSampleAt: sampleMs === undefined ? null : new Date(sampleMs).toISOString(),
        lastExit: w.lastExit,
        sampleErrors: errors?.count ?? 0,
        lastSampleError: errors?.last ?? null,
      };
    }),
  };
}

/** The seed for a new coordinator, from the last snapshot of the old one. */
export function seedFrom(snap: CoordinatorSnapshot | null): SampleSeed | null {
  if (!snap) return null;
  const lastSampleMs: Record<string, number> = {};
  for (const w of snap.workers) if (w.lastSampleAt !== null) lastSampleMs[w.name] = Date.parse(w.lastSampleAt);
  return { cpu: snap.cpu, memory: snap.memory, requests: snap.requests, custom: snap.custom, lastSampleMs };
}
