// Issue 15: app metrics count exactly across thread crashes (real threads, no mocks): the values are main's, in buffers no crash touches.
import { describe, expect, it } from 'vitest';
import { startDashboard, type AppCounterValue, type AppHistogramValue, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, waitFor } from './helpers.js';

describe('app metrics across crashes', () => {
  it('finds all 100,000 increments and 100,000 observations after a coordinator crash and a requests-worker crash', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000, supervision: { maxRestarts: 20 } });
    try {
      const jobs = dash.metrics.counter('jobs_done', { help: 'jobs finished' });
      const took = dash.metrics.histogram('job_duration_ms');
      const depth = dash.metrics.gauge('queue_depth');
      let incs = 0;
      let sumMicros = 0;
      const burst = (n: number): void => {
        for (let i = 0; i < n; i++) {
          jobs.inc();
          incs++;
          const us = 1 + ((incs * 7919) % 250_000); // 1 µs to 250 ms, whole µs: the sum is exact
          took.observe(us / 1000);
          sumMicros += us;
          depth.set(incs % 100);
        }
      };
      const crashes = [
        ['coordinator', 'throw'],
        ['requests', 'kill'],
      ] as const;
      for (const [target, how] of crashes) {
        burst(25_000);
        const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === target);
        await dash.crash(target, how);
        burst(15_000); // counted while the thread is down
        // Main holds the values: exact even now, whatever thread is missing.
        const during = (await dash.getDashboard()).app.jobs_done as AppCounterValue;
        expect(during.value).toBe(incs);
        await restarted;
        await waitFor('every built-in worker running', async () =>
          (await dash.getDashboard()).workers.every((w) => w.status === 'running'),
        );
      }
      burst(20_000);
      await dash.collect();
      const app = (await dash.getDashboard()).app;
      expect(incs).toBe(100_000);
      expect((app.jobs_done as AppCounterValue).value).toBe(100_000);
      const h = app.job_duration_ms as AppHistogramValue;
      expect(h.count).toBe(100_000);
      expect(h.sum).toBe(sumMicros / 1000);
      expect(app.queue_depth).toEqual({ type: 'gauge', value: 100_000 % 100 });
      // The same instruments, asked for again after the crashes.
      expect(dash.metrics.counter('jobs_done')).toBe(jobs);
      expect(dash.metrics.read().find((r) => r.name === 'job_duration_ms')).toMatchObject({ count: 100_000, sum: sumMicros });
    } finally {
      await dash.stop();
    }
  });
});
