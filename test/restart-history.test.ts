// Issue 12: main is the single source of thread status, restart totals and recovery.
import { describe, expect, it } from 'vitest';
import { startDashboard, type RecoveredEvent, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, waitFor } from './helpers.js';

describe('restart totals, uptimes and recoveries', () => {
  it('keep each worker’s restarts across a coordinator restart, and report every recovery once', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000, supervision: { maxRestarts: 50 } });
    const recovered: RecoveredEvent[] = [];
    const stop = dash.subscribe({ recovered: (r) => recovered.push(r) });
    try {
      await dash.collect();
      const first = await dash.getDashboard();
      expect(first.workers.every((w) => w.startedAt !== null)).toBe(true);
      for (let i = 1; i <= 2; i++) {
        const restart = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'cpu');
        await dash.crash('cpu', 'kill');
        expect((await restart).restarts).toBe(i);
        await waitFor('cpu recovered', () => recovered.filter((r) => r.target === 'cpu').length === i);
      }
      const coordinator = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'coordinator');
      await dash.crash('coordinator', 'throw');
      const c = await coordinator;
      await waitFor('coordinator recovered', () => recovered.some((r) => r.target === 'coordinator'));
      await dash.collect();
      const s = await dash.getDashboard();
      const cpu = s.workers.find((w) => w.name === 'cpu')!;
      expect(cpu.restarts).toBe(2);
      expect(s.workers.find((w) => w.name === 'memory')!.restarts).toBe(0);
      expect(s.coordinator.restarts).toBe(1);
      // The workers the new coordinator started are newer than its predecessor's death.
      expect(Date.parse(cpu.startedAt!)).toBeGreaterThan(Date.parse(c.at) - c.downtimeMs);
      const r = recovered.find((x) => x.target === 'coordinator')!;
      expect(r.threadId).toBe(c.newThreadId);
      expect(r.ms).toBe(Date.parse(r.at) - Date.parse(r.diedAt));
      expect(recovered.filter((x) => x.target === 'cpu').map((x) => x.ms > 0)).toEqual([true, true]);
      // The history the engine keeps has the samples, once each.
      const h = dash.history('2m');
      expect(h.points.length).toBeGreaterThan(0);
      expect(h.points.every((p, i) => i === 0 || p.t > h.points[i - 1]!.t)).toBe(true);
    } finally {
      stop();
      await dash.stop();
    }
  });
});
