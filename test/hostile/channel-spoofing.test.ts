// Issue 9.8: only the threads of a dashboard can reach its sample channel, only the live owner
// of a name speaks for it, and every payload is checked completely.
import { describe, expect, it } from 'vitest';
import { startDashboard, type DashboardSnapshot } from '../../dist/src/index.js';
import { validateEnvelope } from '../../dist/src/protocol/samples.js';
import { waitFor } from '../helpers.js';
import { fixture } from './scenario.js';

const rogue = (data: unknown) => ({ name: 'rogue', file: fixture('rogue-worker.mjs'), data });
const realCores = (s: DashboardSnapshot): number => s.cpu!.cores;

describe('the sample channel', () => {
  it('is not reachable from the main thread: no property of the dashboard names it', async () => {
    const dash = await startDashboard({ workers: [rogue({})] });
    try {
      await dash.collect();
      const { channelName } = (await dash.getDashboard()).custom.rogue as { channelName: string };
      expect(channelName).toMatch(/^threadboard:/);
      expect((dash as unknown as Record<string, unknown>).channelName).toBeUndefined();
      const reachable = Reflect.ownKeys(dash).map((k) => {
        const v: unknown = (dash as unknown as Record<PropertyKey, unknown>)[k];
        return typeof v === 'string' ? v : '';
      });
      expect(reachable).not.toContain(channelName);
    } finally {
      await dash.stop();
    }
  });

  it('counts malformed messages as rejected, drops them, and nothing crashes', async () => {
    const good = { v: 1, type: 'sample', seq: 0, time: Date.now(), threadId: 1, collectId: null };
    const bad: unknown[] = [
      null,
      'hello',
      42,
      [1, 2, 3],
      { ...good, v: 2, source: 'cpu', payload: {} },
      { ...good, type: 'other', source: 'cpu', payload: {} },
      { ...good, source: '', payload: {} },
      { ...good, source: 'memory', seq: -1, payload: {} },
      { ...good, source: 'cpu', payload: { usage: 500, cores: 2, loadAvg: [0, 0, 0], perCore: [] } },
      { ...good, source: 'memory', payload: { totalMiB: 10, usedMiB: 4, freeMiB: 5, usagePercent: 40 } },
      { ...good, source: 'requests', payload: { rps: -1 } },
      { ...good, source: 'nobody-here', payload: { x: 1 } },
      { ...good, source: 'rogue', payload: { big: 1n } },
    ];
    const dash = await startDashboard({ workers: [rogue({ messages: bad })] });
    try {
      const after = await waitFor('all rogue messages counted', async () => {
        await dash.collect();
        const s = await dash.getDashboard();
        return s.channel.rejected >= bad.length ? s : null;
      });
      expect(after.channel.rejected).toBe(bad.length);
      expect(after.cpu!.usage).toBeLessThanOrEqual(100);
      expect(after.memory!.freeMiB).toBe(after.memory!.totalMiB - after.memory!.usedMiB);
      expect(Object.keys(after.custom)).toEqual(['rogue']);
      expect(after.coordinator.restarts).toBe(0);
      expect(after.workers.every((w) => w.restarts === 0)).toBe(true);
    } finally {
      await dash.stop();
    }
  });

  it("refuses complete, well-formed samples posted under another worker's name", async () => {
    const forge = [
      { source: 'cpu', payload: { usage: 99.9, windowMs: 1000, cores: 64, loadAvg: [64, 64, 64], perCore: Array<number>(64).fill(99.9) } },
      { source: 'memory', payload: { totalMiB: 1, usedMiB: 1, freeMiB: 0, usagePercent: 100 } },
      {
        source: 'requests',
        payload: {
          rps: 1e6,
          rps10s: 1e6,
          avgLatencyMs: 1,
          p50LatencyMs: 1,
          p99LatencyMs: 1,
          errorRate: 100,
          clientErrorRate: 0,
        },
      },
    ];
    // Each forgery is well-formed: what refuses it is who sent it, not its shape.
    for (const f of forge) {
      const envelope = {
        v: 1,
        type: 'sample',
        source: f.source,
        seq: 0,
        time: Date.now(),
        threadId: 1,
        collectId: null,
        payload: f.payload,
      };
      expect(validateEnvelope(envelope)).toMatchObject({ ok: true });
    }
    const dash = await startDashboard({ workers: [rogue({ forge })] });
    try {
      const s = await waitFor('forgeries counted', async () => {
        await dash.collect();
        const snap = await dash.getDashboard();
        return snap.channel.rejected >= 3 ? snap : null;
      });
      expect(s.channel.rejected).toBe(3);
      expect(realCores(s)).not.toBe(64);
      expect(s.memory!.totalMiB).toBeGreaterThan(1);
      expect(s.requests!.rps).toBe(0);
    } finally {
      await dash.stop();
    }
  });

  it('a timestamp from the future does not pin lastUpdated ahead of now', async () => {
    const aYearAhead = Date.now() + 365 * 86_400_000;
    const dash = await startDashboard({
      workers: [rogue({ forge: [{ source: 'rogue', payload: { posted: 0 }, extra: { time: aYearAhead } }] })],
    });
    try {
      await dash.collect();
      const s = await waitFor('the rogue sample folded in', async () => {
        const snap = await dash.getDashboard();
        return snap.channel.received > 3 ? snap : null;
      });
      expect(Date.parse(s.lastUpdated!)).toBeLessThanOrEqual(Date.now());
    } finally {
      await dash.stop();
    }
  });
});
