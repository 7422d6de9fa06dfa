import { describe, expect, it } from 'vitest';
import { History } from '../../dist/src/main/history.js';

type Sampled = Parameters<History['offer']>[0];
const at = (ms: number): string => new Date(ms).toISOString();
const T0 = Date.parse('2026-11-22T10:00:00.000Z');

/** A snapshot whose sections were all sampled at `ms`. */
function snap(ms: number, v: { cpu?: number; mem?: number; rps?: number; p99?: number | null }): Sampled {
  return {
    cpu: v.cpu === undefined ? null : { usage: v.cpu, windowMs: 1000, cores: 1, loadAvg: [0, 0, 0], perCore: [v.cpu] },
    memory: v.mem === undefined ? null : { totalMiB: 100, usedMiB: v.mem, freeMiB: 100 - v.mem, usagePercent: v.mem },
    requests:
      v.rps === undefined
        ? null
        : {
            rps: v.rps,
            rps10s: v.rps,
            avgLatencyMs: v.p99 ?? null,
            p50LatencyMs: v.p99 ?? null,
            p99LatencyMs: v.p99 ?? null,
            errorRate: 0,
            clientErrorRate: 0,
          },
    workers: ['cpu', 'memory', 'requests'].map((name) => ({
      name,
      group: 'builtin',
      status: 'running' as const,
      restarts: 0,
      threadId: 1,
      startedAt: null,
      lastSampleAt: at(ms),
      lastExit: null,
      sampleErrors: 0,
      lastSampleError: null,
      eventLoopUtilization: null,
      heapUsedMiB: null,
      cpuPercent: null,
    })),
  };
}

describe('history kept by the engine', () => {
  it('takes each sample once, however many snapshots carry it', () => {
    const h = new History(1000);
    expect(h.offer(snap(T0, { cpu: 10 }))).toBe(true);
    expect(h.offer(snap(T0, { cpu: 10 }))).toBe(false);
    expect(h.view('2m').points).toEqual([
      { t: T0, cpu: 10, mem: null, rps: null, p99: null, procCpu: null, rss: null, heap: null, loopP99: null },
    ]);
  });

  it('folds samples into buckets per tier: the mean, and the worst p99', () => {
    const h = new History(1000);
    for (let i = 0; i < 20; i++) h.offer(snap(T0 + i * 1000, { cpu: i, rps: 10 * i, p99: i === 7 ? 500 : 5 }));
    const fine = h.view('2m');
    expect(fine.stepMs).toBe(1000);
    expect(fine.points).toHaveLength(20);
    const medium = h.view('30m');
    expect(medium.stepMs).toBe(10_000);
    expect(medium.points.map((p) => p.cpu)).toEqual([4.5, 14.5]);
    expect(medium.points.map((p) => p.rps)).toEqual([45, 145]);
    expect(medium.points.map((p) => p.p99)).toEqual([500, 5]);
    expect(h.view('3h').points).toHaveLength(1);
  });

  it('stays bounded: each tier keeps its capacity, oldest dropped', () => {
    const h = new History(1000);
    for (let i = 0; i < 500; i++) h.offer(snap(T0 + i * 1000, { cpu: i }));
    const fine = h.view('2m');
    expect(fine.points).toHaveLength(120);
    expect(fine.points[0]!.cpu).toBe(380);
    expect(h.tails()['2m']).toMatchObject({ t: T0 + 499_000, cpu: 499 });
  });

  it('an unknown latency is a gap, never a 0', () => {
    const h = new History(1000);
    h.offer(snap(T0, { rps: 3, p99: null }));
    expect(h.view('2m').points[0]).toMatchObject({ rps: 3, p99: null });
  });
});
