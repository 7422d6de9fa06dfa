/**
 * Start-up, in a fresh process (nothing cached), one JSON line:
 *   dashboard – import the package, then startDashboard() until the first full snapshot (every
 *               built-in worker has sampled): { importMs, startMs }
 *   raw       – import a bare module, then four raw threads started at once until each has said
 *               hello: { importMs, startMs }
 */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import type { DashboardSnapshot } from '../../src/index.js';

const mode = process.argv[2] ?? 'raw';

if (mode === 'dashboard') {
  const t0 = performance.now();
  const { startDashboard } = await import('../../src/index.js');
  const t1 = performance.now();
  const full = (s: DashboardSnapshot): boolean => s.cpu !== null && s.memory !== null && s.requests !== null;
  let resolveFull!: () => void;
  const sawFull = new Promise<void>((r) => (resolveFull = r));
  const dash = await startDashboard({ httpProbe: false });
  dash.on('snapshot', (s) => full(s) && resolveFull());
  if (!full(await dash.getDashboard())) await sawFull;
  const t2 = performance.now();
  console.log(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1 }));
  await dash.stop();
} else {
  const t0 = performance.now();
  await import('../fixtures/bare-module.js');
  const t1 = performance.now();
  const workers = Array.from({ length: 4 }, () => new Worker(new URL('../fixtures/raw-worker.js', import.meta.url)));
  await Promise.all(workers.map((w) => new Promise((r) => w.once('message', r))));
  const t2 = performance.now();
  console.log(JSON.stringify({ importMs: t1 - t0, startMs: t2 - t1 }));
  await Promise.all(workers.map((w) => w.terminate()));
}
