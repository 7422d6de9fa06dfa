import { BroadcastChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { waitFor } from './helpers.js';

describe('the sample channel', () => {
  it('is namespaced: two dashboards in one process never hear each other', async () => {
    const a = await startDashboard({ builtins: ['memory'] });
    const b = await startDashboard();
    try {
      expect(a.channelName).not.toBe(b.channelName);
      for (let i = 0; i < 3; i++) await Promise.all([a.collect(), b.collect()]);
      const sa = await a.getDashboard();
      const sb = await b.getDashboard();
      expect(sa.cpu).toBeNull();
      expect(sa.requests).toBeNull();
      expect(sa.memory).not.toBeNull();
      expect(sb.cpu).not.toBeNull();
      expect(sa.channel.rejected).toBe(0);
      expect(sb.channel.rejected).toBe(0);
      expect(sa.workers.map((w) => w.name)).toEqual(['memory']);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
  });

  it('counts malformed messages as rejected, drops them, and nothing crashes', async () => {
    const dash = await startDashboard();
    const rogue = new BroadcastChannel(dash.channelName);
    try {
      await dash.collect();
      const before = await dash.getDashboard();
      const good = { v: 1, kind: 'sample', seq: 0, time: Date.now(), threadId: 1, collectId: null };
      const bad: unknown[] = [
        null,
        'hello',
        42,
        [1, 2, 3],
        { ...good, v: 2, source: 'cpu', payload: {} },
        { ...good, kind: 'other', source: 'cpu', payload: {} },
        { ...good, source: '', payload: {} },
        { ...good, source: 'memory', seq: -1, payload: {} },
        { ...good, source: 'cpu', payload: { usage: 500, cores: 2, loadAvg: [0, 0, 0], perCore: [] } },
        { ...good, source: 'memory', payload: { totalMb: 10, usedMb: 4, freeMb: 5, usagePercent: 40 } },
        { ...good, source: 'requests', payload: { rps: -1 } },
        { ...good, source: 'nobody-here', payload: { x: 1 } },
      ];
      for (const m of bad) rogue.postMessage(m);
      const after = await waitFor('all rogue messages counted', async () => {
        const s = await dash.getDashboard();
        return s.channel.rejected === before.channel.rejected + bad.length ? s : null;
      });
      expect(after.cpu!.usage).toBeLessThanOrEqual(100);
      expect(after.memory!.freeMb).toBe(after.memory!.totalMb - after.memory!.usedMb);
      expect(after.custom).toEqual({});
      expect(after.coordinator.restarts).toBe(0);
      expect(after.workers.every((w) => w.restarts === 0)).toBe(true);
      await dash.collect();
      expect((await dash.getDashboard()).channel.received).toBeGreaterThan(before.channel.received);
    } finally {
      rogue.close();
      await dash.stop();
    }
  });
});
