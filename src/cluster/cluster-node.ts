/**
 * One process's part in a fleet: it publishes its report every interval (a node) and, once
 * something asks for the fleet (getFleet(), a front end), listens to everyone's (a viewer).
 * A node that nobody asks never reads, so N nodes cost N messages a second, not N².
 * Thin: the decisions are wire.ts, fleet-state.ts and fleet-view.ts; the I/O is the transport's.
 */
import type { RequestCounts } from '../shared/request-counters.js';
import type { AppReading } from '../main/app-metrics/types.js';
import type { DashboardSnapshot } from '../snapshot.js';
import { FleetState } from './fleet-state.js';
import { computeFleetView, fleetAppMetrics, fleetHistogram } from './fleet-view.js';
import type { ResolvedCluster } from './options.js';
import { buildReport, encodeWithin } from './report.js';
import type { Transport } from './transport.js';
import type { FleetTransport, FleetView } from './types.js';
import { parseReport, REJECT_REASONS, type RejectReason } from './wire.js';

/** What the cluster needs from its dashboard (the Dashboard facade implements it). */
export interface ClusterHost {
  readonly startedAt: string;
  requestCounts(): RequestCounts;
  snapshotNow(): DashboardSnapshot;
  /** dash.metrics read now: cumulative values and bucket counts. */
  appReadings(): AppReading[];
  /** Pushes a fleet view to the dashboard's 'fleet' listeners; false when it has none. */
  emitFleet(view: FleetView): boolean;
  hasFleetListeners(): boolean;
}

/** Missed report intervals after which a node is down. */
export const DOWN_AFTER_INTERVALS = 3;
/** How often a viewer looks for silent nodes: down detection lands within this of its deadline. */
const SWEEP_MS = 250;
/** Fleet views are pushed to listeners at most this often. */
const PUSH_MS = 500;
/** A node down this long leaves the list (its counts stay in the totals). */
const FORGET_AFTER_MS = 60 * 60_000;
/** The oldest a stored report can be (its key's TTL is shorter): clamps a node's clock skew. */
const STORED_MAX_AGE_MS = 60_000;

export class ClusterNode {
  private readonly state: FleetState;
  private readonly rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  private received = 0;
  private viewing: Promise<void> | null = null;
  private publishTimer: NodeJS.Timeout | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private seq = 0;
  private dirty = false;
  private lastPushMs = 0;
  private publishErrors = 0;
  private readonly startedAtMs: number;
  private closed = false;

  constructor(
    private readonly host: ClusterHost,
    readonly cluster: ResolvedCluster,
    private readonly transport: Transport,
  ) {
    this.startedAtMs = Date.parse(host.startedAt);
    this.state = new FleetState({
      maxNodes: cluster.maxNodes,
      downAfterIntervals: DOWN_AFTER_INTERVALS,
      forgetAfterMs: FORGET_AFTER_MS,
      self: cluster.publish ? cluster.node : null,
    });
  }

  /** `viewNow`: listen from the start (a node:cluster primary is the fleet's viewer by design). */
  start(viewNow: boolean): void {
    if (this.cluster.publish) {
      this.publishTimer = setInterval(() => this.publishNow(), this.cluster.intervalMs);
      this.publishTimer.unref();
      // The first report at once, so the node is in the fleet before its first interval.
      setImmediate(() => this.publishNow()).unref();
    }
    if (viewNow) void this.startViewing();
  }

  private publishNow(): void {
    if (this.closed) return;
    try {
      this.seq += 1;
      const report = buildReport({
        cluster: this.cluster,
        startedAtMs: this.startedAtMs,
        seq: this.seq,
        counts: this.host.requestCounts(),
        snapshot: this.host.snapshotNow(),
        app: this.host.appReadings(),
      });
      this.transport.publish(this.cluster.node, encodeWithin(report));
    } catch {
      // Never into the host's timer: a report that cannot be built is skipped, and counted.
      this.publishErrors += 1;
    }
  }

  private startViewing(): Promise<void> {
    if (!this.viewing) {
      this.sweepTimer = setInterval(() => this.sweep(), SWEEP_MS);
      this.sweepTimer.unref();
      this.viewing = this.transport.view((raw, stored) => this.onReport(raw, stored)).catch(() => undefined);
    }
    return this.viewing;
  }

  /** `stored`: read from a node's key rather than heard on the channel (it may be a few seconds old). */
  private onReport(raw: string | Buffer, stored: boolean): void {
    this.received += 1;
    const parsed = parseReport(raw, this.cluster.name);
    if (!parsed.ok) {
      this.rejected[parsed.reason] += 1;
      return;
    }
    const now = Date.now();
    // A stored report was last heard when it was written (its key's TTL bounds how long ago), so a
    // node killed just before a viewer starts is still down on time; a node's clock is trusted no further.
    const seen = stored ? Math.min(now, Math.max(parsed.report.timeMs, now - STORED_MAX_AGE_MS)) : now;
    const applied = this.state.apply(parsed.report, seen);
    if (!applied.ok) this.rejected[applied.reason] += 1;
    else this.dirty = true;
  }

  private sweep(): void {
    const now = Date.now();
    const changes = this.state.sweep(now);
    if (changes.length > 0) this.dirty = true;
    if (!this.dirty || now - this.lastPushMs < PUSH_MS || !this.host.hasFleetListeners()) return;
    this.dirty = false;
    this.lastPushMs = now;
    this.host.emitFleet(this.view(now));
  }

  private view(now: number): FleetView {
    this.state.sweep(now);
    return computeFleetView(this.state, now, {
      name: this.cluster.name,
      self: this.cluster.publish ? this.cluster.node : null,
      transport: this.transportView(),
    });
  }

  private transportView(): FleetTransport {
    const t = this.transport.state();
    return {
      kind: t.kind,
      status: t.status,
      endpoint: t.endpoint,
      since: new Date(t.sinceMs).toISOString(),
      lastError: t.lastError && { message: t.lastError.message, at: new Date(t.lastError.atMs).toISOString() },
      reconnects: t.reconnects,
      published: t.published,
      publishFailures: t.publishFailures + this.publishErrors,
      received: this.received,
      rejected: { ...this.rejected },
    };
  }

  /** The fleet now. The first call starts listening and waits (boundedly) for the stored reports, so it shows every node at once. */
  async getFleet(): Promise<FleetView> {
    await this.startViewing();
    return this.view(Date.now());
  }

  /** The fleet's cumulative latency histogram, for /metrics (empty until the first getFleet()). */
  fleetHistogram(): { counts: Float64Array; sumMicros: number } {
    return fleetHistogram(this.state);
  }

  /** The fleet's app metrics merged, buckets included, for /metrics (empty until the first getFleet()). */
  fleetAppMetrics(): AppReading[] {
    this.state.sweep(Date.now());
    return fleetAppMetrics(this.state);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.publishTimer) clearInterval(this.publishTimer);
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    await this.transport.close();
  }
}
