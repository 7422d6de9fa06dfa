// Issue 9.3: a call into the coordinator is released when it settles, not when the coordinator dies.
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('calls into the coordinator', () => {
  it('20,000 calls grow the heap by less than 4 MB', async () => {
    const r = await runScenario(
      `
      // gc() without the --expose-gc flag, so this test does not depend on how flags are handled.
      const v8 = await import('node:v8');
      const vm = await import('node:vm');
      v8.setFlagsFromString('--expose-gc');
      const gc = vm.runInNewContext('gc');
      const dash = await startDashboard({ intervalMs: 3_600_000 });
      const heap = () => { gc(); gc(); return process.memoryUsage().heapUsed; };
      // Warm up: code paths compiled, caches filled.
      for (let i = 0; i < 2000; i++) await (i % 2 ? dash.collect() : dash.workerCount());
      const before = heap();
      for (let i = 0; i < 20000; i++) await (i % 2 ? dash.collect() : dash.workerCount());
      const after = heap();
      print({ before, after, growthMb: (after - before) / 1048576 });
      await dash.stop();
    `,
      { timeoutMs: 90_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const { growthMb } = r.printed[0] as { growthMb: number };
    expect(growthMb).toBeLessThan(4);
  }, 120_000);
});
