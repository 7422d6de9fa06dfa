/**
 * What a viewer keeps per node, and how a new report moves it on. Counter resets are handled as
 * Prometheus handles them: a node whose counters go down (or that comes back as a new
 * incarnation: another start time or pid) restarted from 0, so everything its previous
 * incarnation last reported is kept in an offset and the node's totals never decrease.
 * What the old incarnation counted after its last report is lost, as in Prometheus.
 */
import { addAppReport, appWentDown, carryForward, type AppTotal, type AppTotals } from './app-track.js';
import { addInto, sparseDelta, type SparseHistogram } from './sparse-histogram.js';
import type { NodeReport, ReportCounts } from './wire.js';
import { BUCKET_COUNT } from '../shared/histogram.js';

/** Counts of requests no longer in a live report: earlier incarnations, or nodes forgotten. */
export interface Offset {
  total: number;
  byClass: [number, number, number, number, number];
  timed: number;
  latencySumMicros: number;
  /** Dense, allocated on the first reset only. */
  histogram: Float64Array | null;
  /** App counters and histograms of earlier incarnations; allocated on the first reset with any. */
  app: AppTotals | null;
}

export interface NodeTrack {
  report: NodeReport;
  /** The report before it from the same incarnation: rates and interval percentiles are their difference. */
  prev: NodeReport | null;
  /** The viewer's clock when the report arrived (down detection never trusts a node's clock). */
  seenMs: number;
  offset: Offset;
  resets: number;
  /** The status last announced, so a sweep reports each change once. */
  status: 'up' | 'down';
}

export function emptyOffset(): Offset {
  return { total: 0, byClass: [0, 0, 0, 0, 0], timed: 0, latencySumMicros: 0, histogram: null, app: null };
}

/** Adds a report's cumulative counts into an offset. */
export function addToOffset(o: Offset, c: ReportCounts | Offset): void {
  o.total += c.total;
  for (let i = 0; i < 5; i++) o.byClass[i]! += c.byClass[i]!;
  o.timed += c.timed;
  o.latencySumMicros += c.latencySumMicros;
  const h = c.histogram;
  if (h === null || (!(h instanceof Float64Array) && h.index.length === 0)) return;
  o.histogram ??= new Float64Array(BUCKET_COUNT);
  if (h instanceof Float64Array) for (let i = 0; i < BUCKET_COUNT; i++) o.histogram[i]! += h[i]!;
  else addInto(o.histogram, h);
}

export function newTrack(report: NodeReport, seenMs: number): NodeTrack {
  return { report, prev: null, seenMs, offset: emptyOffset(), resets: 0, status: 'up' };
}

/** Another incarnation of the node: restarted (new start time or pid), or its counters went down. */
export function isReset(before: NodeReport, after: NodeReport): boolean {
  if (after.startedAtMs !== before.startedAtMs || after.pid !== before.pid) return true;
  const a = after.requests;
  const b = before.requests;
  return (
    a.total < b.total ||
    a.timed < b.timed ||
    a.latencySumMicros < b.latencySumMicros ||
    a.byClass.some((c, i) => c < b.byClass[i]!) ||
    appWentDown(before.app, after.app)
  );
}

/** A report older than (or the same as) one already applied: a late message from an earlier incarnation, or a duplicate. */
export function isStale(current: NodeReport, incoming: NodeReport): boolean {
  if (incoming.startedAtMs < current.startedAtMs) return true;
  return incoming.startedAtMs === current.startedAtMs && incoming.pid === current.pid && incoming.seq <= current.seq;
}

/** Moves a track on by one report (already checked not stale); returns the same object. */
export function advance(t: NodeTrack, report: NodeReport, seenMs: number): NodeTrack {
  if (isReset(t.report, report)) {
    addToOffset(t.offset, t.report.requests);
    if (t.report.app) addAppReport((t.offset.app ??= new Map<string, AppTotal>()), t.report.app);
    t.resets += 1;
    t.prev = null;
  } else {
    report.app = carryForward(t.report.app, report.app);
    t.prev = t.report;
  }
  t.report = report;
  t.seenMs = seenMs;
  return t;
}

/** What a node's interval looks like: its last two reports' difference. */
export interface NodeInterval {
  seconds: number;
  total: number;
  byClass: number[];
  timed: number;
  latencySumMicros: number;
  histogram: SparseHistogram;
}

export function nodeInterval(t: NodeTrack): NodeInterval | null {
  const prev = t.prev;
  if (!prev) return null;
  const a = t.report.requests;
  const b = prev.requests;
  const seconds = (t.report.timeMs - prev.timeMs) / 1000;
  if (!(seconds > 0)) return null;
  return {
    seconds,
    total: a.total - b.total,
    byClass: a.byClass.map((c, i) => c - b.byClass[i]!),
    timed: a.timed - b.timed,
    latencySumMicros: a.latencySumMicros - b.latencySumMicros,
    histogram: sparseDelta(b.histogram, a.histogram),
  };
}

/** Down after `intervals` report intervals of silence, plus a grace for a late message. */
export const DOWN_GRACE_MS = 500;

export function isDown(t: NodeTrack, nowMs: number, intervals: number): boolean {
  return nowMs - t.seenMs > intervals * t.report.intervalMs + DOWN_GRACE_MS;
}
