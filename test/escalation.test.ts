import { describe, expect, it } from 'vitest';
import { DashboardFailedError, startDashboard, type ExitEvent, type FailedEvent } from '../dist/src/index.js';
import { nextEvent, threadCount, waitFor } from './helpers.js';

describe('restart intensity and escalation', () => {
  it('a worker crash storm past the intensity escalates to the coordinator, which restarts with fresh workers', async () => {
    const dash = await startDashboard({
      hangTimeoutMs: 1000,
      supervision: { maxRestarts: 3, periodMs: 5000, backoff: { initialMs: 10, maxMs: 40 } },
    });
    try {
      const before = await dash.getDashboard();
      const coordinatorExit = nextEvent<ExitEvent>(dash, 'exit', (e) => e.target === 'coordinator');
      const cpuExits: ExitEvent[] = [];
      dash.on('exit', (e) => e.target === 'cpu' && cpuExits.push(e));
      // Four crashes within the window: the fourth is one more than maxRestarts allows.
      let killed: number | null = null;
      for (let i = 0; i < 4; i++) {
        // The replacement, not the thread just killed: a snapshot taken before main heard of the
        // exit still shows that one running, and crash() then finds no running cpu to kill.
        await waitFor('cpu running', async () => {
          const cpu = (await dash.getDashboard()).workers[0]!;
          return cpu.status === 'running' && cpu.threadId !== killed;
        });
        killed = (await dash.crash('cpu', 'kill')).threadId;
        await waitFor(`cpu exit #${i + 1}`, () => cpuExits.length === i + 1);
      }
      expect(cpuExits.slice(0, 3).every((e) => e.willRestart)).toBe(true);
      expect(cpuExits[3]!.willRestart).toBe(false);

      const ex = await coordinatorExit;
      expect(ex.reason).toBe('error');
      expect(ex.message).toMatch(/gave up: restart intensity exceeded: more than 3 restarts within 5000 ms; last was cpu \(killed/);
      const after = await waitFor('coordinator restarted with fresh workers', async () => {
        const s = await dash.getDashboard();
        // Restarts count since start, across coordinators: cpu keeps its three.
        return s.coordinator.restarts === 1 && s.workers.every((w) => w.status === 'running' && w.restarts === (w.name === 'cpu' ? 3 : 0))
          ? s
          : null;
      });
      expect(after.coordinator.lastExit?.reason).toBe('error');
      expect(after.workers[0]!.threadId).not.toBe(before.workers[0]!.threadId);
    } finally {
      await dash.stop();
    }
  });

  it('a coordinator crash storm past the root intensity fails the dashboard, never the host process', async () => {
    const threadsBefore = threadCount();
    const dash = await startDashboard({
      hangTimeoutMs: 1000,
      supervision: { maxRestarts: 2, periodMs: 10_000, backoff: { initialMs: 10, maxMs: 40 } },
    });
    const failed = nextEvent<FailedEvent>(dash, 'failed');
    const exits: ExitEvent[] = [];
    dash.on('exit', (e) => e.target === 'coordinator' && exits.push(e));
    for (let i = 0; i < 3; i++) {
      await dash.crash('coordinator', i % 2 ? 'exit' : 'throw');
      await waitFor(`coordinator exit #${i + 1}`, () => exits.length === i + 1);
    }
    const f = await failed;
    expect(f.message).toMatch(/restart intensity exceeded: more than 2 restarts within 10000 ms/);
    expect(exits[2]!.willRestart).toBe(false);

    const snap = await dash.getDashboard();
    expect(snap.coordinator.status).toBe('failed');
    expect(snap.workers.every((w) => w.status === 'failed')).toBe(true);
    expect(await dash.workerCount()).toBe(0);
    await expect(dash.collect()).rejects.toBeInstanceOf(DashboardFailedError);
    await expect(dash.collect()).rejects.toThrow(/Stop it and start a new one/);
    // Every thread of the failed tree is gone, and this process is still here to check.
    await waitFor('threads of the failed dashboard gone', () => threadCount() === threadsBefore, 5000);
    await dash.stop();
    expect(process.exitCode ?? 0).toBe(0);
  });
});
