import { describe, expect, it } from 'vitest';
import { CallTimeoutError, DashboardStoppedError, startDashboard, type ExitEvent, type RestartEvent } from '../dist/src/index.js';
import { nextEvent } from './helpers.js';

describe('every call settles', () => {
  it('calls in flight while the coordinator hangs are answered by its replacement', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 600, callTimeoutMs: 10_000 });
    try {
      const old = (await dash.getDashboard()).coordinator.threadId;
      const exited = nextEvent<ExitEvent>(dash, 'exit', (e) => e.target === 'coordinator');
      const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'coordinator');
      await dash.crash('coordinator', 'hang');
      // collect() waits on the workers, so these are surely in flight when the hang begins.
      const calls = Promise.allSettled([dash.collect(), dash.collect(), dash.collect(), dash.workerCount()]);
      // A getDashboard() issued while the coordinator is down waits for the replacement.
      await exited;
      const whileDown = dash.getDashboard();
      const rs = await restarted;
      const snap = await whileDown;
      expect(snap.coordinator.threadId).toBe(rs.newThreadId);
      expect(snap.coordinator.threadId).not.toBe(old);
      expect(snap.coordinator.status).toBe('running');
      const results = await calls;
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled']);
      expect((results[3] as PromiseFulfilledResult<number>).value).toBe(3);
      expect((await dash.getDashboard()).collectionCount).toBe(3);
    } finally {
      await dash.stop();
    }
  });

  it('calls in flight while the coordinator is killed settle', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 1000 });
    try {
      const calls = Array.from({ length: 20 }, (_, i) => (i % 2 ? dash.getDashboard() : dash.collect()));
      await dash.crash('coordinator', 'kill');
      const results = await Promise.allSettled(calls);
      expect(results.map((r) => r.status)).toEqual(Array(20).fill('fulfilled'));
      expect((await dash.getDashboard()).collectionCount).toBe(10);
    } finally {
      await dash.stop();
    }
  });

  it('rejects with a typed error once callTimeoutMs passes without a live coordinator', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 5000, callTimeoutMs: 300 });
    try {
      await dash.crash('coordinator', 'hang');
      const started = Date.now();
      // The call may be answered before the hang begins; keep calling until one hits the hung thread.
      let err: unknown = null;
      while (!err && Date.now() - started < 2000)
        err = await dash.workerCount().then(
          () => null,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(CallTimeoutError);
      expect((err as Error).message).toMatch(/callTimeoutMs/);
      expect(Date.now() - started).toBeLessThan(2500);
    } finally {
      await dash.stop();
    }
  });

  it('a call pending when stop() runs rejects with DashboardStoppedError', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 5000, callTimeoutMs: 10_000 });
    await dash.crash('coordinator', 'hang');
    let pending: Promise<unknown> = Promise.resolve();
    // Find a call that is really waiting on the hung coordinator.
    const started = Date.now();
    while (Date.now() - started < 2000) {
      pending = dash.workerCount();
      const settledQuickly = await Promise.race([
        pending.then(
          () => true,
          () => true,
        ),
        new Promise((r) => setTimeout(() => r(false), 50)),
      ]);
      if (!settledQuickly) break;
    }
    const stopped = dash.stop();
    await expect(pending).rejects.toBeInstanceOf(DashboardStoppedError);
    await stopped;
    await expect(dash.getDashboard()).rejects.toBeInstanceOf(DashboardStoppedError);
  });
});
