/**
 * The app metrics' chart history, kept in the engine beside the other series (main/history.ts,
 * same spans and steps) so a front end draws a sparkline without keeping values of its own.
 * One figure per instrument, the one a sparkline of it shows: a counter's rate, a gauge's value,
 * a histogram's p99 (the worst in a point, as for request latency: a p99 is not averaged away).
 * Bounded: at most MAX_APP_METRICS instruments, each a fixed number of points per span.
 */
import { historyTiers, type HistorySpan } from '../history.js';
import type { AppSection } from '../../snapshot.js';

export interface AppHistoryPoint {
  /** Start of the point's bucket, epoch ms. */
  t: number;
  v: number;
}

export interface AppHistoryView {
  span: HistorySpan;
  stepMs: number;
  capacity: number;
  /** By instrument: its headline figure (counter rate, gauge value, histogram p99), oldest first. */
  series: Record<string, AppHistoryPoint[]>;
}

interface Line {
  points: AppHistoryPoint[];
  sum: number;
  count: number;
}

/** The figure a sparkline shows, or null when the instrument has none yet (no interval, no observation). */
export function headline(m: AppSection[string]): { value: number; worst: boolean } | null {
  if (m === undefined) return null;
  if (m.type === 'gauge') return { value: m.value, worst: false };
  if (m.type === 'counter') return m.rate === null ? null : { value: m.rate, worst: false };
  return m.p99 === null ? null : { value: m.p99, worst: true };
}

class AppTier {
  readonly #lines = new Map<string, Line>();

  constructor(
    readonly span: HistorySpan,
    readonly stepMs: number,
    readonly capacity: number,
  ) {}

  add(name: string, timeMs: number, value: number, worst: boolean): void {
    const t = Math.floor(timeMs / this.stepMs) * this.stepMs;
    let line = this.#lines.get(name);
    if (!line) this.#lines.set(name, (line = { points: [], sum: 0, count: 0 }));
    let last = line.points[line.points.length - 1];
    if (last && t < last.t) return;
    if (!last || t > last.t) {
      last = { t, v: value };
      line.points.push(last);
      if (line.points.length > this.capacity) line.points.splice(0, line.points.length - this.capacity);
      line.sum = 0;
      line.count = 0;
    }
    line.sum += value;
    line.count += 1;
    last.v = worst ? Math.max(last.v, value) : line.sum / line.count;
  }

  view(): AppHistoryView {
    const series: Record<string, AppHistoryPoint[]> = {};
    for (const [name, line] of this.#lines) series[name] = line.points.map((p) => ({ ...p }));
    return { span: this.span, stepMs: this.stepMs, capacity: this.capacity, series };
  }
}

export class AppHistory {
  readonly #tiers: AppTier[];

  constructor(intervalMs: number) {
    this.#tiers = historyTiers(intervalMs).map((t) => new AppTier(t.span, t.stepMs, t.capacity));
  }

  /** Folds in each instrument's headline figure of the section, measured at `atMs`. */
  offer(app: AppSection, atMs: number): void {
    for (const [name, m] of Object.entries(app)) {
      const h = headline(m);
      if (h === null || !Number.isFinite(h.value)) continue;
      for (const tier of this.#tiers) tier.add(name, atMs, h.value, h.worst);
    }
  }

  view(span: HistorySpan): AppHistoryView {
    return (this.#tiers.find((t) => t.span === span) ?? this.#tiers[0]!).view();
  }
}
