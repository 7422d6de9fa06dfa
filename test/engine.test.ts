import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { ISO, waitFor } from './helpers.js';

describe('engine: coordinator, three metric workers, collect and snapshot', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    dash = await startDashboard({ intervalMs: 1000 });
  });
  afterAll(async () => {
    await dash?.stop();
  });

  it('runs three metric workers in their own threads under a coordinator thread', async () => {
    expect(await dash.workerCount()).toBe(3);
    const snap = await dash.getDashboard();
    expect(snap.coordinator.status).toBe('running');
    expect(snap.workers.map((w) => w.name)).toEqual(['cpu', 'memory', 'requests']);
    const ids = [snap.coordinator.threadId, ...snap.workers.map((w) => w.threadId)];
    expect(ids.every((id) => Number.isInteger(id) && (id as number) > 0)).toBe(true);
    expect(new Set(ids).size).toBe(4);
    expect(snap.workers.every((w) => w.status === 'running' && w.restarts === 0 && w.lastExit === null)).toBe(true);
  });

  it('after collect() holds numeric, in-range figures for cpu, memory and requests', async () => {
    const report = await dash.collect();
    expect(report.answered.sort()).toEqual(['cpu', 'memory', 'requests']);
    expect(report.missing).toEqual([]);
    const s = await dash.getDashboard();
    expect(s.cpu).not.toBeNull();
    const cpu = s.cpu!;
    expect(cpu.usage).toBeGreaterThanOrEqual(0);
    expect(cpu.usage).toBeLessThanOrEqual(100);
    expect(cpu.cores).toBeGreaterThanOrEqual(1);
    expect(cpu.perCore).toHaveLength(cpu.cores);
    for (const p of cpu.perCore) expect(p >= 0 && p <= 100).toBe(true);
    expect(cpu.loadAvg).toHaveLength(3);
    for (const l of cpu.loadAvg) expect(Number.isFinite(l) && l >= 0).toBe(true);

    const mem = s.memory!;
    expect(mem.totalMiB).toBeGreaterThan(0);
    expect(mem.usedMiB).toBeGreaterThan(0);
    expect(mem.usedMiB).toBeLessThanOrEqual(mem.totalMiB);
    expect(mem.freeMiB).toBe(mem.totalMiB - mem.usedMiB);
    expect(mem.usagePercent).toBeCloseTo((mem.usedMiB / mem.totalMiB) * 100, 0);

    const req = s.requests!;
    for (const k of ['rps', 'errorRate', 'activeConnections', 'total'] as const) {
      expect(typeof req[k]).toBe('number');
      expect(req[k]).toBeGreaterThanOrEqual(0);
    }
    // No request had a duration in this interval: latency is unknown, not 0.
    expect([req.avgLatencyMs, req.p50LatencyMs, req.p99LatencyMs]).toEqual([null, null, null]);
    expect(s.lastUpdated).toMatch(ISO);
  });

  it('counts collections exactly, and lastUpdated moves with each collection', async () => {
    const before = await dash.getDashboard();
    const stamps: string[] = [];
    for (let i = 0; i < 3; i++) {
      await dash.collect();
      const s = await dash.getDashboard();
      stamps.push(s.lastUpdated!);
      expect(s.collectionCount).toBe(before.collectionCount + i + 1);
      for (const w of s.workers) expect(Date.parse(w.lastSampleAt!)).toBeLessThanOrEqual(Date.parse(s.lastUpdated!));
    }
    expect(new Set(stamps).size).toBe(3);
    expect(Date.parse(stamps[2]!)).toBeGreaterThan(Date.parse(before.lastUpdated!));
  });

  it('samples on the interval without collect(), and pushes snapshots as events', async () => {
    const seen: string[] = [];
    const on = (s: { lastUpdated: string | null }): void => void (s.lastUpdated && seen.push(s.lastUpdated));
    dash.on('snapshot', on);
    const start = (await dash.getDashboard()).lastUpdated!;
    await waitFor('an interval sample newer than the last one', () => seen.some((t) => t > start), 5000);
    dash.off('snapshot', on);
    const s = await dash.getDashboard();
    expect(s.collectionCount).toBe(4);
  });

  it('measures CPU over at least 250 ms, however soon after another sample it is asked for', async () => {
    const quick = await startDashboard({ intervalMs: 100, builtins: ['cpu'] });
    try {
      for (let i = 0; i < 5; i++) {
        await quick.collect();
        expect((await quick.getDashboard()).cpu!.windowMs).toBeGreaterThanOrEqual(250);
      }
    } finally {
      await quick.stop();
    }
  });

  it('records requests through recordRequest() with exact totals and a 5xx error rate', async () => {
    // An hour-long interval: only collect() samples, so the window holds exactly these requests.
    const quiet = await startDashboard({ intervalMs: 3_600_000, builtins: ['requests'] });
    try {
      await quiet.collect();
      for (let i = 0; i < 200; i++) quiet.recordRequest({ durationMs: 10 + (i % 10), status: i % 4 === 0 ? 500 : 200 });
      await quiet.collect();
      const r = (await quiet.getDashboard()).requests!;
      expect(r.total).toBe(200);
      expect(r.errorRate).toBeCloseTo(25, 5);
      expect(r.p50LatencyMs).toBeGreaterThanOrEqual(14 * 0.98);
      expect(r.p50LatencyMs).toBeLessThanOrEqual(14 * 1.02);
      expect(r.p99LatencyMs).toBeLessThanOrEqual(19 * 1.02);
      expect(r.p99LatencyMs).toBeGreaterThanOrEqual(19 * 0.98);
      expect(r.avgLatencyMs).toBeCloseTo(14.5, 1);
    } finally {
      await quiet.stop();
    }
  });

  it('rejects a malformed recordRequest() with a typed error and records nothing', async () => {
    const before = (await dash.getDashboard()).requests!.total;
    expect(() => dash.recordRequest({ durationMs: -1, status: 200 })).toThrow(/durationMs/);
    expect(() => dash.recordRequest({ durationMs: 1, status: 42 })).toThrow(/status/);
    await dash.collect();
    expect((await dash.getDashboard()).requests!.total).toBe(before);
  });
});
