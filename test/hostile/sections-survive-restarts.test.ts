// Issue 9.10: once a section has a value it never turns back to null; a value from a thread that
// is gone is marked stale until its replacement samples afresh, even after the dashboard failed.
import { describe, expect, it } from 'vitest';
import { startDashboard, type DashboardSnapshot, type RestartEvent } from '../../dist/src/index.js';
import { nextEvent, waitFor } from '../helpers.js';

const nullSections = (s: DashboardSnapshot): string[] => (['cpu', 'memory', 'requests'] as const).filter((k) => s[k] === null);

describe('sections around coordinator restarts', () => {
  it('getDashboard() never returns a null section once one was filled, across 15 coordinator crashes', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000, supervision: { maxRestarts: 100, periodMs: 1000 } });
    try {
      await dash.collect();
      let calls = 0;
      const nulls: string[][] = [];
      let staleSeen = 0;
      let done = false;
      const reader = (async () => {
        while (!done) {
          const s = await dash.getDashboard();
          calls++;
          if (nullSections(s).length > 0) nulls.push(nullSections(s));
          if (s.stale.length > 0) staleSeen++;
          await new Promise((r) => setImmediate(r));
        }
      })();
      const pushed: DashboardSnapshot[] = [];
      dash.on('snapshot', (s) => pushed.push(s));
      for (let i = 0; i < 15; i++) {
        const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'coordinator');
        await dash.crash('coordinator', i % 2 ? 'kill' : 'throw');
        await restarted;
      }
      done = true;
      await reader;
      expect(calls).toBeGreaterThan(100);
      expect(nulls).toEqual([]);
      // Pushed snapshots: a section null after it had a value once. (Main pushes on its own vitals
      // tick too, with the coordinator snapshot it holds: the first may come before the first
      // requests sample has reached main, which is not a section turning back to null.)
      const filled = new Set<string>();
      const turnedNull: string[] = [];
      for (const snap of pushed) {
        for (const k of ['cpu', 'memory', 'requests'] as const) {
          if (snap[k] !== null) filled.add(k);
          else if (filled.has(k)) turnedNull.push(k);
        }
      }
      expect(turnedNull).toEqual([]);
      expect([...filled].sort()).toEqual(['cpu', 'memory', 'requests']);
      // While a replacement had not sampled yet, its sections were the old ones, marked stale.
      expect(pushed.some((s) => s.stale.includes('cpu'))).toBe(true);
      expect(staleSeen + pushed.filter((s) => s.stale.length > 0).length).toBeGreaterThan(0);
      // Fresh again once the new workers sampled.
      await dash.collect();
      expect((await dash.getDashboard()).stale).toEqual([]);
    } finally {
      await dash.stop();
    }
  });

  it('after the dashboard failed, the last good sections remain, all stale, the requests total exact', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000, supervision: { maxRestarts: 1, periodMs: 60_000 } });
    try {
      for (let i = 0; i < 7; i++) dash.recordRequest({ durationMs: 5, status: 200 });
      await dash.collect();
      const failed = nextEvent(dash, 'failed');
      await dash.crash('coordinator', 'kill');
      await nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'coordinator');
      await waitFor('the coordinator running', async () => (await dash.getDashboard()).coordinator.status === 'running');
      await dash.crash('coordinator', 'kill');
      await failed;
      const s = await dash.getDashboard();
      expect(s.coordinator.status).toBe('failed');
      expect(nullSections(s)).toEqual([]);
      expect(s.stale.sort()).toEqual(['cpu', 'memory', 'requests']);
      expect(s.requests!.total).toBe(7);
      expect(s.workers.every((w) => w.status === 'failed')).toBe(true);
    } finally {
      await dash.stop();
    }
  });
});
