// Issue 15, last item, pure logic: the host's app metrics in a node's report (validated and
// bounded) and merged across a fleet (counters summed through restarts, histograms merged
// bucket by bucket, gauges summed over the up nodes), with no Redis and no timers.
import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketIndex, quantile } from '../../dist/src/shared/histogram.js';
import { toSparse } from '../../dist/src/cluster/sparse-histogram.js';
import { buildApp, MAX_APP_BUCKET_PAIRS, type ReportApp } from '../../dist/src/cluster/app-wire.js';
import { encodeReport, MAX_REPORT_BYTES, parseReport, type NodeReport } from '../../dist/src/cluster/wire.js';
import { encodeWithin } from '../../dist/src/cluster/report.js';
import { FleetState } from '../../dist/src/cluster/fleet-state.js';
import { computeFleetView, fleetAppMetrics } from '../../dist/src/cluster/fleet-view.js';
import { fleetAppFamilies } from '../../dist/src/frontends/web/metrics/app-families.js';
import { latencyEdges, wholeNumberEdges } from '../../dist/src/frontends/web/metrics/latency-buckets.js';
import { report as baseReport, TRANSPORT } from './fleet-fixtures.js';
import type { AppReading } from '../../dist/src/main/app-metrics/types.js';

/** An 'ms' histogram's cumulative report part after observing `ms`. */
function hist(ms: number[]): ReportApp['histograms'][string] {
  const dense = new Float64Array(BUCKET_COUNT);
  let sum = 0;
  for (const x of ms) {
    dense[bucketIndex(Math.round(x * 1000))]! += 1;
    sum += Math.round(x * 1000);
  }
  return { unit: 'ms', sum, buckets: toSparse(dense) };
}

function app(counters: Record<string, number>, histograms: ReportApp['histograms'] = {}, gauges: Record<string, number> = {}): ReportApp {
  return { counters, gauges, histograms };
}

/** A report with no traffic and no host figures of its own (the app part is what these tests vary). */
function report(node: string, over: Partial<NodeReport> = {}): NodeReport {
  return baseReport(node, {
    requests: { total: 0, byClass: [0, 0, 0, 0, 0], timed: 0, latencySumMicros: 0, active: 0, histogram: { index: [], count: [] } },
    cpu: null,
    memory: null,
    ...over,
  });
}

const state = (): FleetState => new FleetState({ maxNodes: 100, downAfterIntervals: 3, forgetAfterMs: 5_000 });
const view = (s: FleetState, now = 10_500) => computeFleetView(s, now, { name: 'shop', self: null, transport: TRANSPORT });

describe('app metrics on the wire', () => {
  const withApp = report('web-1', { app: app({ jobs_done: 6 }, { job_ms: hist([1, 2, 3]) }, { queue_depth: -2.5 }) });

  it('round-trips exactly, and a node without app metrics sends no app field', () => {
    expect(parseReport(encodeReport(withApp), 'shop')).toEqual({ ok: true, report: withApp });
    expect(encodeReport(report('web-1'))).not.toContain('"app"');
    expect(parseReport(encodeReport(report('web-1')), 'shop')).toEqual({ ok: true, report: report('web-1') });
  });

  const good = encodeReport(withApp);
  it.each([
    ['a negative counter', good.replace('"jobs_done":6', '"jobs_done":-1')],
    ['a fractional counter', good.replace('"jobs_done":6', '"jobs_done":6.5')],
    ['a bad name', good.replace('"jobs_done":6', '"__proto__":6')],
    ['a name twice', good.replace('"jobs_done":6', '"job_ms":6')],
    ['an unknown field', good.replace('"c":{', '"x":1,"c":{')],
    ['a bad unit', good.replace('"u":"ms"', '"u":"s"')],
    ['bad buckets', good.replace(/"b":\[[^\]]*\]/, '"b":[1]')],
    [
      'more than 64 metrics',
      encodeReport(report('w', { app: app(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`m${i}`, 1]))) })),
    ],
  ])('refuses %s', (_what, raw) => {
    const parsed = parseReport(raw, 'shop');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toBe('schema');
  });

  it('keeps histograms within a bucket budget, in creation order, so a report stays small', () => {
    const wide = (name: string): AppReading => {
      const buckets = new Float64Array(BUCKET_COUNT);
      for (let i = 0; i < 600; i++) buckets[i] = 1;
      return { type: 'histogram', name, help: '', createdAtMs: 0, unit: 'none', buckets, count: 600, sum: 1 };
    };
    const built = buildApp([wide('a'), { type: 'counter', name: 'c', help: '', createdAtMs: 0, value: 3 }, wide('b'), wide('c')])!;
    expect(Object.keys(built.histograms)).toEqual(['a']);
    expect(built.counters).toEqual({ c: 3 });
    expect(600 * 2).toBeGreaterThan(MAX_APP_BUCKET_PAIRS);
    expect(buildApp([])).toBeNull();
  });

  it('sends a report without its histograms rather than one too big for a viewer', () => {
    const counters = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`c${i}_${'x'.repeat(90)}`, 2 ** 52]));
    const every = Array.from({ length: BUCKET_COUNT }, (_, i) => i);
    const buckets = { index: every, count: every.map(() => 2 ** 52) };
    // At their bounds both: every request bucket full as well.
    const requests = { ...report('w').requests, histogram: { index: every, count: every.map(() => 0xffffffff) } };
    const big = report('w', { requests, app: app(counters, { h: { unit: 'none', sum: 1, buckets } }) });
    expect(Buffer.byteLength(encodeReport(big))).toBeGreaterThan(MAX_REPORT_BYTES);
    const sent = encodeWithin(big);
    expect(Buffer.byteLength(sent)).toBeLessThanOrEqual(MAX_REPORT_BYTES);
    const parsed = parseReport(sent, 'shop');
    expect(parsed.ok && parsed.report.app).toEqual(app(counters));
    expect(encodeWithin(report('w', { app: app({ a: 1 }) }))).toBe(encodeReport(report('w', { app: app({ a: 1 }) })));
  });
});

describe('app metrics across a fleet', () => {
  it('sums counters and merges histograms: the p99 comes from the merged buckets, not an average', () => {
    const fast = Array.from({ length: 990 }, () => 1);
    const slow = Array.from({ length: 10 }, () => 500);
    const s = state();
    s.apply(report('a', { app: app({ jobs: 990 }, { took: hist(fast) }, { depth: 3 }) }), 10_000);
    s.apply(report('b', { app: app({ jobs: 10 }, { took: hist(slow) }, { depth: 4 }) }), 10_000);
    const v = view(s).app;
    expect(v.jobs).toEqual({ type: 'counter', value: 1000, rate: null });
    expect(v.depth).toEqual({ type: 'gauge', value: 7 });
    const took = v.took;
    if (took?.type !== 'histogram') throw new Error('no merged histogram');
    expect(took.count).toBe(1000);
    expect(took.avg).toBeCloseTo((990 * 1 + 10 * 500) / 1000, 1);
    // Nearest rank 990 of 1000 is a 1 ms observation: the average of the two nodes' p99s (~250 ms) is wrong.
    expect(took.p99).toBe(quantile(toDense([...fast, ...slow]), 0.99) / 1000);
    expect(took.p99).toBeLessThan(2);
  });

  it('never lets a restarted node take a fleet counter back, nor a histogram count', () => {
    const s = state();
    s.apply(report('a', { app: app({ jobs: 50 }, { took: hist([1, 1]) }) }), 10_000);
    s.apply(report('a', { seq: 2, timeMs: 11_000, app: app({ jobs: 60 }, { took: hist([1, 1, 1]) }) }), 11_000);
    expect(view(s, 11_000).app.jobs).toEqual({ type: 'counter', value: 60, rate: 10 });
    // Restarted: a new start time, counters from 0.
    s.apply(report('a', { startedAtMs: 12_000, pid: 101, timeMs: 12_500, app: app({ jobs: 5 }, { took: hist([1]) }) }), 12_500);
    expect(view(s, 12_500).app.jobs).toMatchObject({ value: 65 });
    expect(view(s, 12_500).app.took).toMatchObject({ count: 4 });
    // Same incarnation, but the counter went down: a reset too.
    s.apply(report('a', { startedAtMs: 12_000, pid: 101, seq: 2, timeMs: 13_000, app: app({ jobs: 2 }) }), 13_000);
    expect(view(s, 13_000).app.jobs).toMatchObject({ value: 67 });
    expect(s.tracks.get('a')!.resets).toBe(2);
  });

  it('holds a metric a later report leaves out, and keeps a forgotten node’s counts', () => {
    const s = state();
    s.apply(report('a', { app: app({ jobs: 5 }, { took: hist([2, 2]) }, { depth: 1 }) }), 10_000);
    s.apply(report('a', { seq: 2, timeMs: 11_000, app: app({ jobs: 7 }) }), 11_000);
    expect(view(s, 11_000).app.took).toMatchObject({ count: 2 });
    s.sweep(15_000); // down: its gauge no longer counts
    expect(view(s, 15_000).app.depth).toBeUndefined();
    s.sweep(17_000); // forgotten
    expect(s.tracks.size).toBe(0);
    expect(view(s, 17_000).app).toMatchObject({ jobs: { value: 7 }, took: { count: 2 } });
  });

  it('leaves out a name one node uses as another type, rather than misread it', () => {
    const s = state();
    s.apply(report('a', { app: app({ x: 5 }) }), 10_000);
    s.apply(report('b', { app: app({}, { x: hist([1]) }) }), 10_000);
    expect(view(s).app.x).toEqual({ type: 'counter', value: 5, rate: null });
  });
});

function toDense(ms: number[]): Float64Array {
  const d = new Float64Array(BUCKET_COUNT);
  for (const x of ms) d[bucketIndex(Math.round(x * 1000))]! += 1;
  return d;
}

describe('app metrics of a fleet in /metrics', () => {
  it('names them threadboard_fleet_app_*, and leaves out a second name that would export the same series', () => {
    const s = state();
    s.apply(report('a', { app: app({ jobs: 5 }, { job_ms: hist([1, 2]) }) }), 10_000);
    s.apply(report('b', { app: app({}, {}, { jobs_total: 3 }) }), 10_000);
    const readings = fleetAppMetrics(s);
    const out = fleetAppFamilies(readings, { ms: latencyEdges(), none: wholeNumberEdges() });
    expect(out.families.map((f) => [f.name, f.samples[0]!.value])).toEqual([['threadboard_fleet_app_jobs_total', 5]]);
    expect(out.histograms.map((h) => [h.name, h.series[0]!.count])).toEqual([['threadboard_fleet_app_job_seconds', 2]]);
  });
});
