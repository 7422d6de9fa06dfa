/** threadboard: a supervised, multi-core live dashboard engine on worker_threads. */
export { startDashboard, type DashboardOptions } from './start.js';
export { Dashboard, type RequestRecord, type DashboardHandlers } from './main/dashboard.js';
export type { EngineOptions, CustomWorkerOptions, SupervisionOptions, AccessLogOptions } from './options.js';
// Types only, from files that import no `ws`: the web server itself loads when `web` is asked for.
export type { WebOptions } from './frontends/web/options.js';
export type { WebServer, WebServerStats, ClientStats } from './frontends/web/types.js';
export type {
  ClusterOptions,
  ClusterTlsOptions,
  FleetView,
  FleetNode,
  FleetNodeStatus,
  FleetNodeRequests,
  FleetNodeProcess,
  FleetHost,
  FleetTotals,
  FleetRequests,
  FleetTransport,
  FleetTransportStatus,
} from './cluster/types.js';
export type {
  DashboardSnapshot,
  CpuSection,
  MemorySection,
  RequestsSection,
  RequestsInterval,
  WorkerInfo,
  SampleError,
  CoordinatorInfo,
  WorkerStatus,
  ExitReason,
  ExitInfo,
  AccessLogSection,
  AccessLogStatus,
  AccessLogProblem,
  AccessLogReplay,
  AppSection,
  AppMetricValue,
  AppCounterValue,
  AppGaugeValue,
  AppHistogramValue,
  HistogramUnit,
  ProcessSection,
  ThreadHealth,
  HealthSection,
  HealthCheck,
  HealthStatus,
} from './snapshot.js';
export { MAX_APP_METRICS, type AppMetrics } from './main/app-metrics/registry.js';
export type { AppCounter, AppGauge, AppHistogram } from './main/app-metrics/instruments.js';
export type {
  MetricOptions,
  HistogramOptions,
  AppReading,
  CounterReading,
  GaugeReading,
  HistogramReading,
} from './main/app-metrics/types.js';
export type {
  DashboardEvents,
  ExitEvent,
  RestartEvent,
  RecoveredEvent,
  FailedEvent,
  GroupFailedEvent,
  AccessLogEvent,
  HealthEvent,
  CrashReport,
} from './events.js';
export type { HistorySpan, HistoryView, HistoryPoint, SeriesName } from './main/history.js';
export type { AppHistoryView, AppHistoryPoint } from './main/app-metrics/history.js';
export type { RequestCounts, StatusClass } from './shared/request-counters.js';
export { bucketRange as latencyBucketRange } from './shared/histogram.js';
export type { CollectReport } from './coordinator/collect-round.js';
export type { FaultKind } from './protocol/control.js';
export * from './errors.js';
