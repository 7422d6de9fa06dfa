/**
 * Chart history, kept once, in the engine, at three resolutions, bounded in memory: every front
 * end (the terminal, the page, dash.history()) reads it and none keeps its own.
 *
 * Each series is fed with its own worker's samples (a sample is taken once, however many
 * snapshots carry it), folded into the current bucket of every tier: the mean of the samples in
 * the bucket, or for a latency percentile the worst of them (a p99 is not averaged away).
 */
import type { CoordinatorSnapshot, ProcessSection } from '../snapshot.js';

/** What history reads of a snapshot (the coordinator's part holds all of it). */
type Sampled = Pick<CoordinatorSnapshot, 'cpu' | 'memory' | 'requests' | 'workers'>;

export type HistorySpan = '2m' | '30m' | '3h';
export const HISTORY_SPANS: readonly HistorySpan[] = ['2m', '30m', '3h'];

export type SeriesName = 'cpu' | 'mem' | 'rps' | 'p99' | 'procCpu' | 'rss' | 'heap' | 'loopP99';
export const SERIES: Readonly<Record<SeriesName, { unit: string; aggregate: 'mean' | 'max'; label: string }>> = {
  cpu: { unit: '%', aggregate: 'mean', label: 'CPU' },
  mem: { unit: '%', aggregate: 'mean', label: 'memory' },
  rps: { unit: 'req/s', aggregate: 'mean', label: 'requests' },
  p99: { unit: 'ms', aggregate: 'max', label: 'p99 latency' },
  procCpu: { unit: '%', aggregate: 'mean', label: 'process CPU' },
  rss: { unit: 'MiB', aggregate: 'max', label: 'RSS' },
  heap: { unit: 'MiB', aggregate: 'max', label: 'heap used' },
  loopP99: { unit: 'ms', aggregate: 'max', label: 'event-loop p99' },
};
const SERIES_NAMES = Object.keys(SERIES) as SeriesName[];

export type HistoryPoint = { t: number } & Record<SeriesName, number | null>;

export interface HistoryView {
  span: HistorySpan;
  /** Width of one point, ms. */
  stepMs: number;
  /** Points kept at most: the span is stepMs × capacity. */
  capacity: number;
  /** Oldest first; `t` is the start of the point's bucket (epoch ms). */
  points: HistoryPoint[];
}

/**
 * The spans' resolutions, for every history the engine keeps (this one, the app metrics'): the
 * finest is 120 samples at the sampling interval (2 minutes at the default 1 s).
 */
export function historyTiers(intervalMs: number): Array<{ span: HistorySpan; stepMs: number; capacity: number }> {
  return [
    { span: '2m', stepMs: Math.max(1000, intervalMs), capacity: 120 },
    { span: '30m', stepMs: 10_000, capacity: 180 },
    { span: '3h', stepMs: 60_000, capacity: 180 },
  ];
}

interface Acc {
  sum: number;
  count: number;
  max: number;
}

class Tier {
  readonly points: HistoryPoint[] = [];
  private accs: Record<SeriesName, Acc> | null = null;

  constructor(
    readonly span: HistorySpan,
    readonly stepMs: number,
    readonly capacity: number,
  ) {}

  add(series: SeriesName, timeMs: number, value: number): void {
    const t = Math.floor(timeMs / this.stepMs) * this.stepMs;
    let last = this.points[this.points.length - 1];
    if (last && t < last.t) return; // older than the newest bucket: it was folded in already, or is too late to matter
    if (!last || t > last.t) {
      last = emptyPoint(t);
      this.points.push(last);
      if (this.points.length > this.capacity) this.points.splice(0, this.points.length - this.capacity);
      this.accs = emptyAccs();
    }
    const acc = this.accs![series];
    acc.sum += value;
    acc.count += 1;
    acc.max = Math.max(acc.max, value);
    last[series] = SERIES[series].aggregate === 'max' ? acc.max : acc.sum / acc.count;
  }

  view(): HistoryView {
    return { span: this.span, stepMs: this.stepMs, capacity: this.capacity, points: this.points.map((p) => ({ ...p })) };
  }
}

const empty = (): Acc => ({ sum: 0, count: 0, max: -Infinity });
const emptyAccs = (): Record<SeriesName, Acc> => Object.fromEntries(SERIES_NAMES.map((n) => [n, empty()])) as Record<SeriesName, Acc>;
const emptyPoint = (t: number): HistoryPoint => ({
  t,
  ...(Object.fromEntries(SERIES_NAMES.map((n) => [n, null])) as Record<SeriesName, null>),
});

/** The sample behind each series in a snapshot: its time and value, if the section has one. */
function readings(s: Sampled): Array<[SeriesName, string | null, number | null | undefined]> {
  const at = (name: string): string | null => s.workers.find((w) => w.name === name)?.lastSampleAt ?? null;
  return [
    ['cpu', at('cpu'), s.cpu?.usage],
    ['mem', at('memory'), s.memory?.usagePercent],
    ['rps', at('requests'), s.requests?.rps],
    ['p99', at('requests'), s.requests?.p99LatencyMs],
  ];
}

export class History {
  private readonly tiers: Tier[];
  private readonly lastAt = new Map<SeriesName, string>();

  constructor(intervalMs: number) {
    this.tiers = historyTiers(intervalMs).map((t) => new Tier(t.span, t.stepMs, t.capacity));
  }

  /** Folds in whatever in the snapshot is a sample not seen before; returns whether anything was. */
  offer(s: Sampled): boolean {
    let added = false;
    for (const [series, at, value] of readings(s)) {
      if (at === null || value === null || value === undefined || !Number.isFinite(value)) continue;
      if (this.lastAt.get(series) === at) continue;
      this.lastAt.set(series, at);
      const t = Date.parse(at);
      for (const tier of this.tiers) tier.add(series, t, value);
      added = true;
    }
    return added;
  }

  /** The host process's figures of one interval, sampled in main at `atMs`. */
  offerProcess(p: ProcessSection, atMs: number): void {
    const values: Array<[SeriesName, number]> = [
      ['procCpu', p.cpuPercent],
      ['rss', p.rssMiB],
      ['heap', p.heapUsedMiB],
      ['loopP99', p.eventLoop.p99Ms],
    ];
    for (const [series, value] of values) for (const tier of this.tiers) tier.add(series, atMs, value);
  }

  view(span: HistorySpan): HistoryView {
    return (this.tiers.find((t) => t.span === span) ?? this.tiers[0]!).view();
  }

  /** The newest point of every tier: what a front end that keeps a copy needs to stay current. */
  tails(): Record<HistorySpan, HistoryPoint | null> {
    const out = {} as Record<HistorySpan, HistoryPoint | null>;
    for (const t of this.tiers) {
      const last = t.points[t.points.length - 1];
      out[t.span] = last ? { ...last } : null;
    }
    return out;
  }
}
