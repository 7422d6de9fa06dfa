/**
 * The snapshot model: what getDashboard() resolves to, and the pure fold of accepted samples
 * into it. The coordinator owns the fold; the main thread overlays what it owns itself
 * (collectionCount and the coordinator's own status) because those must survive the coordinator.
 */

export type WorkerStatus = 'starting' | 'running' | 'restarting' | 'failed' | 'stopped';
export type ExitReason = 'error' | 'exit' | 'oom' | 'hang' | 'killed';

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

export interface ExitInfo {
  reason: ExitReason;
  message: string;
  at: string;
}

export interface WorkerInfo {
  name: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  lastSampleAt: string | null;
  lastExit: ExitInfo | null;
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
  lastUpdated: string | null;
  collectionCount: number;
  accessLog: AccessLogSection | null;
  channel: ChannelStats;
  coordinator: CoordinatorInfo;
  workers: WorkerInfo[];
}

/** The part of a snapshot the coordinator produces; main adds the rest. */
export type CoordinatorSnapshot = Omit<DashboardSnapshot, 'collectionCount' | 'coordinator' | 'accessLog'>;

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
}

export function emptySampleState(): SampleState {
  return { cpu: null, memory: null, requests: null, custom: {}, lastUpdatedMs: null, lastSampleMs: {} };
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
  // Samples can arrive out of order across threads; lastUpdated never moves backwards.
  if (state.lastUpdatedMs === null || timeMs > state.lastUpdatedMs) state.lastUpdatedMs = timeMs;
  return state;
}

export interface WorkerRuntimeInfo {
  name: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  lastExit: ExitInfo | null;
}

export function buildCoordinatorSnapshot(
  state: SampleState,
  workers: readonly WorkerRuntimeInfo[],
  channel: ChannelStats,
): CoordinatorSnapshot {
  return {
    cpu: state.cpu,
    memory: state.memory,
    requests: state.requests,
    custom: { ...state.custom },
    lastUpdated: state.lastUpdatedMs === null ? null : new Date(state.lastUpdatedMs).toISOString(),
    channel: { ...channel },
    workers: workers.map((w) => {
      const sampleMs = state.lastSampleMs[w.name];
      return {
        name: w.name,
        status: w.status,
        restarts: w.restarts,
        threadId: w.threadId,
        lastSampleAt: sampleMs === undefined ? null : new Date(sampleMs).toISOString(),
        lastExit: w.lastExit,
      };
    }),
  };
}
