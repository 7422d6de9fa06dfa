import { describe, expect, it } from 'vitest';
import { startDashboard, type FaultKind, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, threadCount, waitFor } from './helpers.js';

function processListenerCount(): number {
  return process.eventNames().reduce((n, name) => n + process.listenerCount(name), 0);
}

describe('50 coordinator crash cycles', () => {
  it('leave the thread count, listener counts and open handles where they started', async () => {
    const dash = await startDashboard({
      hangTimeoutMs: 1000,
      supervision: { maxRestarts: 1000, periodMs: 1000, backoff: { initialMs: 0, maxMs: 0 } },
    });
    try {
      await dash.collect();
      const threads = threadCount();
      const processListeners = processListenerCount();
      const dashListeners = dash.eventNames().reduce((n, name) => n + dash.listenerCount(name), 0);
      // Open handles (timers, ports, sockets...) of this process, by type.
      const resources = (): string => [...process.getActiveResourcesInfo()].sort().join(',');
      const resourcesBefore = resources();
      const kinds: FaultKind[] = ['kill', 'throw', 'exit', 'oom'];
      for (let i = 0; i < 50; i++) {
        const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'coordinator');
        await dash.crash('coordinator', kinds[i % kinds.length]!);
        await restarted;
      }
      await dash.collect();
      const s = await dash.getDashboard();
      expect(s.coordinator.restarts).toBe(50);
      expect(s.workers.every((w) => w.status === 'running')).toBe(true);
      await waitFor('thread count back to where it started', () => threadCount() === threads, 5000);
      await waitFor('the same open handles as before the crashes', () => resources() === resourcesBefore, 5000);
      expect(processListenerCount()).toBe(processListeners);
      expect(dash.eventNames().reduce((n, name) => n + dash.listenerCount(name), 0)).toBe(dashListeners);
    } finally {
      await dash.stop();
    }
    // 50 cycles of four thread starts each: about 20 s here, three times that on a loaded machine.
  }, 150_000);
});
