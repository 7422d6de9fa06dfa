/**
 * The host process's own health, measured in the main thread once per interval: CPU of every
 * thread together, memory by kind, the main event loop's delay and utilization, GC pauses, and
 * the handles that keep it alive. Each figure comes from the cheapest source Node has
 * (monitorEventLoopDelay, performance.eventLoopUtilization, a PerformanceObserver on 'gc',
 * process.cpuUsage, memoryUsage.rss, v8.getHeapStatistics), read and reset each interval, so
 * nothing is collected twice and nothing grows.
 */
import {
  monitorEventLoopDelay,
  performance,
  PerformanceObserver,
  type EventLoopUtilization,
  type IntervalHistogram,
} from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import type { ProcessSection } from '../snapshot.js';

/** The event-loop monitor's sampling period: each tick is a timer, so finer costs the host more. */
export const LOOP_RESOLUTION_MS = 10;
const MIB = 1024 * 1024;
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** prom-client's nodejs_gc_duration_seconds edges, so dashboards built for it work unchanged. */
export const GC_BUCKETS_SECONDS: readonly number[] = [0.001, 0.01, 0.1, 1, 2, 5];

export interface GcTotals {
  count: number;
  seconds: number;
  /** Pauses at or under each GC_BUCKETS_SECONDS edge, cumulative. */
  buckets: number[];
}

export interface ProcessTotals {
  /** CPU time of the whole process since it started, seconds (process_cpu_seconds_total). */
  cpuSeconds: number;
  /** GC pauses since the dashboard started, by GC kind. */
  gc: Record<string, GcTotals>;
}

export class ProcessVitals {
  private readonly loop: IntervalHistogram;
  private readonly gcObserver: PerformanceObserver;
  private elu: EventLoopUtilization;
  private cpu = process.cpuUsage();
  private atMs = performance.now();
  private gc = { count: 0, pauseMs: 0, maxPauseMs: 0 };
  private readonly gcTotals: Record<string, GcTotals> = {};
  private last: ProcessSection | null = null;
  private samples = 0;

  constructor() {
    this.loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
    this.loop.enable();
    this.elu = performance.eventLoopUtilization();
    this.gcObserver = new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        this.gc.count++;
        this.gc.pauseMs += e.duration;
        this.gc.maxPauseMs = Math.max(this.gc.maxPauseMs, e.duration);
        const kind = gcKind(((e as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind);
        const t = (this.gcTotals[kind] ??= { count: 0, seconds: 0, buckets: GC_BUCKETS_SECONDS.map(() => 0) });
        t.count++;
        t.seconds += e.duration / 1000;
        GC_BUCKETS_SECONDS.forEach((edge, i) => {
          if (e.duration / 1000 <= edge) t.buckets[i]!++;
        });
      }
    });
    this.gcObserver.observe({ entryTypes: ['gc'] });
  }

  /** Measures the interval since the previous call (or since construction) and starts the next. */
  sample(): ProcessSection {
    const now = performance.now();
    const elapsedMs = Math.max(1, now - this.atMs);
    const cpu = process.cpuUsage(this.cpu);
    const elu = performance.eventLoopUtilization(this.elu);
    const heap = getHeapStatistics();
    // The monitor records each tick's full period; the delay is what came on top of its resolution.
    const delay = (ns: number): number => round(Math.max(0, ns / 1e6 - LOOP_RESOLUTION_MS), 2);
    const ticks = this.loop.count > 0;
    const section: ProcessSection = {
      pid: process.pid,
      cpuPercent: round(((cpu.user + cpu.system) / 1000 / elapsedMs) * 100, 1),
      rssMiB: this.rssMiB(),
      heapUsedMiB: round(heap.used_heap_size / MIB, 1),
      heapTotalMiB: round(heap.total_heap_size / MIB, 1),
      heapLimitMiB: round(heap.heap_size_limit / MIB, 1),
      externalMiB: round(((heap as { external_memory?: number }).external_memory ?? 0) / MIB, 1),
      eventLoop: {
        p50Ms: ticks ? delay(this.loop.percentile(50)) : 0,
        p99Ms: ticks ? delay(this.loop.percentile(99)) : 0,
        maxMs: ticks ? delay(this.loop.max) : 0,
        utilization: round(elu.utilization, 3),
      },
      gc: { count: this.gc.count, pauseMs: round(this.gc.pauseMs, 2), maxPauseMs: round(this.gc.maxPauseMs, 2) },
      handles: countHandles(),
    };
    this.loop.reset();
    this.elu = performance.eventLoopUtilization();
    this.cpu = process.cpuUsage();
    this.atMs = now;
    this.gc = { count: 0, pauseMs: 0, maxPauseMs: 0 };
    this.last = section;
    this.samples++;
    return section;
  }

  /**
   * Whether the last interval measured came after start-up: the first covers the host's own
   * start (loading modules, drawing a first screen), whose blocked loop is no sign of trouble.
   */
  get settled(): boolean {
    return this.samples >= 2;
  }

  /**
   * RSS is read from /proc/self/stat, which takes a descriptor: in a host out of descriptors the
   * read fails (EMFILE), and a monitor must not throw for that. The last reading stands in.
   */
  private rssMiB(): number {
    try {
      return round(process.memoryUsage.rss() / MIB, 1);
    } catch {
      return this.last?.rssMiB ?? 0;
    }
  }

  /** The last interval measured, or null before the first. */
  get section(): ProcessSection | null {
    return this.last;
  }

  /** Counters since the start, for /metrics (whose counters must never go down). */
  totals(): ProcessTotals {
    const cpu = process.cpuUsage();
    return { cpuSeconds: (cpu.user + cpu.system) / 1e6, gc: structuredClone(this.gcTotals) };
  }

  stop(): void {
    this.loop.disable();
    this.gcObserver.disconnect();
  }
}

function countHandles(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) out[type] = (out[type] ?? 0) + 1;
  return out;
}

/** perf_hooks' GC kinds, named as prom-client's nodejs_gc_duration_seconds{kind} names them. */
function gcKind(kind: number | undefined): string {
  switch (kind) {
    case 1:
      return 'minor';
    case 2:
      return 'major';
    case 4:
      return 'incremental';
    case 8:
      return 'weakcb';
    default:
      return 'unknown';
  }
}
