/**
 * RSS of one process in a given shape, measured after it has settled:
 *   bare            – Node alone
 *   raw N           – Node plus N raw idle worker threads
 *   dashboard       – an idle dashboard (coordinator + 3 workers)
 *   custom N        – a dashboard of N minimal custom workers (no built-ins); also times collect()
 * Prints one JSON line.
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { startDashboard } from '../../src/index.js';
import { median } from '../lib/stats.js';

const [mode = 'bare', countArg = '0'] = process.argv.slice(2);
const count = Number(countArg);
const settleMs = Number(process.env.SETTLE_MS ?? 2000);
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, settleMs));
const rssMb = (): number => process.memoryUsage().rss / 1048576;

if (mode === 'bare') {
  await settle();
  console.log(JSON.stringify({ rssMb: rssMb() }));
} else if (mode === 'raw') {
  const workers = Array.from({ length: count }, () => new Worker(new URL('../fixtures/raw-worker.js', import.meta.url)));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  await settle();
  console.log(JSON.stringify({ rssMb: rssMb() }));
  await Promise.all(workers.map((w) => w.terminate()));
} else if (mode === 'dashboard') {
  const dash = await startDashboard();
  await dash.collect();
  await settle();
  console.log(JSON.stringify({ rssMb: rssMb() }));
  await dash.stop();
} else if (mode === 'custom') {
  const file = new URL('../fixtures/idle-metric-worker.js', import.meta.url);
  const dash = await startDashboard({
    builtins: [],
    workers: Array.from({ length: count }, (_, i) => ({ name: `w${i}`, file })),
    startTimeoutMs: 60_000,
  });
  await dash.collect();
  await settle();
  const rss = rssMb();
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const t0 = performance.now();
    const report = await dash.collect();
    times.push(performance.now() - t0);
    if (report.answered.length !== count) throw new Error(`collect answered ${report.answered.length} of ${count}`);
  }
  console.log(JSON.stringify({ rssMb: rss, collectMs: median(times) }));
  await dash.stop();
} else {
  throw new Error(`unknown mode ${mode}`);
}
