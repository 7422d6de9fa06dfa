/**
 * The short history behind the page's charts, kept by the server too so a page that connects
 * (or reconnects) draws its charts at once instead of starting empty.
 */
import type { DashboardSnapshot } from '../../snapshot.js';

export interface HistoryPoint {
  /** Epoch ms of the snapshot's newest sample. */
  t: number;
  cpu: number | null;
  mem: number | null;
  rps: number | null;
  p99: number | null;
}

/**
 * Workers sample on their own timers, so one round's samples arrive a few ms apart as separate
 * snapshots; those within this window of the round's first one make one point.
 */
export const ROUND_MS = 250;

export interface HistoryRing {
  points: HistoryPoint[];
  /** `t` of the first snapshot of the newest point's round. */
  roundStart: number;
  max: number;
}

export function historyRing(max: number): HistoryRing {
  return { points: [], roundStart: -Infinity, max };
}

export function historyPoint(s: DashboardSnapshot): HistoryPoint | null {
  if (s.lastUpdated === null) return null;
  return {
    t: Date.parse(s.lastUpdated),
    cpu: s.cpu?.usage ?? null,
    mem: s.memory?.usagePercent ?? null,
    rps: s.requests?.rps ?? null,
    p99: s.requests?.p99LatencyMs ?? null,
  };
}

/** Adds `p` as a new point, or as the newer state of the current round's point; keeps at most `max`. */
export function pushHistory(ring: HistoryRing, p: HistoryPoint): void {
  const { points } = ring;
  const last = points[points.length - 1];
  if (last && p.t <= last.t) return;
  if (last && p.t - ring.roundStart < ROUND_MS) {
    points[points.length - 1] = p;
    return;
  }
  ring.roundStart = p.t;
  points.push(p);
  if (points.length > ring.max) points.splice(0, points.length - ring.max);
}
