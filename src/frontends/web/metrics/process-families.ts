/**
 * The Node process families a Prometheus user expects (prom-client's default metrics are the
 * reference for names and units), from what the engine measured anyway: nothing is collected
 * twice, and no second event-loop monitor runs.
 */
import type { ProcessTotals } from '../../../main/process-vitals.js';
import { GC_BUCKETS_SECONDS } from '../../../main/process-vitals.js';
import type { DashboardSnapshot } from '../../../snapshot.js';
import type { Family, HistogramFamily, Sample } from './families.js';

const MIB = 1024 * 1024;
const gauge = (name: string, help: string, samples: Sample[], labelNames: readonly string[] = []): Family => ({
  name,
  type: 'gauge',
  help,
  labelNames,
  samples,
});
const one = (value: number): Sample[] => [{ labels: {}, value }];

export function processFamilies(s: DashboardSnapshot, totals: ProcessTotals | null): { families: Family[]; histograms: HistogramFamily[] } {
  const f: Family[] = [];
  const p = s.process;
  if (totals) {
    f.push({
      name: 'process_cpu_seconds_total',
      type: 'counter',
      help: 'Total user and system CPU time spent in seconds.',
      labelNames: [],
      samples: one(totals.cpuSeconds),
    });
  }
  // No interval measured yet: no sample rather than a false 0.
  const from = (value: (x: NonNullable<typeof p>) => number): Sample[] => (p ? one(value(p)) : []);
  f.push(
    gauge(
      'process_resident_memory_bytes',
      'Resident memory size in bytes.',
      from((x) => x.rssMiB * MIB),
    ),
  );
  f.push(
    gauge(
      'nodejs_heap_size_used_bytes',
      'Process heap size used from Node.js in bytes.',
      from((x) => x.heapUsedMiB * MIB),
    ),
  );
  f.push(
    gauge(
      'nodejs_heap_size_total_bytes',
      'Process heap size from Node.js in bytes.',
      from((x) => x.heapTotalMiB * MIB),
    ),
  );
  f.push(
    gauge(
      'nodejs_external_memory_bytes',
      'Node.js external memory size in bytes.',
      from((x) => x.externalMiB * MIB),
    ),
  );
  // The interval's event-loop delay beyond the monitor's resolution, as prom-client's lag gauges.
  f.push(
    gauge(
      'nodejs_eventloop_lag_p50_seconds',
      'The 50th percentile of the recorded event loop delays.',
      from((x) => x.eventLoop.p50Ms / 1000),
    ),
  );
  f.push(
    gauge(
      'nodejs_eventloop_lag_p99_seconds',
      'The 99th percentile of the recorded event loop delays.',
      from((x) => x.eventLoop.p99Ms / 1000),
    ),
  );
  f.push(
    gauge(
      'nodejs_eventloop_lag_max_seconds',
      'The maximum recorded event loop delay.',
      from((x) => x.eventLoop.maxMs / 1000),
    ),
  );
  f.push(
    gauge(
      'nodejs_eventloop_utilization_ratio',
      'Share of the last interval the main event loop was busy (0 to 1).',
      from((x) => x.eventLoop.utilization),
    ),
  );
  f.push(
    gauge(
      'nodejs_active_resources',
      'Active resources keeping the event loop alive, by type (process.getActiveResourcesInfo()).',
      p ? Object.entries(p.handles).map(([type, value]) => ({ labels: { type }, value })) : [],
      ['type'],
    ),
  );
  const threads = [{ name: 'coordinator', ...s.coordinator }, ...s.workers];
  const perThread = (value: (t: (typeof threads)[number]) => number | null): Sample[] =>
    threads.flatMap((t) => {
      const v = value(t);
      return v === null ? [] : [{ labels: { thread: t.name }, value: v }];
    });
  f.push(
    gauge(
      'threadboard_thread_event_loop_utilization_ratio',
      'Share of the last interval each thread’s event loop was busy (0 to 1).',
      perThread((t) => t.eventLoopUtilization),
      ['thread'],
    ),
  );
  f.push(
    gauge(
      'threadboard_thread_heap_used_bytes',
      'Heap used by each thread, as of its last heartbeat.',
      perThread((t) => (t.heapUsedMiB === null ? null : t.heapUsedMiB * MIB)),
      ['thread'],
    ),
  );
  const gc: HistogramFamily = {
    name: 'nodejs_gc_duration_seconds',
    help: 'Garbage collection duration by kind, one of major, minor, incremental or weakcb.',
    type: 'histogram',
    series: Object.entries(totals?.gc ?? {}).map(([kind, t]) => ({
      labels: { kind },
      buckets: GC_BUCKETS_SECONDS.map((edge, i) => [String(edge), t.buckets[i]!] as [string, number]),
      sum: t.seconds,
      count: t.count,
    })),
  };
  return { families: f, histograms: [gc] };
}
