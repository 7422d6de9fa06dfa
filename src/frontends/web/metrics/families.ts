/**
 * What /metrics exposes, as plain data: a pure mapping from a snapshot, the shared request
 * counters and the web server's own counts to metric families. prom-client renders them
 * (registry.ts); keeping the mapping pure lets tests check every number without a socket.
 *
 * Units follow Prometheus conventions: seconds, bytes, ratios 0..1, `_total` on counters.
 */
import type { RequestCounts } from '../../../shared/request-counters.js';
import { STATUS_CLASSES } from '../../../shared/request-counters.js';
import type { DashboardSnapshot, WorkerStatus } from '../../../snapshot.js';
import { latencyBuckets, latencyEdges } from './latency-buckets.js';

export type FamilyType = 'counter' | 'gauge' | 'histogram';

export interface Sample {
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: FamilyType;
  labelNames: readonly string[];
  samples: Sample[];
}

export interface HistogramSeries {
  labels: Record<string, string>;
  buckets: Array<[le: string, cumulative: number]>;
  sum: number;
  count: number;
}

/** A histogram whose counts already exist: one series per label set. */
export interface HistogramFamily {
  name: string;
  help: string;
  type: 'histogram';
  series: HistogramSeries[];
}

export interface WebCounts {
  clients: number;
  framesSent: number;
  framesDropped: number;
  /** WebSocket handshakes refused, by reason. */
  rejected: Record<string, number>;
  /** Plain HTTP requests refused, by reason. */
  rejectedRequests: Record<string, number>;
  /** Connections closed before any request on them was answered, by reason. */
  droppedConnections: Record<string, number>;
  openConnections: number;
}

const byReason = (counts: Record<string, number>): Sample[] =>
  Object.entries(counts).map(([reason, value]) => ({ labels: { reason }, value }));

const MIB = 1024 * 1024;
const STATUSES: readonly WorkerStatus[] = ['starting', 'running', 'restarting', 'failed', 'stopped'];

function family(name: string, type: FamilyType, help: string, labelNames: readonly string[], samples: Sample[]): Family {
  return { name, type, help, labelNames, samples };
}

const one = (value: number): Sample[] => [{ labels: {}, value }];

export function snapshotFamilies(
  s: DashboardSnapshot,
  counters: RequestCounts,
  web: WebCounts,
  /** The latency histogram's `le` edges in µs (latency-buckets.ts). */
  edges: readonly number[] = latencyEdges(),
): { families: Family[]; histograms: HistogramFamily[] } {
  const f: Family[] = [];
  // Sections are null until their worker's first sample: no sample then, rather than a false 0.
  const cpu = s.cpu;
  f.push(
    family(
      'threadboard_cpu_usage_ratio',
      'gauge',
      'Non-idle share of all cores over the last sampling interval (0 to 1).',
      [],
      cpu ? one(cpu.usage / 100) : [],
    ),
  );
  f.push(
    family(
      'threadboard_cpu_core_usage_ratio',
      'gauge',
      'Non-idle share of one core over the last sampling interval (0 to 1).',
      ['core'],
      cpu ? cpu.perCore.map((u, i) => ({ labels: { core: String(i) }, value: u / 100 })) : [],
    ),
  );
  f.push(family('threadboard_cpu_cores', 'gauge', 'Logical CPU cores.', [], cpu ? one(cpu.cores) : []));
  f.push(
    family(
      'threadboard_cpu_load_average',
      'gauge',
      'System load average over the window.',
      ['window'],
      cpu ? (['1m', '5m', '15m'] as const).map((w, i) => ({ labels: { window: w }, value: cpu.loadAvg[i]! })) : [],
    ),
  );

  const mem = s.memory;
  f.push(
    family('threadboard_memory_total_bytes', 'gauge', 'Total system memory, to the nearest MiB.', [], mem ? one(mem.totalMiB * MIB) : []),
  );
  f.push(
    family(
      'threadboard_memory_used_bytes',
      'gauge',
      'System memory in use (total minus available), to the nearest MiB.',
      [],
      mem ? one(mem.usedMiB * MIB) : [],
    ),
  );
  f.push(
    family(
      'threadboard_memory_available_bytes',
      'gauge',
      'System memory available to start new work without swapping (Linux MemAvailable), to the nearest MiB.',
      [],
      mem ? one(mem.freeMiB * MIB) : [],
    ),
  );

  f.push(
    family('threadboard_http_requests_total', 'counter', 'HTTP requests completed since the dashboard started.', [], one(counters.total)),
  );
  f.push(
    family(
      'threadboard_http_responses_total',
      'counter',
      'HTTP responses since the dashboard started, by status class.',
      ['code_class'],
      STATUS_CLASSES.map((c) => ({ labels: { code_class: c }, value: counters.byClass[c] })),
    ),
  );
  f.push(
    family(
      'threadboard_http_active_connections',
      'gauge',
      'Open HTTP connections that have sent at least one request.',
      [],
      one(counters.active),
    ),
  );

  const threads = [{ name: 'coordinator', status: s.coordinator.status, restarts: s.coordinator.restarts }, ...s.workers];
  f.push(
    family(
      'threadboard_thread_restarts_total',
      'counter',
      'Restarts of each supervised thread (a metric worker starts again from 0 when its coordinator restarts).',
      ['thread'],
      threads.map((t) => ({ labels: { thread: t.name }, value: t.restarts })),
    ),
  );
  f.push(
    family(
      'threadboard_thread_status',
      'gauge',
      'Supervision status of each thread: 1 for its current status, 0 for the others.',
      ['thread', 'status'],
      threads.flatMap((t) => STATUSES.map((st) => ({ labels: { thread: t.name, status: st }, value: t.status === st ? 1 : 0 }))),
    ),
  );
  f.push(family('threadboard_collections_total', 'counter', 'collect() rounds completed.', [], one(s.collectionCount)));
  f.push(
    family(
      'threadboard_channel_samples_total',
      'counter',
      'Samples on the sample channel, by outcome.',
      ['outcome'],
      [
        { labels: { outcome: 'accepted' }, value: s.channel.received },
        { labels: { outcome: 'rejected' }, value: s.channel.rejected },
      ],
    ),
  );
  f.push(
    family(
      'threadboard_last_sample_timestamp_seconds',
      'gauge',
      'Time of the newest sample in the snapshot (Unix seconds).',
      [],
      s.lastUpdated ? one(Date.parse(s.lastUpdated) / 1000) : [],
    ),
  );

  f.push(family('threadboard_web_clients', 'gauge', 'WebSocket clients connected to the live page.', [], one(web.clients)));
  f.push(family('threadboard_web_frames_sent_total', 'counter', 'WebSocket frames sent to clients.', [], one(web.framesSent)));
  f.push(
    family(
      'threadboard_web_frames_dropped_total',
      'counter',
      'Frames skipped for clients too slow to take them (they got a newer snapshot instead).',
      [],
      one(web.framesDropped),
    ),
  );
  f.push(
    family(
      'threadboard_web_rejected_connections_total',
      'counter',
      'WebSocket handshakes refused, by reason.',
      ['reason'],
      byReason(web.rejected),
    ),
  );
  f.push(
    family(
      'threadboard_web_rejected_requests_total',
      'counter',
      'Plain HTTP requests refused, by reason: rate (429), auth_failures (429 after too many wrong tokens), duplicate_host and malformed (400), host (403), auth (401).',
      ['reason'],
      byReason(web.rejectedRequests),
    ),
  );
  f.push(
    family(
      'threadboard_web_dropped_connections_total',
      'counter',
      'Connections closed before any request on them was answered, by reason: total_cap, address_cap, timeout (no complete request head in time), accept_error.',
      ['reason'],
      byReason(web.droppedConnections),
    ),
  );
  f.push(
    family(
      'threadboard_web_open_connections',
      'gauge',
      'TCP connections open to the web server, WebSockets included.',
      [],
      one(web.openConnections),
    ),
  );

  const lat = latencyBuckets(counters.histogram, edges);
  const latency: HistogramFamily = {
    name: 'threadboard_http_request_duration_seconds',
    help: 'HTTP request latency of requests whose duration is known, recorded in whole microseconds; each le count is exact.',
    type: 'histogram',
    series: [{ labels: {}, buckets: lat.buckets, sum: counters.latencySumMicros / 1e6, count: lat.count }],
  };
  return { families: f, histograms: [latency] };
}
