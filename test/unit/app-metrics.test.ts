// Issue 15: the pure parts of app metrics and the instruments themselves, without threads.
import { describe, expect, it } from 'vitest';
import { checkName, checkOptions } from '../../dist/src/main/app-metrics/arguments.js';
import { AppIntervals, counterInterval, histogramInterval } from '../../dist/src/main/app-metrics/intervals.js';
import { promFamilyName, promSeriesNames } from '../../dist/src/main/app-metrics/prometheus-names.js';
import { AppMetrics, MAX_APP_METRICS } from '../../dist/src/main/app-metrics/registry.js';
import { appSection } from '../../dist/src/main/app-metrics/section.js';
import type { CounterReading, HistogramReading } from '../../dist/src/main/app-metrics/types.js';
import { ArgumentError, MetricConflictError, MetricLimitError } from '../../dist/src/errors.js';

const byName = <T>(m: AppMetrics, name: string): T => m.read().find((r) => r.name === name) as T;

describe('app metric names and options', () => {
  it('accepts Prometheus-style names and refuses the rest, naming what it accepts', () => {
    for (const ok of ['jobs_done', 'x', '_private', 'Queue_Depth2', 'a'.repeat(100)]) expect(checkName('counter', ok)).toBe(ok);
    for (const bad of ['', '9lives', 'a-b', 'a b', 'jobs:done', 'é', '__proto__', '__x', 'a'.repeat(101), 5, null, undefined, {}, 'x\n']) {
      expect(() => checkName('counter', bad)).toThrow(ArgumentError);
    }
    expect(() => checkName('gauge', 'a-b')).toThrow(
      /metrics\.gauge\(\) needs a name of 1 to 100 letters, digits and underscores.*got 'a-b'/,
    );
  });

  it('takes help (and a unit for histograms), and refuses unknown keys and bad values', () => {
    expect(checkOptions('counter', 'x', undefined)).toEqual({ help: '', unit: undefined });
    expect(checkOptions('histogram', 'x', { help: 'h', unit: 'none' })).toEqual({ help: 'h', unit: 'none' });
    expect(() => checkOptions('counter', 'x', { unit: 'ms' })).toThrow(/'unit' is not an option; known options: help/);
    expect(() => checkOptions('histogram', 'x', { units: 'ms' })).toThrow(/'units' is not an option/);
    expect(() => checkOptions('histogram', 'x', { unit: 'seconds' })).toThrow(/unit must be one of 'ms', 'none'; got 'seconds'/);
    expect(() => checkOptions('gauge', 'x', { help: 'h'.repeat(257) })).toThrow(/at most 256 characters/);
    expect(() => checkOptions('gauge', 'x', 'help')).toThrow(/takes an options object/);
  });

  it('names /metrics families the Prometheus way: _total on counters, seconds for ms histograms', () => {
    expect(promFamilyName('counter', 'jobs_done', undefined)).toBe('threadboard_app_jobs_done_total');
    expect(promFamilyName('counter', 'jobs_total', undefined)).toBe('threadboard_app_jobs_total');
    expect(promFamilyName('gauge', 'queue_depth', undefined)).toBe('threadboard_app_queue_depth');
    expect(promFamilyName('histogram', 'job_duration_ms', 'ms')).toBe('threadboard_app_job_duration_seconds');
    expect(promFamilyName('histogram', 'job_duration_milliseconds', 'ms')).toBe('threadboard_app_job_duration_seconds');
    expect(promFamilyName('histogram', 'job_duration', 'ms')).toBe('threadboard_app_job_duration_seconds');
    expect(promFamilyName('histogram', 'ms', 'ms')).toBe('threadboard_app_ms_seconds');
    expect(promFamilyName('histogram', 'payload_bytes', 'none')).toBe('threadboard_app_payload_bytes');
    expect(promSeriesNames('histogram', 'h')).toEqual(['h', 'h_bucket', 'h_sum', 'h_count']);
    expect(promSeriesNames('counter', 'c_total')).toEqual(['c_total']);
  });
});

describe('the registry (dash.metrics)', () => {
  it('returns the same instrument for the same name and type', () => {
    const m = new AppMetrics();
    expect(m.counter('a')).toBe(m.counter('a', { help: 'ignored: the first one counts' }));
    expect(m.gauge('g')).toBe(m.gauge('g'));
    const h = m.histogram('h', { unit: 'none' });
    expect(m.histogram('h')).toBe(h);
    expect(m.histogram('h', { unit: 'none' })).toBe(h);
    expect(m.size).toBe(3);
  });

  it('refuses a name of another type, another unit, or one whose /metrics names another instrument has', () => {
    const m = new AppMetrics();
    m.counter('jobs');
    m.histogram('took_ms');
    const conflict = (f: () => unknown, message: RegExp): void => {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(MetricConflictError);
      expect((err as MetricConflictError).code).toBe('ERR_THREADBOARD_METRIC_CONFLICT');
      expect((err as Error).message).toMatch(message);
    };
    conflict(() => m.gauge('jobs'), /metric 'jobs' is a counter; it cannot also be a gauge/);
    conflict(() => m.histogram('jobs'), /is a counter; it cannot also be a histogram/);
    conflict(() => m.histogram('took_ms', { unit: 'none' }), /exists with unit 'ms'; it cannot also have unit 'none'/);
    conflict(() => m.counter('jobs_total'), /would put threadboard_app_jobs_total in \/metrics, which metric 'jobs' already does/);
    conflict(() => m.histogram('took_seconds'), /threadboard_app_took_seconds in \/metrics, which metric 'took_ms'/);
    conflict(() => m.gauge('took_seconds_count'), /threadboard_app_took_seconds_count/);
    // A refused instrument takes no slot.
    expect(m.size).toBe(2);
    expect((m.counter('jobs_total_2'), m.size)).toBe(3);
  });

  it(`holds at most ${MAX_APP_METRICS} instruments, then refuses new ones with a typed error; existing ones still work`, () => {
    const m = new AppMetrics();
    for (let i = 0; i < MAX_APP_METRICS; i++) {
      if (i % 3 === 0) m.counter(`c${i}`).inc(i);
      else if (i % 3 === 1) m.gauge(`g${i}`).set(i);
      else m.histogram(`h${i}`).observe(i);
    }
    expect(() => m.gauge('one_more')).toThrow(MetricLimitError);
    try {
      m.counter('one_more');
    } catch (e) {
      expect((e as MetricLimitError).code).toBe('ERR_THREADBOARD_METRIC_LIMIT');
      expect((e as MetricLimitError).limit).toBe(64);
      expect((e as Error).message).toMatch(/at most 64 \(counters, gauges and histograms together\)/);
    }
    expect(m.counter('c0')).toBe(m.counter('c0'));
    expect(byName<CounterReading>(m, 'c63').value).toBe(63);
    expect(m.read().map((r) => r.name)[0]).toBe('c0');
    expect(m.size).toBe(MAX_APP_METRICS);
  });
});

describe('the instruments', () => {
  it('a counter counts whole numbers exactly past 32 bits, and refuses anything else without counting it', () => {
    const m = new AppMetrics();
    const c = m.counter('c');
    c.inc();
    c.inc(0);
    c.inc(0xffffffff);
    c.inc(2 ** 40);
    c.inc(Number.MAX_SAFE_INTEGER - 2 ** 40 - 0xffffffff - 1);
    expect(byName<CounterReading>(m, 'c').value).toBe(Number.MAX_SAFE_INTEGER);
    const d = m.counter('d');
    for (const bad of [-1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, '1', null, 5n] as unknown[]) {
      expect(() => d.inc(bad as number)).toThrow(ArgumentError);
    }
    expect(() => d.inc(-1)).toThrow(
      "threadboard: counter 'd' inc() takes a whole number >= 0 (default 1), at most 2^53 - 1; got -1; for a value that goes down, use metrics.gauge()",
    );
    expect(() => d.inc(5n as unknown as number)).toThrow(/got 5n$/);
    expect(byName<CounterReading>(m, 'd').value).toBe(0);
  });

  it('carries from the low cell into the high one', () => {
    const m = new AppMetrics();
    const c = m.counter('c');
    for (let i = 0; i < 3; i++) c.inc(0xffffffff);
    c.inc(3);
    expect(byName<CounterReading>(m, 'c').value).toBe(3 * 0xffffffff + 3);
  });

  it('a gauge sets, adds and subtracts any finite number, and refuses NaN and infinities', () => {
    const m = new AppMetrics();
    const g = m.gauge('g');
    g.set(17);
    g.inc();
    g.dec(2.5);
    g.inc(-10);
    expect(byName<{ value: number }>(m, 'g').value).toBe(5.5);
    for (const bad of [NaN, Infinity, -Infinity, '3', undefined, null] as unknown[]) {
      expect(() => g.set(bad as number)).toThrow(ArgumentError);
    }
    expect(() => g.inc(NaN)).toThrow("threadboard: gauge 'g' inc() takes a finite number; got NaN");
    expect(() => g.dec(Infinity)).toThrow(/gauge 'g' dec\(\)/);
    g.set(-0.25);
    expect(byName<{ value: number }>(m, 'g').value).toBe(-0.25);
  });

  it("an 'ms' histogram records whole microseconds; count and sum exact, huge values in the last bucket", () => {
    const m = new AppMetrics();
    const h = m.histogram('h');
    h.observe(12.5);
    h.observe(0);
    h.observe(0.0004); // rounds to 0 µs
    h.observe(0.0015); // 1.5 µs: 2
    h.observe(5 * 3_600_000); // 5 hours: past the fine histogram's ~71 minutes
    const r = byName<HistogramReading>(m, 'h');
    expect(r.count).toBe(5);
    expect(r.sum).toBe(12_500 + 0 + 0 + 2 + 5 * 3_600_000_000);
    expect(r.buckets[r.buckets.length - 1]).toBe(1);
    expect(r.buckets[0]).toBe(2);
    for (const bad of [-1, -0.001, NaN, Infinity, -Infinity, '5', undefined, 5n] as unknown[]) {
      expect(() => h.observe(bad as number)).toThrow(ArgumentError);
    }
    expect(() => h.observe(-1)).toThrow("threadboard: histogram 'h' observe() takes a duration in ms, finite and >= 0; got -1");
    expect(() => h.observe(1e300)).toThrow(/more than it can sum exactly/);
    expect(byName<HistogramReading>(m, 'h').count).toBe(5);
  });

  it("a 'none' histogram records whole numbers, fractions rounded", () => {
    const m = new AppMetrics();
    const h = m.histogram('size_bytes', { unit: 'none' });
    for (const v of [0, 1, 2.4, 2.5, 31, 1_000_000, 2 ** 32 + 7]) h.observe(v);
    const r = byName<HistogramReading>(m, 'size_bytes');
    expect(r.count).toBe(7);
    expect(r.sum).toBe(0 + 1 + 2 + 3 + 31 + 1_000_000 + 2 ** 32 + 7);
    expect([r.buckets[0], r.buckets[1], r.buckets[2], r.buckets[3], r.buckets[31]]).toEqual([1, 1, 1, 1, 1]);
    expect(() => h.observe(-1)).toThrow("threadboard: histogram 'size_bytes' observe() takes a number, finite and >= 0; got -1");
  });
});

describe('interval figures (main computes them: one source of truth)', () => {
  const counter = (value: number): CounterReading => ({ type: 'counter', name: 'c', help: '', createdAtMs: 0, value });

  it('a counter rate is per second over the interval', () => {
    expect(counterInterval(counter(10), 1000, counter(25), 2500)).toEqual({ rate: 10 });
    expect(counterInterval(counter(10), 1000, counter(10), 2000)).toEqual({ rate: 0 });
    expect(counterInterval(counter(0), 0, counter(1), 3000)).toEqual({ rate: 0.333 });
  });

  it('histogram percentiles over the interval are within 2 % of the exact ones; the mean is exact', () => {
    const m = new AppMetrics();
    const h = m.histogram('took_ms');
    const hist = (): HistogramReading => byName<HistogramReading>(m, 'took_ms');
    for (let i = 0; i < 500; i++) h.observe(1000); // before the interval: must not count in it
    const before = hist();
    let seed = 11;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const values: number[] = [];
    for (let i = 0; i < 20_000; i++) {
      const ms = Math.round((0.2 + 400 * rand() ** 4) * 1000) / 1000;
      values.push(ms);
      h.observe(ms);
    }
    const f = histogramInterval(before, 0, hist(), 2000);
    values.sort((a, b) => a - b);
    const exact = (q: number): number => values[Math.ceil(q * values.length) - 1]!;
    expect(f.rate).toBe(10_000);
    expect(Math.abs(f.p50! / exact(0.5) - 1)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(f.p99! / exact(0.99) - 1)).toBeLessThanOrEqual(0.02);
    expect(f.avg).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 3);
    expect(histogramInterval(hist(), 0, hist(), 1000)).toEqual({ rate: 0, avg: null, p50: null, p99: null });
  });

  it('AppIntervals measures from creation, then from the newest reading at least 200 ms old', () => {
    const m = new AppMetrics();
    const c = m.counter('c');
    const t0 = m.read()[0]!.createdAtMs;
    const iv = new AppIntervals();
    c.inc(10);
    iv.sample(m.read(), t0 + 100); // 100 ms after creation: too short to be a rate
    expect(iv.figures('c')).toBeUndefined();
    iv.sample(m.read(), t0 + 1000);
    expect(iv.figures('c')).toEqual({ rate: 10 });
    c.inc(20);
    iv.sample(m.read(), t0 + 2000);
    expect(iv.figures('c')).toEqual({ rate: 20 });
    // A collect() 50 ms after the timer's sample: measured from the reading before it (1.05 s).
    c.inc(21);
    iv.sample(m.read(), t0 + 2050);
    expect(iv.figures('c')).toEqual({ rate: 39.048 });
    // ...and it did not become the baseline: the next interval starts at 2000.
    c.inc(9);
    iv.sample(m.read(), t0 + 3000);
    expect(iv.figures('c')).toEqual({ rate: 30 });
  });
});

describe('the app section', () => {
  it('shows live values beside the last interval figures, in creation order, values in the unit observe() takes', () => {
    const m = new AppMetrics();
    m.counter('jobs_done').inc(6);
    m.gauge('queue_depth').set(17);
    m.histogram('job_duration_ms').observe(12.5);
    m.histogram('size', { unit: 'none' }).observe(300);
    const before = appSection(m.read(), () => undefined);
    expect(before).toEqual({
      jobs_done: { type: 'counter', value: 6, rate: null },
      queue_depth: { type: 'gauge', value: 17 },
      job_duration_ms: { type: 'histogram', unit: 'ms', count: 1, sum: 12.5, rate: null, avg: null, p50: null, p99: null },
      size: { type: 'histogram', unit: 'none', count: 1, sum: 300, rate: null, avg: null, p50: null, p99: null },
    });
    expect(Object.keys(before)).toEqual(['jobs_done', 'queue_depth', 'job_duration_ms', 'size']);
    const iv = new AppIntervals();
    iv.sample(m.read(), Date.now() + 1000);
    const after = appSection(m.read(), (n) => iv.figures(n));
    expect(after.jobs_done).toMatchObject({ type: 'counter', value: 6 });
    expect((after.jobs_done as { rate: number }).rate).toBeGreaterThan(5);
    expect(after.job_duration_ms).toMatchObject({ count: 1, avg: 12.5 });
    expect(Math.abs((after.job_duration_ms as { p50: number }).p50 / 12.5 - 1)).toBeLessThanOrEqual(0.02);
    expect(after.size).toMatchObject({ count: 1, avg: 300 });
  });
});
