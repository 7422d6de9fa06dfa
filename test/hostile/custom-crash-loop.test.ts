// Issue 9.9: a custom worker in a crash loop fails alone; the built-in panels keep working.
import { describe, expect, it } from 'vitest';
import { startDashboard, type GroupFailedEvent } from '../../dist/src/index.js';
import { waitFor } from '../helpers.js';
import { fixture } from './scenario.js';

describe('a custom worker whose sampler always throws', () => {
  it('gives up alone under its own supervisor, with default supervision; built-ins and other custom workers carry on', async () => {
    const dash = await startDashboard({
      workers: [
        { name: 'broken', file: fixture('throwing-worker.mjs') },
        { name: 'queue', file: fixture('counter-worker.mjs') },
      ],
    });
    try {
      const events: GroupFailedEvent[] = [];
      dash.on('group-failed', (e) => events.push(e));
      let dashboardFailed = false;
      dash.on('failed', () => (dashboardFailed = true));
      await waitFor('the broken worker, or everything, to give up', async () => {
        const snap = await dash.getDashboard();
        return dashboardFailed || snap.workers.find((w) => w.name === 'broken')!.status === 'failed';
      });
      expect(dashboardFailed).toBe(false);
      const failed = events[0]!;
      expect(failed).toMatchObject({ group: 'broken', workers: ['broken'], message: expect.stringMatching(/restart intensity exceeded/) });
      const s = await waitFor('the rest running and sampling afresh', async () => {
        await dash.collect();
        const snap = await dash.getDashboard();
        return snap.workers.filter((w) => w.name !== 'broken').every((w) => w.status === 'running') ? snap : null;
      });
      const byName = Object.fromEntries(s.workers.map((w) => [w.name, w]));
      expect(byName.broken).toMatchObject({ status: 'failed', group: 'broken', lastExit: { reason: 'error' } });
      expect(byName.broken!.lastExit!.message).toMatch(/queue unreachable/);
      expect(byName.cpu).toMatchObject({ status: 'running', group: 'builtin', restarts: 0 });
      expect(byName.queue).toMatchObject({ status: 'running', group: 'queue', restarts: 0 });
      expect(s.coordinator).toMatchObject({ status: 'running', restarts: 0 });
      expect(dash.isFailed).toBe(false);
      const before = s.collectionCount;
      const report = await dash.collect();
      expect(report.answered.sort()).toEqual(['cpu', 'memory', 'queue', 'requests']);
      expect((await dash.getDashboard()).collectionCount).toBe(before + 1);
    } finally {
      await dash.stop();
    }
  });
});
