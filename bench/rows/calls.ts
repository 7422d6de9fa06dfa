/**
 * Latency of the calls a user makes, against a raw postMessage request/response round trip to
 * a worker. getDashboard() is served from the pushed snapshot in the main thread; collect() is
 * a real round trip through the coordinator to three workers and back.
 */
import { performance } from 'node:perf_hooks';
import { startDashboard } from '../../src/index.js';
import { rawRoundTrips } from '../lib/raw-worker.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost, percentile } from '../lib/stats.js';

function latencyFigure(times: number[], q: number) {
  return { ...cost(times, 'ms'), median: percentile(times, q), worst: Math.max(...times) };
}

export async function callRows(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.reps(5000, 300);
  const dash = await startDashboard();
  const get: number[] = [];
  const collect: number[] = [];
  let raw: number[];
  try {
    await dash.collect();
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      await dash.getDashboard();
      get.push(performance.now() - t0);
    }
    for (let i = 0; i < ctx.reps(200, 20); i++) {
      const t0 = performance.now();
      await dash.collect();
      collect.push(performance.now() - t0);
    }
    raw = await rawRoundTrips(n);
  } finally {
    await dash.stop();
  }
  const p50 = (x: number[]) => percentile(x, 0.5);
  const p99 = (x: number[]) => percentile(x, 0.99);
  return [
    {
      name: 'getDashboard() p50',
      what: `${n} sequential calls from the main thread`,
      threadboard: latencyFigure(get, 0.5),
      reference: latencyFigure(raw, 0.5),
      referenceWhat: 'raw postMessage round trip to a worker',
      ratio: p50(get) / p50(raw),
      target: '—',
      met: true,
    },
    {
      name: 'getDashboard() p99',
      what: `${n} sequential calls from the main thread`,
      threadboard: latencyFigure(get, 0.99),
      reference: latencyFigure(raw, 0.99),
      referenceWhat: 'raw postMessage round trip to a worker',
      ratio: p99(get) / p99(raw),
      target: 'ratio ≤ 1.5',
      met: p99(get) / p99(raw) <= 1.5,
      note: 'served from the snapshot the coordinator pushed; no round trip per call',
    },
    {
      name: 'collect() p50',
      what: 'main → coordinator (comlink) → 3 workers sample → channel → coordinator → main',
      threadboard: latencyFigure(collect, 0.5),
      reference: latencyFigure(raw, 0.5),
      referenceWhat: 'raw postMessage round trip to a worker',
      ratio: p50(collect) / p50(raw),
      target: '— (informative)',
      met: true,
    },
  ];
}
