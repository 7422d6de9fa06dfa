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
  const vsRaw = (
    name: string,
    times: number[],
    q: number,
    what: string,
    target: string,
    met: (ratio: number) => boolean,
    note?: string,
  ): Row => {
    const ratio = percentile(times, q) / percentile(raw, q);
    return {
      name,
      what,
      threadboard: latencyFigure(times, q),
      reference: latencyFigure(raw, q),
      referenceWhat: 'raw postMessage round trip to a worker',
      ratio,
      target,
      met: met(ratio),
      ...(note ? { note } : {}),
    };
  };
  const calls = `${n} sequential calls from the main thread`;
  return [
    vsRaw('getDashboard() p50', get, 0.5, calls, '—', () => true),
    vsRaw(
      'getDashboard() p99',
      get,
      0.99,
      calls,
      'ratio ≤ 1.5',
      (r) => r <= 1.5,
      'served from the snapshot the coordinator pushed; no round trip per call',
    ),
    vsRaw(
      'collect() p50',
      collect,
      0.5,
      'main → coordinator (comlink) → 3 workers sample → channel → coordinator → main',
      '— (informative)',
      () => true,
    ),
  ];
}
