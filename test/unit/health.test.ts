// Health's judgement: pure checks over a snapshot, the 5xx share over a window of live requests,
// the start-up interval's loop delay shown but not judged.
import { describe, expect, it } from 'vitest';
import type { DashboardSnapshot } from '../../dist/src/index.js';
import { ErrorWindow } from '../../dist/src/main/error-window.js';
import { assessHealth, DEFAULT_HEALTH, type HealthContext } from '../../dist/src/main/health.js';
import { RequestCounters } from '../../dist/src/shared/request-counters.js';

const snapshot = (p99Ms: number): DashboardSnapshot =>
  ({
    coordinator: { status: 'running' },
    workers: [],
    requests: { errorRate: 50 },
    process: { heapUsedMiB: 10, heapLimitMiB: 1000, eventLoop: { p99Ms } },
  }) as unknown as DashboardSnapshot;

const context = (over: Partial<HealthContext>): HealthContext => ({
  thresholds: DEFAULT_HEALTH,
  intervalMs: 1000,
  nowMs: 0,
  loopSettled: true,
  errors: null,
  ...over,
});

describe('health', () => {
  it('takes the 5xx share over the window, from the shared counters’ live totals', () => {
    const counters = new RequestCounters();
    for (let i = 0; i < 96; i++) counters.record(3, 200);
    for (let i = 0; i < 4; i++) counters.record(3, 503);
    expect(counters.readLiveTotals(7)).toEqual({ timeMs: 7, total: 100, errors: 4 });
    const w = new ErrorWindow(10_000);
    expect(w.reading()).toBeNull();
    w.add({ timeMs: 0, total: 1000, errors: 500 });
    w.add({ timeMs: 5000, total: 1100, errors: 504 });
    expect(w.reading()).toEqual({ requests: 100, errors: 4, spanMs: 5000 });
    // Older points fall out, one kept at the window's edge to measure from.
    w.add({ timeMs: 10_000, total: 1200, errors: 508 });
    w.add({ timeMs: 15_000, total: 1300, errors: 600 });
    expect(w.reading()).toEqual({ requests: 200, errors: 96, spanMs: 10_000 });
  });

  it('judges the 5xx share only with enough requests, whatever one interval says', () => {
    const few = assessHealth(snapshot(1), context({ errors: { requests: 20, errors: 10, spanMs: 30_000 } }));
    expect(few.checks.find((c) => c.name === 'errors')).toEqual({
      name: 'errors',
      status: 'ok',
      message: '20 requests over the last 30 s, too few to judge (at least 50)',
    });
    const many = assessHealth(snapshot(1), context({ errors: { requests: 400, errors: 24, spanMs: 30_000 } }));
    expect(many.checks.find((c) => c.name === 'errors')).toMatchObject({
      status: 'warn',
      message: expect.stringMatching(/^5xx 6 % of 400 requests/),
    });
    expect(many.areas).toEqual({ process: 'ok', requests: 'warn', threads: 'ok' });
    const worse = assessHealth(snapshot(1), context({ errors: { requests: 400, errors: 120, spanMs: 30_000 } }));
    expect(worse.status).toBe('critical');
  });

  it('shows the start-up interval’s loop delay without judging it, and judges the next', () => {
    const start = assessHealth(snapshot(800), context({ loopSettled: false }));
    expect(start.checks[0]).toEqual({ name: 'event-loop', status: 'ok', message: 'event-loop delay p99 800 ms over start-up, not judged' });
    expect(assessHealth(snapshot(800), context({})).checks[0]!.status).toBe('critical');
  });
});
