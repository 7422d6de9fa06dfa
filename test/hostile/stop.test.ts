// Issue 9.7 and 9.11: stop() is idempotent for every caller; recording after stop() is harmless.
import { describe, expect, it } from 'vitest';
import { startDashboard } from '../../dist/src/index.js';
import { threadCount } from '../helpers.js';
import { runScenario } from './scenario.js';

describe('stop()', () => {
  it('called twice at once: both resolve only once every thread is gone', async () => {
    const threads = threadCount();
    const dash = await startDashboard();
    await dash.collect();
    expect(threadCount()).toBe(threads + 4);
    const first = dash.stop();
    const second = dash.stop();
    await second;
    expect(threadCount()).toBe(threads);
    await first;
    await dash.stop();
    expect(threadCount()).toBe(threads);
  });

  it('then recordRequest(): no exception into the request path, nothing counted, one warning', async () => {
    const r = await runScenario(`
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.code));
      const dash = await startDashboard({ builtins: ['requests'] });
      dash.recordRequest({ durationMs: 1, status: 200 });
      await dash.stop();
      for (let i = 0; i < 1000; i++) dash.recordRequest({ durationMs: 1, status: 200 });
      await new Promise((r) => setImmediate(r));
      print({ warnings, total: dash.requestCounts().total });
    `);
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed[0]).toEqual({ warnings: ['THREADBOARD_RECORD_AFTER_STOP'], total: 1 });
  });
});
