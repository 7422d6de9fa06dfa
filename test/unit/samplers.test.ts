import { describe, expect, it } from 'vitest';
import { CollectRound } from '../../dist/src/coordinator/collect-round.js';
import { validateEnvelope } from '../../dist/src/protocol/samples.js';
import { cpuUsage } from '../../dist/src/metrics/cpu.js';
import { memorySection, parseMeminfo } from '../../dist/src/metrics/memory.js';
import { RequestCounters } from '../../dist/src/shared/request-counters.js';
import { requestsInterval } from '../../dist/src/metrics/requests-stats.js';

describe('cpu usage from time deltas', () => {
  it('is the busy share of the elapsed time, overall and per core', () => {
    const prev = [
      { busy: 100, total: 1000 },
      { busy: 500, total: 1000 },
    ];
    const next = [
      { busy: 150, total: 1100 },
      { busy: 600, total: 1100 },
    ];
    expect(cpuUsage(prev, next)).toEqual({ usage: 75, perCore: [50, 100] });
    expect(cpuUsage(next, next)).toEqual({ usage: 0, perCore: [0, 0] });
  });
});

describe('memory', () => {
  it('parses /proc/meminfo and uses MemAvailable, in whole MB with free = total - used', () => {
    const info = parseMeminfo(
      'MemTotal:       16384000 kB\nMemFree:          100000 kB\nMemAvailable:    8192000 kB\nHugePages_Total:       0\n',
    );
    expect(info.get('MemTotal')).toBe(16384000 * 1024);
    expect(info.get('MemAvailable')).toBe(8192000 * 1024);
    expect(info.get('HugePages_Total')).toBe(0);
    const m = memorySection(info.get('MemTotal')!, info.get('MemAvailable')!);
    expect(m).toEqual({ totalMiB: 16000, usedMiB: 8000, freeMiB: 8000, usagePercent: 50 });
  });
});

describe('request counters', () => {
  it('count exactly, carry past 32 bits, and compute rates over a window', () => {
    const c = new RequestCounters();
    const t0 = c.read(1000);
    for (let i = 0; i < 1000; i++) c.record(i < 990 ? 5 : 200, i % 10 === 0 ? 502 : i % 10 === 1 ? 404 : 200);
    c.connectionOpened();
    const t1 = c.read(3000);
    const s = requestsInterval(t0, t1);
    expect(t1.total).toBe(1000);
    expect(s.rps).toBe(500);
    expect(s.errorRate).toBe(10);
    expect(t1.active).toBe(1);
    // 990 requests took 5 ms and 10 took 200 ms: p50 and p99 are both 5 ms, within the 2 % bound.
    expect(Math.abs(s.p50LatencyMs! - 5) / 5).toBeLessThanOrEqual(0.02);
    expect(Math.abs(s.p99LatencyMs! - 5) / 5).toBeLessThanOrEqual(0.02);
    expect(s.avgLatencyMs).toBeCloseTo((990 * 5 + 10 * 200) / 1000, 3);
    expect(t1.byClass['4xx']).toBe(100);
    // Latency sums beyond 2^32 µs carry into the high word.
    for (let i = 0; i < 5; i++) c.record(1_000_000, 200);
    expect(c.read().latencySumMicros).toBe(t1.latencySumMicros + 5 * 1e9);
  });

  it('with no traffic reports zero rates and unknown latency, not inventions', () => {
    const c = new RequestCounters();
    const s = requestsInterval(c.read(0), c.read(1000));
    expect(s).toEqual({
      rps: 0,
      rps10s: 0,
      avgLatencyMs: null,
      p50LatencyMs: null,
      p99LatencyMs: null,
      errorRate: 0,
      clientErrorRate: 0,
    });
  });
});

describe('envelope validation', () => {
  const ok = { v: 1, type: 'sample', source: 'custom', seq: 1, time: Date.now(), threadId: 3, collectId: null, payload: { a: 1 } };
  it('accepts a well-formed sample and rejects each malformed field with the reason', () => {
    expect(validateEnvelope(ok).ok).toBe(true);
    expect(validateEnvelope({ ...ok, collectId: 7 }).ok).toBe(true);
    const problem = (m: unknown): string => {
      const r = validateEnvelope(m);
      return r.ok ? 'ok' : r.problem;
    };
    expect(problem({ ...ok, seq: 1.5 })).toMatch(/seq/);
    expect(problem({ ...ok, time: 'now' })).toMatch(/time/);
    expect(problem({ ...ok, collectId: -2 })).toMatch(/collectId/);
    expect(problem({ ...ok, payload: undefined })).toMatch(/payload/);
    expect(problem({ ...ok, source: 'x'.repeat(65) })).toMatch(/source/);
    expect(problem({ ...ok, source: 'memory', payload: { totalMiB: 10, usedMiB: 4, freeMiB: 5, usagePercent: 40 } })).toMatch(/freeMiB/);
  });
});

describe('collect rounds', () => {
  it('finish when every worker answered or died, and name the missing', async () => {
    const r = new CollectRound(1, ['a', 'b', 'c'], 10_000);
    r.answer('a');
    r.answer('a');
    r.drop('b');
    r.answer('zzz');
    r.answer('c');
    expect(await r.done).toEqual({ answered: ['a', 'c'], missing: ['b'] });
  });
  it('finish at the timeout with the silent ones missing', async () => {
    const r = new CollectRound(2, ['a', 'b'], 20);
    r.answer('b');
    expect(await r.done).toEqual({ answered: ['b'], missing: ['a'] });
  });
});
