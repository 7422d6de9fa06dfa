/**
 * Worker recovery, coordinator recovery and hang detection: a real fault, timed until the
 * replacement's first sample shows in a pushed snapshot, against raw `new Worker()` start.
 * Crashes are isolated (periodMs 1), so each one is the first in its window and no backoff
 * applies: this is the recovery of a lone crash, which is what backoff leaves immediate.
 */
import { performance } from 'node:perf_hooks';
import { startDashboard, type Dashboard } from '../../src/index.js';
import { Piscina } from 'piscina';
import { fixtureFile } from '../lib/child.js';
import { rawWorkerStart } from '../lib/raw-worker.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost } from '../lib/stats.js';
import { DashboardWatch, healthy } from '../../src/demo/dashboard-watch.js';

const ISOLATED = { maxRestarts: 1_000_000, periodMs: 1 };
const settle = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Crashes `target` and resolves with the ms from the crash to the moment `recovered` first holds. */
async function timeRecovery(
  dash: Dashboard,
  watch: DashboardWatch,
  target: string,
  how: 'kill' | 'hang',
  recovered: (newThreadId: number, since: number) => boolean,
): Promise<number> {
  const before = await dash.getDashboard();
  const old = target === 'coordinator' ? before.coordinator.threadId : before.workers.find((w) => w.name === target)!.threadId;
  const seen = watch.restarts.length;
  const since = Date.now();
  const t0 = performance.now();
  await dash.crash(target, how);
  return watch.waitFor(
    `${target} recovered`,
    () => {
      const r = watch.restarts.slice(seen).find((e) => e.target === target && e.oldThreadId === old);
      return r && recovered(r.newThreadId, since) ? performance.now() - t0 : null;
    },
    20_000,
  );
}

/** ms from asking `target` to hang to the supervisor reporting it exited as hung. */
async function timeHangDetection(dash: Dashboard, watch: DashboardWatch, target: string): Promise<number> {
  const old = (await dash.getDashboard()).workers.find((w) => w.name === target)!.threadId;
  const exits = watch.exits.length;
  const recoveries = watch.recoveries.length;
  const t0 = performance.now();
  await dash.crash(target, 'hang');
  await watch.waitFor(
    `${target} seen hung`,
    () => watch.exits.slice(exits).find((e) => e.target === target && e.threadId === old && e.reason === 'hang') ?? null,
    20_000,
  );
  const ms = performance.now() - t0;
  // The replacement must be up before the next fault, or that fault would meet a restarting worker.
  await watch.waitFor(`${target} back`, () => watch.recoveries.slice(recoveries).find((r) => r.target === target) ?? null, 20_000);
  return ms;
}

/**
 * piscina, the peer: a pool of one thread whose task dies (process.exit, as a crashed thread
 * would); ms from the fatal task's start to the replacement thread's first answer.
 */
async function piscinaRecoveries(reps: number): Promise<number[]> {
  const pool = new Piscina({ filename: fixtureFile('piscina-task').href, minThreads: 1, maxThreads: 1, idleTimeout: 60_000 });
  pool.on('error', () => undefined);
  const times: number[] = [];
  try {
    await pool.run({ crash: false });
    for (let i = 0; i < reps; i++) {
      const t0 = performance.now();
      await pool.run({ crash: true }).catch(() => undefined);
      await pool.run({ crash: false });
      times.push(performance.now() - t0);
      await settle(50);
    }
  } finally {
    await pool.destroy();
  }
  return times;
}

export async function recoveryRows(ctx: BenchContext): Promise<Row[]> {
  const hangTimeoutMs = 400;
  const dash = await startDashboard({ hangTimeoutMs, supervision: ISOLATED });
  const watch = new DashboardWatch(dash);
  const worker: number[] = [];
  const coordinator: number[] = [];
  const hang: number[] = [];
  const raw: number[] = [];
  const sampled =
    (name: string) =>
    (newThreadId: number): boolean =>
      watch.recoveries.some((r) => r.target === name && r.threadId === newThreadId);
  try {
    await dash.collect();
    const names = ['cpu', 'memory', 'requests'];
    for (let i = 0; i < ctx.reps(15, 3); i++) {
      raw.push(await rawWorkerStart());
      const name = names[i % 3]!;
      worker.push(await timeRecovery(dash, watch, name, 'kill', sampled(name)));
      // Let the machine go quiet between runs, so one run's tail is not the next run's start.
      await settle(50);
    }
    for (let i = 0; i < ctx.reps(9, 2); i++) {
      raw.push(await rawWorkerStart());
      const allSampled = (newThreadId: number, since: number): boolean => {
        const s = healthy(watch.snapshot);
        return !!s && s.coordinator.threadId === newThreadId && s.workers.every((w) => Date.parse(w.lastSampleAt!) > since);
      };
      coordinator.push(await timeRecovery(dash, watch, 'coordinator', 'kill', allSampled));
      await settle(100);
    }
    for (let i = 0; i < ctx.reps(12, 2); i++) {
      const name = names[i % 3]!;
      hang.push((await timeHangDetection(dash, watch, name)) - hangTimeoutMs);
      await settle(50);
    }
  } finally {
    watch.close();
    await dash.stop();
  }
  ctx.log('  piscina: a crashed pool thread replaced');
  const peer = await piscinaRecoveries(ctx.reps(15, 3));
  const rawFig = cost(raw, 'ms');
  const w = cost(worker, 'ms');
  const c = cost(coordinator, 'ms');
  const h = cost(hang, 'ms');
  const p = cost(peer, 'ms');
  const wr = w.median / rawFig.median;
  const pr = w.median / p.median;
  const cr = c.median / rawFig.median;
  return [
    {
      name: 'worker recovery',
      what: 'kill a metric worker → its replacement’s first sample in a pushed snapshot',
      threadboard: w,
      reference: rawFig,
      referenceWhat: 'raw new Worker(file) → first message',
      ratio: wr,
      target: 'ratio ≤ 1.2',
      met: wr <= 1.2,
    },
    {
      name: 'worker recovery vs piscina',
      what: 'the same worker recovery, against the peer replacing a crashed thread',
      threadboard: w,
      reference: p,
      referenceWhat: 'piscina (1 thread): a task that exits → the replacement’s first answer',
      ratio: pr,
      target: 'ratio ≤ 1.2',
      met: pr <= 1.2,
      note: 'ours goes on to carry the sample through the coordinator into a snapshot pushed to main',
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
      what: `worker in while(true){} → its exit reported as hung, minus the ${hangTimeoutMs} ms deadline`,
      threadboard: h,
      reference: { median: hangTimeoutMs, worst: hangTimeoutMs, runs: 1, unit: 'ms' },
      referenceWhat: 'the configured watchdog deadline',
      ratio: h.worst,
      target: 'worst overshoot ≤ 50 ms',
      met: h.worst <= 50,
      note: 'judged on the worst run; an overshoot can be negative: the last beat before the hang can be up to one heartbeat period old',
    },
  ];
}
