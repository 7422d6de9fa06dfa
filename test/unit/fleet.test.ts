// Issue 11, pure logic: sparse histograms, report validation, counter resets, down detection and
// fleet merging, with no Redis and no timers.
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketIndex, quantile } from '../../dist/src/shared/histogram.js';
import { decodeSparse, encodeSparse, sparseDelta, toSparse } from '../../dist/src/cluster/sparse-histogram.js';
import { encodeReport, MAX_REPORT_BYTES, parseReport } from '../../dist/src/cluster/wire.js';
import { FleetState } from '../../dist/src/cluster/fleet-state.js';
import { streamCap } from '../../dist/src/cluster/redis-report.js';
import { computeFleetView, fleetHistogram } from '../../dist/src/cluster/fleet-view.js';
import { counts, report, TRANSPORT } from './fleet-fixtures.js';

const state = (maxNodes = 100): FleetState => new FleetState({ maxNodes, downAfterIntervals: 3, forgetAfterMs: 600_000 });
const view = (s: FleetState, now = 20_000) => computeFleetView(s, now, { name: 'shop', self: null, transport: TRANSPORT });

describe('sparse histogram on the wire', () => {
  it('round-trips exactly and keeps only the non-empty buckets, gap-encoded', () => {
    const dense = new Uint32Array(BUCKET_COUNT);
    dense[3] = 5;
    dense[40] = 1;
    dense[895] = 0xffffffff;
    const flat = encodeSparse(toSparse(dense));
    expect(flat).toEqual([3, 5, 37, 1, 855, 0xffffffff]);
    expect(decodeSparse(flat)).toEqual(toSparse(dense));
  });

  it('refuses pairs that are not a histogram', () => {
    expect(decodeSparse([1, 2, 0, 3])).toBeNull(); // a gap of 0 repeats an index
    expect(decodeSparse([900, 1])).toBeNull(); // past the last bucket
    expect(decodeSparse([1, 0])).toBeNull(); // empty buckets are not sent
    expect(decodeSparse([1, -1])).toBeNull();
    expect(decodeSparse([1, 1.5])).toBeNull();
    expect(decodeSparse([1])).toBeNull();
    expect(decodeSparse('1,2')).toBeNull();
    // More pairs than there are buckets: refused before anything is sized from its length.
    expect(decodeSparse(new Array<number>(2 * BUCKET_COUNT + 2).fill(1))).toBeNull();
    expect(decodeSparse(new Array<number>(2_000_000).fill(1))).toBeNull();
  });

  it('differences two cumulative readings modulo 2^32, as the engine does', () => {
    const before = { index: [1, 5], count: [0xfffffffe, 3] };
    const after = { index: [1, 5, 9], count: [1, 3, 2] };
    expect(sparseDelta(before, after)).toEqual({ index: [1, 9], count: [3, 2] });
  });
});

describe('report validation', () => {
  const good = encodeReport(report('web-1', { requests: counts([1, 2, 3]) }));

  it('accepts what encodeReport writes, field for field', () => {
    const parsed = parseReport(good, 'shop');
    expect(parsed).toEqual({ ok: true, report: report('web-1', { requests: counts([1, 2, 3]) }) });
  });

  it.each([
    ['oversized', 'x'.repeat(MAX_REPORT_BYTES + 1)],
    ['not-json', '{"v":1,'],
    ['schema', '[]'],
    ['schema', good.replace('"node":"web-1"', '"node":"<script>"')],
    ['schema', good.replace('"pid":100', '"pid":-1')],
    ['schema', good.replace('"pid":100', '"pid":100,"extra":1')],
    ['schema', good.replace('"n":3', '"n":2')], // status classes add up to more than the total
    ['schema', good.replace('"n":3', '"n":1e400')],
    ['schema', good.replace('"engine":"running"', '"engine":"pwned"')],
    ['version', good.replace('"v":1', '"v":2')],
    ['foreign', good.replace('"cluster":"shop"', '"cluster":"other"')],
  ])('drops a %s message', (reason, raw) => {
    const parsed = parseReport(raw, 'shop');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toBe(reason);
  });

  it('keeps a realistic report small: a busy node with a wide latency spread is under 4 KB', () => {
    // Log-normal latencies from 0.2 ms to seconds fill a few hundred buckets.
    let seed = 3;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const lat = Array.from(
      { length: 200_000 },
      () => 20 * Math.exp(1.2 * Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd())),
    );
    const r = report('web-1.example.internal:12345', {
      requests: counts(lat),
      interval: { rps: 1234.5, p50: 20.1, p99: 310.7, errorRate: 0.5 },
      process: { cpuPercent: 12.5, rssMiB: 85.3, heapUsedMiB: 20.1, eventLoopP99Ms: 1.2, eventLoopUtilization: 0.12 },
    });
    expect(Buffer.byteLength(encodeReport(r))).toBeLessThan(4096);
  });
});

describe('fleet state', () => {
  it('counts every request across nodes, and a restarted node (counters back to 0) as Prometheus does', () => {
    const s = state();
    s.apply(report('a', { requests: counts(Array<number>(100).fill(1)) }), 10_000);
    s.apply(report('b', { requests: counts(Array<number>(50).fill(1)) }), 10_000);
    expect(view(s).totals.requests.total).toBe(150);
    // a serves 20 more, then restarts under the same name: new pid and start time, counters from 0.
    s.apply(report('a', { seq: 2, timeMs: 11_000, requests: counts(Array<number>(120).fill(1)) }), 11_000);
    const restarted = s.apply(
      report('a', { pid: 200, startedAtMs: 12_000, seq: 1, timeMs: 13_000, requests: counts(Array<number>(7).fill(1)) }),
      13_000,
    );
    expect(restarted).toMatchObject({ ok: true, reset: true });
    const v = view(s);
    expect(v.totals.requests.total).toBe(120 + 7 + 50);
    expect(v.nodes.find((n) => n.node === 'a')).toMatchObject({ resets: 1, pid: 200, requests: { total: 127 } });
    expect(v.totals.requests.byStatus['2xx']).toBe(177);
    // The cumulative histogram carries the earlier incarnation too.
    expect(fleetHistogram(s).counts.reduce((x, y) => x + y, 0)).toBe(177);
  });

  it('treats counters that go down under the same pid and start time as a reset as well', () => {
    const s = state();
    s.apply(report('a', { requests: counts(Array<number>(10).fill(1)) }), 10_000);
    expect(s.apply(report('a', { seq: 2, requests: counts(Array<number>(3).fill(1)) }), 11_000)).toMatchObject({ ok: true, reset: true });
    expect(view(s).totals.requests.total).toBe(13);
  });

  it('drops stale and duplicate reports (a late message of an earlier incarnation, a key read after the message)', () => {
    const s = state();
    s.apply(report('a', { seq: 5, startedAtMs: 5_000, requests: counts([1, 1]) }), 10_000);
    expect(s.apply(report('a', { seq: 5, startedAtMs: 5_000 }), 10_001)).toEqual({ ok: false, reason: 'stale' });
    expect(s.apply(report('a', { seq: 9, startedAtMs: 4_000, pid: 1 }), 10_002)).toEqual({ ok: false, reason: 'stale' });
    expect(view(s).totals.requests.total).toBe(2);
  });

  it('marks a node down after 3 silent intervals (+ 0.5 s grace), up again when it reports, once each', () => {
    const s = state();
    s.apply(report('a'), 10_000);
    expect(s.sweep(13_400)).toEqual([]);
    expect(s.sweep(13_501)).toEqual([{ node: 'a', status: 'down' }]);
    expect(s.sweep(14_000)).toEqual([]);
    expect(view(s, 14_000).totals).toMatchObject({ nodes: 1, up: 0, down: 1 });
    expect(s.apply(report('a', { seq: 2 }), 14_100)).toMatchObject({ ok: true, change: { node: 'a', status: 'up' } });
  });

  it('bounds the nodes it tracks: a new node past maxNodes takes a down node’s place, or is dropped', () => {
    const s = state(2);
    s.apply(report('a', { requests: counts([1]) }), 10_000);
    s.apply(report('b'), 10_000);
    expect(s.apply(report('c'), 10_100)).toEqual({ ok: false, reason: 'too-many-nodes' });
    s.sweep(20_000); // a and b are down now
    expect(s.apply(report('c'), 20_000)).toMatchObject({ ok: true });
    // The node forgotten to make room still counts in the total.
    expect(view(s, 20_000).totals.requests.total).toBe(1);
    expect(s.tracks.size).toBe(2);
  });

  it('forgets a node down longer than forgetAfterMs, keeping its counts in the total', () => {
    const s = new FleetState({ maxNodes: 10, downAfterIntervals: 3, forgetAfterMs: 5_000 });
    s.apply(report('a', { requests: counts([1, 2]) }), 10_000);
    s.sweep(14_000);
    s.sweep(16_000);
    expect(s.tracks.size).toBe(0);
    expect(view(s, 16_000).totals.requests.total).toBe(2);
  });
});

describe('fleet percentiles', () => {
  it('merges histograms: averaging per-node p99s is wrong (one slow node among fast ones)', () => {
    // Three fast nodes (1 000 requests each at 10 ms) and one slow node (1 000 requests, 985 at
    // 10 ms and 15 at 2 000 ms) over the same interval.
    const s = state();
    const fast = Array<number>(1000).fill(10);
    const slow = [...Array<number>(985).fill(10), ...Array<number>(15).fill(2000)];
    for (const [node, lat] of [
      ['f1', fast],
      ['f2', fast],
      ['f3', fast],
      ['s', slow],
    ] as const) {
      s.apply(report(node, { seq: 1, timeMs: 10_000 }), 10_000);
      s.apply(report(node, { seq: 2, timeMs: 11_000, requests: counts(lat) }), 11_000);
    }
    const v = view(s, 11_100);
    const perNode = v.nodes.map((n) => n.requests.p99LatencyMs!);
    const averaged = perNode.reduce((a, b) => a + b, 0) / perNode.length;
    // The truth: 4 000 requests, 15 of them (0.375 %) at 2 s, so the 99th percentile is 10 ms…
    const all = [...fast, ...fast, ...fast, ...slow].sort((a, b) => a - b);
    const exact = all[Math.ceil(0.99 * all.length) - 1]!;
    expect(exact).toBe(10);
    expect(v.totals.requests.p99LatencyMs).toBeCloseTo(exact, 0);
    // …while each node's own p99 is 10 ms except the slow one's (2 s: 1.5 % of its requests), and
    // their average says 507 ms, fifty times the truth.
    expect(perNode.sort((a, b) => a - b).at(-1)).toBeGreaterThan(1900);
    expect(averaged).toBeGreaterThan(450);
    expect(v.totals.requests.rps).toBe(4000);
    // And the merged p99 is exactly the percentile of the added-up buckets.
    const merged = new Float64Array(BUCKET_COUNT);
    for (const l of all) merged[bucketIndex(l * 1000)]! += 1;
    expect(v.totals.requests.p99LatencyMs).toBe(Math.round(quantile(merged, 0.99)) / 1000);
  });

  it('reports host CPU and memory once per host, with fleet averages and the busiest host', () => {
    const s = state();
    s.apply(report('a', { host: 'h1', cpu: { usage: 30, cores: 2, loadAvg1: 1 } }), 10_000);
    s.apply(report('b', { host: 'h1', cpu: null, memory: null, lean: true, engine: 'lean' }), 10_000);
    s.apply(report('c', { host: 'h2', cpu: { usage: 70, cores: 4, loadAvg1: 2 }, memory: { totalMiB: 1000, usedMiB: 900 } }), 10_000);
    const v = view(s, 10_100);
    expect(v.hosts.map((h) => [h.host, h.nodes, h.cpu?.usage])).toEqual([
      ['h1', 2, 30],
      ['h2', 1, 70],
    ]);
    expect(v.totals.cpu).toEqual({ avgUsage: 50, busiestHost: 'h2', busiestUsage: 70 });
    expect(v.totals.memory).toEqual({ avgUsagePercent: 57.5, busiestHost: 'h2', busiestUsagePercent: 90 });
    expect(v.nodes.find((n) => n.node === 'b')?.hostCpu).toBe(30);
  });
});

describe('a crowded fleet', () => {
  it('always keeps a place for the viewer’s own node, however many others crowd in', () => {
    const s = new FleetState({ maxNodes: 2, downAfterIntervals: 3, forgetAfterMs: 600_000, self: 'me' });
    s.apply(report('x'), 10_000);
    s.apply(report('y'), 10_000);
    expect(s.apply(report('z'), 10_000)).toEqual({ ok: false, reason: 'too-many-nodes' });
    expect(s.apply(report('me'), 10_000)).toMatchObject({ ok: true });
  });
});

describe('the report stream', () => {
  it('is capped at twice the fleet, at least 128, and at most 20,000 whatever size a forged index claims', () => {
    expect(streamCap(0)).toBe(128);
    expect(streamCap(200)).toBe(400);
    expect(streamCap(1_000_000)).toBe(20_000);
    expect(streamCap(Number.MAX_SAFE_INTEGER)).toBe(20_000);
  });
});
