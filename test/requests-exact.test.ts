import { describe, expect, it } from 'vitest';
import { startDashboard, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, waitFor } from './helpers.js';

describe('recordRequest totals', () => {
  it('stay exact across crashes of the requests worker and of the coordinator', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000, supervision: { maxRestarts: 20 } });
    try {
      let sent = 0;
      let errors = 0;
      const burst = (n: number): void => {
        for (let i = 0; i < n; i++) {
          const status = sent % 10 === 0 ? 503 : 200;
          if (status >= 500) errors++;
          dash.recordRequest({ durationMs: 1 + (sent % 50), status });
          sent++;
        }
      };
      const crashes: Array<['requests' | 'coordinator', 'throw' | 'kill' | 'oom' | 'exit']> = [
        ['requests', 'throw'],
        ['coordinator', 'kill'],
        ['requests', 'oom'],
        ['coordinator', 'exit'],
        ['requests', 'kill'],
      ];
      for (const [target, how] of crashes) {
        burst(2500);
        const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === target);
        await dash.crash(target, how);
        burst(1500); // recorded while the thread is down
        await restarted;
        await waitFor('requests worker running', async () => (await dash.getDashboard()).workers[2]!.status === 'running');
      }
      burst(1000);
      await dash.collect();
      const r = (await dash.getDashboard()).requests!;
      expect(r.total).toBe(sent);
      expect(sent).toBe(21_000);
      expect(errors).toBe(2100);
    } finally {
      await dash.stop();
    }
  });
});
