/**
 * Health: is this process, and its dashboard, well? Pure checks over a snapshot against
 * thresholds, worst first. Computed once, in main, into snapshot.health: the terminal, the page,
 * /healthz and the 'health' event all read that, and none judges for itself.
 */
import type { ErrorWindowReading } from './error-window.js';
import type { DashboardSnapshot, HealthArea, HealthCheck, HealthSection, HealthStatus } from '../snapshot.js';

export interface HealthThresholds {
  /** Main event-loop delay p99 over the interval, ms. */
  eventLoopP99Ms: { warn: number; critical: number };
  /** Heap used as a share of the main thread's heap limit, 0..1. */
  heapUsedRatio: { warn: number; critical: number };
  /** 5xx share of the live requests over the error window, percent. */
  errorRatePercent: { warn: number; critical: number };
  /** The window the 5xx share is taken over, ms. */
  errorWindowMs: number;
  /** Fewer requests than this in the window are too few to judge by. */
  errorMinRequests: number;
  /** A running worker with no fresh sample for this many intervals is critical. */
  staleIntervals: number;
}

export const DEFAULT_HEALTH: HealthThresholds = {
  eventLoopP99Ms: { warn: 100, critical: 500 },
  heapUsedRatio: { warn: 0.8, critical: 0.95 },
  errorRatePercent: { warn: 5, critical: 25 },
  errorWindowMs: 30_000,
  errorMinRequests: 50,
  staleIntervals: 3,
};

const RANK: Record<HealthStatus, number> = { ok: 0, warn: 1, critical: 2 };
export const worst = (a: HealthStatus, b: HealthStatus): HealthStatus => (RANK[a] >= RANK[b] ? a : b);

/** Which panel each check speaks for. */
const AREA: Record<string, HealthArea> = {
  'event-loop': 'process',
  heap: 'process',
  errors: 'requests',
  threads: 'threads',
  samples: 'threads',
};

/** The worst status of each area's checks. */
export function healthAreas(checks: readonly HealthCheck[]): Record<HealthArea, HealthStatus> {
  const areas: Record<HealthArea, HealthStatus> = { process: 'ok', requests: 'ok', threads: 'ok' };
  for (const c of checks) {
    const area = AREA[c.name];
    if (area) areas[area] = worst(areas[area], c.status);
  }
  return areas;
}

function level(value: number, t: { warn: number; critical: number }): HealthStatus {
  return value >= t.critical ? 'critical' : value >= t.warn ? 'warn' : 'ok';
}

export interface HealthContext {
  thresholds: HealthThresholds;
  intervalMs: number;
  nowMs: number;
  /** False while the process figures are the start-up interval's: its loop delay is shown, not judged. */
  loopSettled: boolean;
  /** The live requests and 5xx over the error window; null before two readings. */
  errors: ErrorWindowReading | null;
}

export function assessHealth(
  s: DashboardSnapshot,
  { thresholds: t, intervalMs, nowMs, loopSettled, errors }: HealthContext,
): HealthSection {
  const checks: HealthCheck[] = [];
  const p = s.process;
  if (p) {
    const lag = p.eventLoop.p99Ms;
    checks.push({
      name: 'event-loop',
      status: loopSettled ? level(lag, t.eventLoopP99Ms) : 'ok',
      message: loopSettled
        ? `event-loop delay p99 ${lag} ms (warn at ${t.eventLoopP99Ms.warn}, critical at ${t.eventLoopP99Ms.critical})`
        : `event-loop delay p99 ${lag} ms over start-up, not judged`,
    });
    const ratio = p.heapLimitMiB > 0 ? p.heapUsedMiB / p.heapLimitMiB : 0;
    checks.push({
      name: 'heap',
      status: level(ratio, t.heapUsedRatio),
      message: `heap ${p.heapUsedMiB} of ${p.heapLimitMiB} MiB (${Math.round(ratio * 100)} %; warn at ${t.heapUsedRatio.warn * 100} %)`,
    });
  }
  const threads = [{ name: 'coordinator', status: s.coordinator.status, group: 'builtin' }, ...s.workers];
  const failed = threads.filter((w) => w.status === 'failed');
  // A custom group that gave up degrades the dashboard; the dashboard or a built-in worker down is critical.
  const threadStatus: HealthStatus = failed.some((w) => w.group === 'builtin') ? 'critical' : failed.length > 0 ? 'warn' : 'ok';
  checks.push({
    name: 'threads',
    status: threadStatus,
    message: failed.length === 0 ? 'no thread failed' : `failed: ${failed.map((w) => w.name).join(', ')}`,
  });
  const limitMs = t.staleIntervals * intervalMs;
  const quiet = s.workers.filter(
    (w) => w.status === 'running' && w.lastSampleAt !== null && nowMs - Date.parse(w.lastSampleAt) > limitMs + 1000,
  );
  checks.push({
    name: 'samples',
    status: quiet.length > 0 ? 'critical' : 'ok',
    message:
      quiet.length === 0
        ? `every running worker sampled within ${t.staleIntervals} intervals`
        : `no fresh sample for ${t.staleIntervals} intervals from ${quiet.map((w) => w.name).join(', ')}`,
  });
  if (s.requests) {
    const window = errors ?? { requests: 0, errors: 0, spanMs: 0 };
    const seconds = Math.round(window.spanMs / 1000);
    const rate = window.requests > 0 ? Math.round((window.errors / window.requests) * 10_000) / 100 : 0;
    const judged = window.requests >= t.errorMinRequests;
    checks.push({
      name: 'errors',
      status: judged ? level(rate, t.errorRatePercent) : 'ok',
      message: judged
        ? `5xx ${rate} % of ${window.requests} requests over the last ${seconds} s (warn at ${t.errorRatePercent.warn} %, critical at ${t.errorRatePercent.critical} %)`
        : `${window.requests} requests over the last ${seconds} s, too few to judge (at least ${t.errorMinRequests})`,
    });
  }
  return { status: checks.reduce<HealthStatus>((acc, c) => worst(acc, c.status), 'ok'), checks, areas: healthAreas(checks) };
}

/** Two assessments differ for people when the overall status, or any check's status, changed. */
export function healthChanged(a: HealthSection | null, b: HealthSection): boolean {
  if (!a || a.status !== b.status) return true;
  const key = (h: HealthSection): string => h.checks.map((c) => `${c.name}:${c.status}`).join(',');
  return key(a) !== key(b);
}
