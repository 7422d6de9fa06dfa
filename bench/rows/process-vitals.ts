/**
 * What watching the host process costs the host's main thread: the work main does once per
 * interval for process vitals and health (one vitals sample and one error-window reading of the
 * shared counters), in microseconds per interval, beside the bare Node reads any such monitor
 * makes (process.cpuUsage, memoryUsage.rss, eventLoopUtilization) measured in the same run. A
 * second row adds what a front end asks for on top: one snapshot assembled and judged, as
 * getDashboard() serves it.
 */
import { performance } from 'node:perf_hooks';
import { startDashboard } from '../../src/index.js';
import { ErrorWindow } from '../../src/main/error-window.js';
import { ProcessVitals } from '../../src/main/process-vitals.js';
import { RequestCounters } from '../../src/shared/request-counters.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost, median } from '../lib/stats.js';

async function microsEach(n: number, once: () => unknown): Promise<number> {
  for (let i = 0; i < Math.min(n, 200); i++) await once(); // warm-up, so the JIT has compiled it
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await once();
  return ((performance.now() - t0) / n) * 1000;
}

export async function processVitalsRows(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 300 : 3000;
  const dash = await startDashboard({ httpProbe: false });
  const vitals = new ProcessVitals();
  const window = new ErrorWindow(30_000);
  const counters = new RequestCounters();
  const ours: number[] = [];
  const withSnapshot: number[] = [];
  const raw: number[] = [];
  try {
    await dash.collect();
    for (let rep = 0; rep < ctx.reps(5, 1); rep++) {
      ours.push(
        await microsEach(n, () => {
          vitals.sample();
          window.add(counters.readLiveTotals());
        }),
      );
      withSnapshot.push(
        await microsEach(n, async () => {
          vitals.sample();
          window.add(counters.readLiveTotals());
          return dash.getDashboard();
        }),
      );
      raw.push(
        await microsEach(n, () => {
          process.cpuUsage();
          process.memoryUsage.rss();
          return performance.eventLoopUtilization();
        }),
      );
    }
  } finally {
    vitals.stop();
    await dash.stop();
  }
  const us = median(ours);
  return [
    {
      name: 'Process vitals: main-thread work per interval',
      what: 'µs per interval: vitals sample and error-window reading',
      threadboard: cost(ours, 'µs'),
      reference: cost(raw, 'µs'),
      referenceWhat: 'bare cpuUsage + memoryUsage.rss + eventLoopUtilization',
      ratio: us / median(raw),
      target: '< 50 µs per interval (at 1 Hz: < 0.005 % of the main thread)',
      met: us < 50,
      note: `${((us / 1e6) * 100).toFixed(4)} % of the main thread at one interval per second`,
    },
    {
      name: 'Process vitals with a front end',
      what: 'µs per interval: the above, plus one snapshot assembled and judged (getDashboard)',
      threadboard: cost(withSnapshot, 'µs'),
      reference: cost(raw, 'µs'),
      referenceWhat: 'bare cpuUsage + memoryUsage.rss + eventLoopUtilization',
      ratio: median(withSnapshot) / median(raw),
      target: '— (informative: a TUI, page or snapshot listener asks for this each interval)',
      met: true,
    },
  ];
}
