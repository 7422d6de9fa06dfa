/**
 * The snapshot contract: what getDashboard() resolves to, section by section. The coordinator
 * builds its part (coordinator/sample-state.ts); main adds what it owns itself (the collection
 * count, the access log, the coordinator's status: main/snapshot-assembly.ts).
 */

import type { ExitInfo, ExitReason, WorkerStatus } from './supervisor/types.js';

export type { ExitInfo, ExitReason, WorkerStatus };

export interface CpuSection {
  /** Share of non-idle time across all cores over the last `windowMs`, 0..100. */
  usage: number;
  /** The window usage is measured over: since an earlier reading at least 250 ms old. */
  windowMs: number;
  cores: number;
  loadAvg: [number, number, number];
  perCore: number[];
}

export interface MemorySection {
  totalMiB: number;
  usedMiB: number;
  /** Available memory (Linux MemAvailable): always exactly totalMiB - usedMiB (whole MiB, so the equality holds). */
  freeMiB: number;
  usagePercent: number;
}

/** What the requests worker measures over its interval (rates, latencies, shares). */
export interface RequestsInterval {
  /** Requests per second over the last sampling interval. */
  rps: number;
  /** Requests per second over about the last 10 s. */
  rps10s: number;
  /**
   * Latency over the interval, in ms; percentiles within 2 % of the exact value. null when no
   * request of the interval had a known duration (no traffic, or an access log without a
   * request-time field): unknown is never shown as a number.
   */
  avgLatencyMs: number | null;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  /** Percent of responses in the interval that were 5xx. */
  errorRate: number;
  /** Percent of responses in the interval that were 4xx. */
  clientErrorRate: number;
}

/**
 * The interval figures, and the counts since the start: those come from the shared counters
 * themselves (dash.requestCounts()), so they are exact and current, whatever the threads do.
 */
export interface RequestsSection extends RequestsInterval {
  /** Open HTTP connections that have sent at least one request. */
  activeConnections: number;
  /** Every request recorded since the dashboard started; exact across thread crashes. */
  total: number;
  /** Responses per status class since the dashboard started. */
  byStatus: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
}

/** The host process itself, measured in its main thread over the last interval. Sizes in MiB (2^20 bytes). */
export interface ProcessSection {
  pid: number;
  /** This process, all threads, % of one core over the interval. */
  cpuPercent: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  /** The main thread's heap limit (--max-old-space-size or V8's default). */
  heapLimitMiB: number;
  externalMiB: number;
  /** The main thread's event loop: delay beyond the monitor's 10 ms tick (p50, p99, max), and the busy share 0..1. */
  eventLoop: { p50Ms: number; p99Ms: number; maxMs: number; utilization: number };
  /** Garbage collections over the interval. */
  gc: { count: number; pauseMs: number; maxPauseMs: number };
  /** Active resources keeping the process alive, by type (process.getActiveResourcesInfo()). */
  handles: Record<string, number>;
}

export type HealthStatus = 'ok' | 'warn' | 'critical';

export interface HealthCheck {
  /** 'event-loop', 'heap', 'threads', 'samples' or 'errors'. */
  name: string;
  status: HealthStatus;
  /** What was measured, against what threshold. */
  message: string;
}

/** The part of the dashboard a check judges: front ends colour that panel by it. */
export type HealthArea = 'process' | 'requests' | 'threads';

/** The worst of the checks, and each check: see the `health` option for the thresholds. */
export interface HealthSection {
  status: HealthStatus;
  checks: HealthCheck[];
  /** The worst check of each area (the process's vitals, the traffic, the threads). */
  areas: Record<HealthArea, HealthStatus>;
}

/** A thread's health over the last interval; null while it is not running, or where Node cannot tell. */
export interface ThreadHealth {
  /** Share of the interval its event loop was busy, 0..1 (measured from its parent's side). */
  eventLoopUtilization: number | null;
  heapUsedMiB: number | null;
  /** CPU of this thread alone, % of one core: Node 23.9+ (process.threadCpuUsage), else null. */
  cpuPercent: number | null;
}

export interface SampleError {
  message: string;
  at: string;
}

export interface WorkerInfo extends ThreadHealth {
  name: string;
  /**
   * The supervisor the worker runs under: 'builtin' for cpu, memory and requests; for a custom
   * worker its `group` option (its own name by default), so a crash-looping custom worker gives
   * up alone while the built-in panels keep working.
   */
  group: string;
  status: WorkerStatus;
  /** Restarts since the dashboard started, across coordinator restarts (a coordinator's replacement re-creates its workers: not counted). */
  restarts: number;
  threadId: number | null;
  /** When the current thread started (ISO 8601), or null while none runs. */
  startedAt: string | null;
  lastSampleAt: string | null;
  lastExit: ExitInfo | null;
  /** Samples the worker produced that could not be shown (not JSON-shaped, too big); the last good one stays. */
  sampleErrors: number;
  lastSampleError: SampleError | null;
}

export interface CoordinatorInfo extends ThreadHealth {
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
  /**
   * The backlog read with `from: 'start'`, by the log's own clock: its requests count in the
   * totals, but not in the interval rates and percentiles (they are not traffic of the moment).
   * null when there was none.
   */
  replay: AccessLogReplay | null;
}

export interface AccessLogReplay {
  requests: number;
  /** The first and last replayed lines' own times (ISO 8601), null if the lines had none that parse. */
  from: string | null;
  to: string | null;
  /** Requests per second over that span, null under a second. */
  rps: number | null;
  /** Whether the backlog has been read to its end. */
  done: boolean;
}

/**
 * What a histogram's observe() takes: 'ms', durations in milliseconds (kept to the whole
 * microsecond, up to about 71 minutes; /metrics exports them in seconds), or 'none', plain
 * whole numbers (bytes, items) up to 2^32 - 1, fractions rounded.
 */
export type HistogramUnit = 'ms' | 'none';

/** A counter of the host's own code (dash.metrics.counter()). */
export interface AppCounterValue {
  type: 'counter';
  /** Everything counted since the counter was created: exact, read when the snapshot was made. */
  value: number;
  /** Per second over the last sampling interval; null until the first interval after its creation has been measured. */
  rate: number | null;
}

/** A gauge of the host's own code (dash.metrics.gauge()): its value when the snapshot was made. */
export interface AppGaugeValue {
  type: 'gauge';
  value: number;
}

/** A histogram of the host's own code (dash.metrics.histogram()). Values are in its `unit`. */
export interface AppHistogramValue {
  type: 'histogram';
  unit: HistogramUnit;
  /** Observations since the histogram was created: exact, read when the snapshot was made. */
  count: number;
  /** Their sum, in `unit` (ms to the microsecond for 'ms'). */
  sum: number;
  /** Observations per second over the last sampling interval; null until one has been measured. */
  rate: number | null;
  /**
   * Mean and percentiles of the observations of the last sampling interval (a log-linear
   * histogram: percentiles within 2 % of the exact value); null when the interval had none.
   */
  avg: number | null;
  p50: number | null;
  p99: number | null;
}

export type AppMetricValue = AppCounterValue | AppGaugeValue | AppHistogramValue;

/** The host's own metrics by name, in the order they were created; {} when it has none. */
export type AppSection = Record<string, AppMetricValue>;

export interface DashboardSnapshot {
  cpu: CpuSection | null;
  memory: MemorySection | null;
  requests: RequestsSection | null;
  /** The host process (null until the first interval has passed). */
  process: ProcessSection | null;
  /** The host's own counters, gauges and histograms (dash.metrics), kept by main: no thread is involved. */
  app: AppSection;
  /** Whether the process and the dashboard are well, by thresholds (the `health` option). */
  health: HealthSection;
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

/** The part of a snapshot the coordinator produces; main adds the rest (the request counts among it). */
export type CoordinatorSnapshot = Omit<
  DashboardSnapshot,
  'collectionCount' | 'coordinator' | 'accessLog' | 'requests' | 'process' | 'app' | 'health'
> & {
  requests: RequestsInterval | null;
};

/** What a new coordinator starts from: the sections its predecessor last produced. */
export type SampleSeed = Pick<CoordinatorSnapshot, 'cpu' | 'memory' | 'requests' | 'custom'> & {
  /** Epoch ms of each source's last sample. */
  lastSampleMs: Record<string, number>;
};

/** Names whose payloads fill the fixed sections; any other worker's payload lands in `custom`. */
export const BUILTIN_WORKERS = ['cpu', 'memory', 'requests'] as const;
export type BuiltinWorkerName = (typeof BUILTIN_WORKERS)[number];

/** A thread's vitals as the snapshot shows them (MiB, rounded). */
export function threadHealth(v: {
  eventLoopUtilization: number | null;
  heapUsedBytes: number | null;
  cpuPercent: number | null;
}): ThreadHealth {
  return {
    eventLoopUtilization: v.eventLoopUtilization,
    heapUsedMiB: v.heapUsedBytes === null ? null : Math.round((v.heapUsedBytes / 1048576) * 10) / 10,
    cpuPercent: v.cpuPercent,
  };
}

/** A thread that is not running has no vitals. */
export const NO_THREAD_HEALTH: ThreadHealth = Object.freeze({ eventLoopUtilization: null, heapUsedMiB: null, cpuPercent: null });
