// Issue 15: app metrics on the surfaces, as plain data: /metrics (names, exact cumulative buckets, units) and the plain text.
import { describe, expect, it } from 'vitest';
import { appLines } from '../../dist/src/frontends/cli/text-lines.js';
import { appRows } from '../../dist/src/frontends/web/page/format.js';
import type { DashboardSnapshot } from '../../dist/src/index.js';
import { appFamilies } from '../../dist/src/frontends/web/metrics/app-families.js';
import { latencyEdges, leLabel, wholeNumberEdges, wholeNumberLabel } from '../../dist/src/frontends/web/metrics/latency-buckets.js';
import { AppMetrics } from '../../dist/src/main/app-metrics/registry.js';

const edges = { ms: latencyEdges(), none: wholeNumberEdges() };

describe('app metric families', () => {
  it('exports counters with _total and gauges as they are, with the help given or a default', () => {
    const m = new AppMetrics();
    m.counter('jobs_done', { help: 'jobs finished' }).inc(6);
    m.counter('sent_total').inc(2);
    m.gauge('queue_depth').set(-3.5);
    const { families, histograms } = appFamilies(m.read(), edges);
    expect(histograms).toEqual([]);
    expect(families).toEqual([
      {
        name: 'threadboard_app_jobs_done_total',
        help: 'jobs finished',
        type: 'counter',
        labelNames: [],
        samples: [{ labels: {}, value: 6 }],
      },
      {
        name: 'threadboard_app_sent_total',
        help: "The application's counter 'sent_total' (dash.metrics; no help given).",
        type: 'counter',
        labelNames: [],
        samples: [{ labels: {}, value: 2 }],
      },
      {
        name: 'threadboard_app_queue_depth',
        help: "The application's gauge 'queue_depth' (dash.metrics; no help given).",
        type: 'gauge',
        labelNames: [],
        samples: [{ labels: {}, value: -3.5 }],
      },
    ]);
  });

  it("an 'ms' histogram has the request latency's exact edges, in seconds, every cumulative count exact", () => {
    const m = new AppMetrics();
    const h = m.histogram('job_duration_ms');
    let seed = 3;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const micros: number[] = [];
    for (let i = 0; i < 5000; i++) micros.push(Math.floor(2 ** (rand() * 27)));
    micros.push(0, 2 ** 32 - 1, 2 ** 33);
    for (const us of micros) h.observe(us / 1000);
    const [fam] = appFamilies(m.read(), edges).histograms.map((f) => ({ name: f.name, ...f.series[0]! }));
    expect(fam!.name).toBe('threadboard_app_job_duration_seconds');
    expect(fam!.count).toBe(micros.length);
    expect(fam!.sum).toBeCloseTo(micros.reduce((a, b) => a + b, 0) / 1e6, 6);
    expect(fam!.buckets.map(([le]) => le)).toEqual(latencyEdges().map(leLabel));
    fam!.buckets.forEach(([le, cumulative], i) => {
      expect(cumulative, `le=${le}`).toBe(micros.filter((v) => v <= latencyEdges()[i]! - 1).length);
    });
  });

  it("a 'none' histogram has whole-number edges from 1 to 2^31, every cumulative count exact", () => {
    expect(wholeNumberEdges().slice(0, 8)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(wholeNumberEdges(1).slice(0, 4)).toEqual([1, 2, 4, 8]);
    expect(wholeNumberEdges(1).at(-1)).toBe(2 ** 31);
    const m = new AppMetrics();
    const h = m.histogram('payload_bytes', { unit: 'none' });
    const values = [0, 1, 1, 2, 3, 7, 64, 65, 1000, 1500, 70_000, 3_000_000_000, 2 ** 32 + 1];
    for (const v of values) h.observe(v);
    const [fam] = appFamilies(m.read(), edges).histograms.map((f) => ({ name: f.name, ...f.series[0]! }));
    expect(fam!.name).toBe('threadboard_app_payload_bytes');
    expect(fam!.sum).toBe(values.reduce((a, b) => a + b, 0));
    expect(fam!.count).toBe(values.length);
    expect(fam!.buckets.map(([le]) => le)).toEqual(wholeNumberEdges().map(wholeNumberLabel));
    fam!.buckets.forEach(([le, cumulative]) => expect(cumulative, `le=${le}`).toBe(values.filter((v) => v <= Number(le)).length));
  });
});

describe('app metrics in the plain text', () => {
  it("prints one APP line per metric, '–' for what is not known yet", () => {
    expect(appLines({})).toEqual([]);
    expect(
      appLines({
        jobs_done: { type: 'counter', value: 6, rate: 1.5 },
        fresh: { type: 'counter', value: 0, rate: null },
        queue_depth: { type: 'gauge', value: -2.5 },
        job_duration_ms: { type: 'histogram', unit: 'ms', count: 3, sum: 37.5, rate: 0.25, avg: 12.5, p50: 12.416, p99: 12.992 },
        payload_bytes: { type: 'histogram', unit: 'none', count: 1, sum: 3, rate: null, avg: null, p50: null, p99: null },
      }),
    ).toEqual([
      'APP jobs_done  value: 6  rate: 1.50/s',
      'APP fresh  value: 0  rate: –',
      'APP queue_depth  value: -2.5',
      'APP job_duration_ms  count: 3  p50: 12.42ms  p99: 12.99ms  avg: 12.50ms  rate: 0.25/s',
      'APP payload_bytes  count: 1  p50: –  p99: –  avg: –  rate: –',
    ]);
  });
});

describe("app metrics on the page's app card", () => {
  it("writes the snapshot's figures in its units, '–' for what is not measured, nothing for what does not apply", () => {
    const s = {
      app: {
        jobs_done: { type: 'counter', value: 6, rate: 1.5 },
        fresh: { type: 'counter', value: 0, rate: null },
        queue_depth: { type: 'gauge', value: -2.5 },
        job_duration_ms: { type: 'histogram', unit: 'ms', count: 3, sum: 37.5, rate: 0.25, avg: 12.5, p50: 12.416, p99: 12.992 },
        payload_bytes: { type: 'histogram', unit: 'none', count: 1, sum: 3, rate: null, avg: null, p50: null, p99: 1536.5 },
      },
    } as Pick<DashboardSnapshot, 'app'> as DashboardSnapshot;
    expect(appRows(s)).toEqual([
      { name: 'jobs_done', type: 'counter', value: '6', rate: '1.50/s', p50: '', p99: '', avg: '' },
      { name: 'fresh', type: 'counter', value: '0', rate: '–', p50: '', p99: '', avg: '' },
      { name: 'queue_depth', type: 'gauge', value: '-2.5', rate: '', p50: '', p99: '', avg: '' },
      { name: 'job_duration_ms', type: 'histogram', value: '3 obs', rate: '0.25/s', p50: '12.42 ms', p99: '12.99 ms', avg: '12.50 ms' },
      { name: 'payload_bytes', type: 'histogram', value: '1 obs', rate: '–', p50: '–', p99: '1540', avg: '–' },
    ]);
    expect(appRows({ app: {} } as Pick<DashboardSnapshot, 'app'> as DashboardSnapshot)).toEqual([]);
  });
});
