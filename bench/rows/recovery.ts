/**
 * Worker recovery, coordinator recovery and hang detection: a real fault, timed until the
 * replacement's first sample shows in a pushed snapshot, against raw `new Worker()` start.
 * Crashes are isolated (periodMs 1), so each one is the first in its window and no backoff
 * applies: this is the recovery of a lone crash, which is what backoff leaves immediate.
 */
import { performance } from 'node:perf_hooks';
import { startDashboard } from '../../src/index.js';
import { rawWorkerStart } from '../lib/raw-worker.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost, median } from '../lib/stats.js';
import { replaced, whenSnapshot } from '../lib/wait-snapshot.js';

const ISOLATED = { maxRestarts: 1_000_000, periodMs: 1 };
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function recoveryRows(ctx: BenchContext): Promise<Row[]> {
  const hangTimeoutMs = 400;
  const dash = await startDashboard({ hangTimeoutMs, supervision: ISOLATED });
  const worker: number[] = [];
  const coordinator: number[] = [];
  const hang: number[] = [];
  const raw: number[] = [];
  try {
    await dash.collect();
    const names = ['cpu', 'memory', 'requests'];
    for (let i = 0; i < ctx.reps(15, 3); i++) {
      raw.push(await rawWorkerStart());
      const name = names[i % 3]!;
      const old = (await dash.getDashboard()).workers.find((w) => w.name === name)!.threadId;
      const since = Date.now();
      const t0 = performance.now();
      const seen = whenSnapshot(dash, replaced(name, old, since));
      await dash.crash(name, 'kill');
      worker.push((await seen) - t0);
      // Let the machine go quiet between runs, so one run's tail is not the next run's start.
      await settle(50);
    }
    for (let i = 0; i < ctx.reps(9, 2); i++) {
      raw.push(await rawWorkerStart());
      const before = await dash.getDashboard();
      const since = Date.now();
      const t0 = performance.now();
      const seen = whenSnapshot(
        dash,
        (s) => s.coordinator.status === 'running' && s.coordinator.threadId !== before.coordinator.threadId &&
          s.workers.every((w) => w.status === 'running' && w.lastSampleAt !== null && Date.parse(w.lastSampleAt) >= since),
      );
      await dash.crash('coordinator', 'kill');
      coordinator.push((await seen) - t0);
      await settle(100);
    }
    for (let i = 0; i < ctx.reps(6, 1); i++) {
      const name = names[i % 3]!;
      const old = (await dash.getDashboard()).workers.find((w) => w.name === name)!.threadId;
      const since = Date.now();
      const t0 = performance.now();
      const seen = whenSnapshot(dash, replaced(name, old, since));
      await dash.crash(name, 'hang');
      hang.push((await seen) - t0 - hangTimeoutMs);
      await settle(50);
    }
  } finally {
    await dash.stop();
  }
  const rawFig = cost(raw, 'ms');
  const w = cost(worker, 'ms');
  const c = cost(coordinator, 'ms');
  const h = cost(hang, 'ms');
  const wr = w.median / rawFig.median;
  const cr = c.median / rawFig.median;
  return [
    {
      name: 'worker recovery',
      what: 'kill a metric worker → its replacement’s first sample in a pushed snapshot',
      threadboard: w,
      reference: rawFig,
      referenceWhat: 'raw new Worker(file) → first message',
      ratio: wr,
      target: 'ratio ≤ 1.5',
      met: wr <= 1.5,
    },
    {
      name: 'coordinator recovery',
      what: 'kill the coordinator → snapshot with all 3 workers re-created and sampled',
      threadboard: c,
      reference: rawFig,
      referenceWhat: 'one raw worker start',
      ratio: cr,
      target: 'ratio ≤ 3',
      met: cr <= 3,
    },
    {
      name: 'hang detection',
      what: `worker in while(true){} → replacement sampling, minus the ${hangTimeoutMs} ms deadline`,
      threadboard: h,
      reference: { median: hangTimeoutMs, worst: hangTimeoutMs, runs: 1, unit: 'ms' },
      referenceWhat: 'the configured watchdog deadline',
      ratio: median(hang),
      target: 'overshoot ≤ 50 ms',
      met: h.median <= 50,
      note: 'overshoot can be negative: the hang starts up to one heartbeat period after the last beat',
    },
  ];
}
