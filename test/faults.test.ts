import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard, type ExitEvent, type FaultKind, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, threadCount, waitFor } from './helpers.js';

const FAULTS: FaultKind[] = ['throw', 'exit', 'hang', 'oom', 'kill'];
const REASON = { throw: 'error', exit: 'exit', hang: 'hang', oom: 'oom', kill: 'killed' } as const;
const OPTIONS = {
  intervalMs: 1000,
  hangTimeoutMs: 800,
  // Five crashes of one target in a row is the test, not a crash storm.
  supervision: { maxRestarts: 100, periodMs: 5000, backoff: { initialMs: 10, maxMs: 50 } },
};

/** One dashboard per describe block, and the thread count once it runs. */
function dashboardPerBlock(): { dash: Dashboard; threadsAtStart: number } {
  const ctx = {} as { dash: Dashboard; threadsAtStart: number };
  beforeAll(async () => {
    ctx.dash = await startDashboard(OPTIONS);
    ctx.threadsAtStart = threadCount();
  });
  afterAll(async () => {
    await ctx.dash?.stop();
  });
  return ctx;
}

describe.each(['cpu', 'memory', 'requests'])('every fault kind on the %s worker', (name) => {
  const ctx = dashboardPerBlock();

  it.each(FAULTS)('%s: detected with the right reason, restarted, sampling again', async (how) => {
    const before = (await ctx.dash.getDashboard()).workers.find((w) => w.name === name)!;
    const exit = nextEvent<ExitEvent>(ctx.dash, 'exit', (e) => e.target === name);
    const restart = nextEvent<RestartEvent>(ctx.dash, 'restart', (e) => e.target === name);
    const crashed = await ctx.dash.crash(name, how);
    expect(crashed.threadId).toBe(before.threadId);

    const ex = await exit;
    expect(ex.reason).toBe(REASON[how]);
    expect(ex.threadId).toBe(before.threadId);
    expect(ex.willRestart).toBe(true);
    const rs = await restart;
    expect(rs.oldThreadId).toBe(before.threadId);
    expect(rs.newThreadId).not.toBe(before.threadId);

    const after = await waitFor('a fresh sample from the replacement', async () => {
      const w = (await ctx.dash.getDashboard()).workers.find((x) => x.name === name)!;
      return w.status === 'running' && w.lastSampleAt && Date.parse(w.lastSampleAt) >= Date.parse(ex.at) ? w : null;
    });
    expect(after.threadId).toBe(rs.newThreadId);
    expect(after.restarts).toBe(before.restarts + 1);
    expect(after.lastExit?.reason).toBe(REASON[how]);
    const snap = await ctx.dash.getDashboard();
    expect(snap.coordinator.restarts).toBe(0);
    expect(snap[name as 'cpu' | 'memory' | 'requests']).not.toBeNull();
    // The other workers were left alone (one_for_one).
    for (const other of snap.workers.filter((w) => w.name !== name)) expect(other.restarts).toBe(0);
  });

  it('leaves the thread count where it started', async () => {
    await waitFor('thread count back to its start', () => threadCount() === ctx.threadsAtStart, 5000);
  });
});

describe('every fault kind on the coordinator', () => {
  const ctx = dashboardPerBlock();

  it.each(FAULTS)('%s: detected, coordinator replaced, workers re-created with fresh samples', async (how) => {
    const before = await ctx.dash.getDashboard();
    const exit = nextEvent<ExitEvent>(ctx.dash, 'exit', (e) => e.target === 'coordinator');
    const restart = nextEvent<RestartEvent>(ctx.dash, 'restart', (e) => e.target === 'coordinator');
    const crashed = await ctx.dash.crash('coordinator', how);
    expect(crashed.threadId).toBe(before.coordinator.threadId);

    const ex = await exit;
    expect(ex.reason).toBe(REASON[how]);
    const rs = await restart;
    expect(rs.newThreadId).not.toBe(before.coordinator.threadId);

    const oldWorkerThreads = new Set(before.workers.map((w) => w.threadId));
    const after = await waitFor('re-created workers with fresh samples', async () => {
      const s = await ctx.dash.getDashboard();
      const fresh = s.workers.every(
        (w) => w.status === 'running' && w.lastSampleAt !== null && Date.parse(w.lastSampleAt) >= Date.parse(ex.at),
      );
      return fresh ? s : null;
    });
    expect(after.coordinator.status).toBe('running');
    expect(after.coordinator.threadId).toBe(rs.newThreadId);
    expect(after.coordinator.restarts).toBe(before.coordinator.restarts + 1);
    expect(after.coordinator.lastExit?.reason).toBe(REASON[how]);
    for (const w of after.workers) expect(oldWorkerThreads.has(w.threadId)).toBe(false);
    expect(after.cpu && after.memory && after.requests).toBeTruthy();
    expect(await ctx.dash.workerCount()).toBe(3);
  });

  it('leaves the thread count where it started', async () => {
    await waitFor('thread count back to its start', () => threadCount() === ctx.threadsAtStart, 5000);
  });
});
