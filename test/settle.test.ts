import { describe, expect, it } from 'vitest';
import { CallTimeoutError, DashboardStoppedError, startDashboard, type RestartEvent } from '../dist/src/index.js';
import { nextEvent } from './helpers.js';

describe('every call settles', () => {
  it('calls in flight while the coordinator hangs are answered by its replacement', async () => {
    const dash = await startDashboard({ hangTimeoutMs: 600, callTimeoutMs: 10_000 });
    try {
      const old = (await dash.getDashboard()).coordinator.threadId;
      let restartedAt = Infinity;
      dash.once('restart', () => (restartedAt = Date.now()));
      await dash.crash('coordinator', 'hang');
      // collect() waits on the workers, so these are surely in flight when the hang begins.
      const collects = Promise.allSettled([dash.collect(), dash.collect(), dash.collect()]);
      let answeredByReplacement = null;
      const deadline = Date.now() + 10_000;
      while (!answeredByReplacement && Date.now() < deadline) {
        const issuedAt = Date.now();
        const s = await dash.getDashboard();
        if (s.coordinator.threadId !== old) answeredByReplacement = { issuedAt, s };
      }
      expect(answeredByReplacement).not.toBeNull();
      // Issued while the old coordinator was hung, answered by the new one.
      expect(answeredByReplacement!.issuedAt).toBeLessThan(restartedAt);
      expect((await collects).every((r) => r.status === 'fulfilled')).toBe(true);
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
      while (!err && Date.now() - started < 2000) err = await dash.getDashboard().then(() => null, (e: unknown) => e);
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
      pending = dash.getDashboard();
      const settledQuickly = await Promise.race([pending.then(() => true, () => true), new Promise((r) => setTimeout(() => r(false), 50))]);
      if (!settledQuickly) break;
    }
    const stopped = dash.stop();
    await expect(pending).rejects.toBeInstanceOf(DashboardStoppedError);
    await stopped;
    await expect(dash.getDashboard()).rejects.toBeInstanceOf(DashboardStoppedError);
  });
});
