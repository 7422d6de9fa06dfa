/**
 * The cost of the host's own metrics (dash.metrics): inc() and observe() in a tight loop, in ns
 * per call, against the floor they are built on (a bare Atomics.add on a shared buffer, the
 * same loop around it) and against prom-client's Counter.inc() and Histogram.observe(), all
 * in one process, interleaved rep by rep so the machine's noise falls on every side alike.
 */
import { performance } from 'node:perf_hooks';
import client from 'prom-client';
import { AppMetrics } from '../../src/main/app-metrics/registry.js';
import { BUCKET_COUNT, bucketIndex } from '../../src/shared/histogram.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost, median } from '../lib/stats.js';

/** Observed values: a spread of durations (0.05 ms to ~50 ms), cycled, so buckets vary as in life. */
const VALUES = Float64Array.from({ length: 1024 }, (_, i) => 0.05 * 1.007 ** i);
const MASK = VALUES.length - 1;

/** Each loop is its own function, so each call site stays monomorphic for the JIT. */
function timeAtomics(n: number): number {
  const cells = new Uint32Array(new SharedArrayBuffer(64));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) Atomics.add(cells, 0, 1);
  const ns = ((performance.now() - t0) / n) * 1e6;
  if (cells[0] !== n >>> 0) throw new Error('the Atomics loop did not run');
  return ns;
}

/**
 * What observe() cannot avoid: one Atomics.add into the observed value's bucket (a cell that
 * moves with the value, so caches miss as in life), without the checks, the rounding or the sum.
 */
function timeBucketOnly(n: number): number {
  const cells = new Uint32Array(new SharedArrayBuffer(4 * BUCKET_COUNT));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) Atomics.add(cells, bucketIndex(VALUES[i & MASK]! * 1000), 1);
  return ((performance.now() - t0) / n) * 1e6;
}

function timeInc(n: number, counter: { inc(): void }): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) counter.inc();
  return ((performance.now() - t0) / n) * 1e6;
}

function timeObserve(n: number, histogram: { observe(v: number): void }): number {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) histogram.observe(VALUES[i & MASK]!);
  return ((performance.now() - t0) / n) * 1e6;
}

export async function appMetricsRows(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 200_000 : 5_000_000;
  const metrics = new AppMetrics();
  const counter = metrics.counter('jobs_done');
  const histogram = metrics.histogram('job_duration_ms');
  const registry = new client.Registry();
  const promCounter = new client.Counter({ name: 'jobs_done_total', help: 'h', registers: [registry] });
  const promHistogram = new client.Histogram({ name: 'job_duration_ms', help: 'h', registers: [registry] });
  const floor: number[] = [];
  const inc: number[] = [];
  const observe: number[] = [];
  const promInc: number[] = [];
  const promObserve: number[] = [];
  const bucketOnly: number[] = [];
  // A warm-up of each, so every loop is compiled before it is timed.
  timeAtomics(n);
  timeBucketOnly(n);
  timeInc(n, counter);
  timeObserve(n, histogram);
  timeInc(n, promCounter);
  timeObserve(n, promHistogram);
  for (let rep = 0; rep < ctx.reps(7, 1); rep++) {
    floor.push(timeAtomics(n));
    bucketOnly.push(timeBucketOnly(n));
    inc.push(timeInc(n, counter));
    observe.push(timeObserve(n, histogram));
    promInc.push(timeInc(n, promCounter));
    promObserve.push(timeObserve(n, promHistogram));
  }
  const ratioToFloor = (xs: number[]): number => median(xs) / median(floor);
  const floorRow = (name: string, xs: number[], call: string, note?: string): Row => ({
    name,
    what: `ns per ${call} in a loop`,
    threadboard: cost(xs, 'ns'),
    reference: cost(floor, 'ns'),
    referenceWhat: 'bare Atomics.add(u32, 0, 1) on a SharedArrayBuffer, same loop',
    ratio: ratioToFloor(xs),
    target: '≤ 3× the bare Atomics.add',
    met: ratioToFloor(xs) <= 3,
    ...(note === undefined ? {} : { note }),
  });
  const promRow = (name: string, xs: number[], ref: number[], call: string, refWhat: string): Row => ({
    name,
    what: `ns per ${call} in a loop`,
    threadboard: cost(xs, 'ns'),
    reference: cost(ref, 'ns'),
    referenceWhat: refWhat,
    ratio: median(xs) / median(ref),
    target: '— (informative; lower is better)',
    met: true,
    note: 'prom-client keeps its values in the thread that updates them; threadboard in a buffer any thread can read',
  });
  return [
    floorRow('app counter inc() vs Atomics.add', inc, 'counter.inc()'),
    floorRow(
      'app histogram observe() vs Atomics.add',
      observe,
      'histogram.observe(ms)',
      `one Atomics.add into the value's own bucket alone: ${median(bucketOnly).toFixed(1)} ns (${ratioToFloor(bucketOnly).toFixed(2)}×); observe() adds the sum's`,
    ),
    promRow('app counter inc() vs prom-client', inc, promInc, 'counter.inc()', 'prom-client Counter.inc(), no labels'),
    promRow(
      'app histogram observe() vs prom-client',
      observe,
      promObserve,
      'histogram.observe(ms)',
      'prom-client Histogram.observe(v), default buckets, no labels',
    ),
  ];
}
