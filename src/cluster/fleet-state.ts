/**
 * A viewer's knowledge of the fleet: one track per node, bounded in number, and the counts of
 * nodes it has forgotten (folded into `retired`, so the fleet total never decreases). No
 * timers and no I/O: the plumbing feeds it reports and asks it to sweep.
 */
import { addAppReport, addAppTotals, type AppTotal } from './app-track.js';
import { addToOffset, advance, emptyOffset, isDown, isStale, newTrack, type NodeTrack, type Offset } from './node-track.js';
import type { NodeReport, RejectReason } from './wire.js';

export interface FleetStateOptions {
  maxNodes: number;
  /** Missed intervals after which a node is down. */
  downAfterIntervals: number;
  /** A node down this long leaves the list (its counts stay in the totals). */
  forgetAfterMs: number;
  /** This process's own node: always has a place, however many others crowd in. */
  self?: string | null;
}

export interface StatusChange {
  node: string;
  status: 'up' | 'down';
}

export type ApplyResult = { ok: true; change: StatusChange | null; reset: boolean } | { ok: false; reason: RejectReason };

export class FleetState {
  readonly tracks = new Map<string, NodeTrack>();
  /** Counts of forgotten nodes. */
  readonly retired: Offset = emptyOffset();

  constructor(readonly options: FleetStateOptions) {}

  apply(report: NodeReport, nowMs: number): ApplyResult {
    const t = this.tracks.get(report.node);
    if (!t) {
      const full = this.tracks.size >= this.options.maxNodes && report.node !== this.options.self;
      if (full && !this.evictOneDown(nowMs)) return { ok: false, reason: 'too-many-nodes' };
      this.tracks.set(report.node, newTrack(report, nowMs));
      return { ok: true, change: { node: report.node, status: 'up' }, reset: false };
    }
    if (isStale(t.report, report)) return { ok: false, reason: 'stale' };
    const resets = t.resets;
    advance(t, report, nowMs);
    const wasDown = t.status === 'down';
    t.status = 'up';
    return { ok: true, change: wasDown ? { node: report.node, status: 'up' } : null, reset: t.resets !== resets };
  }

  /** Marks nodes that went silent as down, forgets those down too long; returns the changes. */
  sweep(nowMs: number): StatusChange[] {
    const changes: StatusChange[] = [];
    for (const [node, t] of this.tracks) {
      if (t.status === 'up' && isDown(t, nowMs, this.options.downAfterIntervals)) {
        t.status = 'down';
        changes.push({ node, status: 'down' });
      }
      if (t.status === 'down' && nowMs - t.seenMs > this.options.forgetAfterMs) this.forget(node, t);
    }
    return changes;
  }

  /** Makes room for a new node by forgetting the one down longest, if any is down. */
  private evictOneDown(nowMs: number): boolean {
    let oldest: [string, NodeTrack] | null = null;
    for (const entry of this.tracks) {
      const t = entry[1];
      const down = t.status === 'down' || isDown(t, nowMs, this.options.downAfterIntervals);
      if (down && (!oldest || t.seenMs < oldest[1].seenMs)) oldest = entry;
    }
    if (!oldest) return false;
    this.forget(oldest[0], oldest[1]);
    return true;
  }

  private forget(node: string, t: NodeTrack): void {
    addToOffset(this.retired, t.offset);
    addToOffset(this.retired, t.report.requests);
    // The app counters and histograms stay in the fleet's totals too; its gauges leave with it.
    if (t.offset.app || t.report.app) {
      const app = (this.retired.app ??= new Map<string, AppTotal>());
      if (t.offset.app) addAppTotals(app, t.offset.app);
      addAppReport(app, t.report.app);
    }
    this.tracks.delete(node);
  }
}
