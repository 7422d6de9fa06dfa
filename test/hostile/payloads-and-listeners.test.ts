// Issue 9.1: what a custom worker returns, and what a listener does, never reaches the host.
import { describe, expect, it } from 'vitest';
import { fixture, runScenario } from './scenario.js';

describe('a custom worker whose payload JSON cannot carry', () => {
  it.each(['bigint', 'cyclic'])(
    '(%s) is refused at the worker and shown as its sample error, with the web server on; the host lives',
    async (kind) => {
      const r = await runScenario(`
        const dash = await startDashboard({
          web: { port: 0 },
          intervalMs: 100,
          workers: [{ name: 'odd', file: ${JSON.stringify(fixture('unshowable-worker.mjs'))}, data: { kind: '${kind}' } }],
        });
        const seen = [];
        dash.on('snapshot', (s) => seen.push(JSON.stringify(s).length));
        const s = await until('two sample errors', async () => {
          await dash.collect();
          const s = await dash.getDashboard();
          return s.workers.find((w) => w.name === 'odd').sampleErrors >= 2 ? s : null;
        });
        const api = await fetch(dash.webUrl + '/api/dashboard').then((r) => r.json());
        print({ odd: s.workers.find((w) => w.name === 'odd'), custom: s.custom.odd, apiOdd: api.custom.odd, snapshots: seen.length, status: s.workers.map((w) => w.status) });
        await dash.stop();
      `);
      expect(r.stderr).toBe('');
      expect(r.code, r.stderr).toBe(0);
      const out = r.printed[0] as {
        odd: { sampleErrors: number; lastSampleError: { message: string }; restarts: number; status: string };
        custom: { ok: boolean };
        apiOdd: { ok: boolean };
        snapshots: number;
        status: string[];
      };
      expect(out.odd.lastSampleError.message).toMatch(
        kind === 'bigint' ? /payload\.big is a BigInt/ : /payload\.self refers back to itself/,
      );
      expect(out.odd.restarts).toBe(0);
      // The last good payload stays, on every surface.
      expect(out.custom).toMatchObject({ ok: true });
      expect(out.apiOdd).toMatchObject({ ok: true });
      expect(out.snapshots).toBeGreaterThan(0);
      expect(out.status.every((s) => s === 'running')).toBe(true);
    },
  );
});

describe('snapshot, exit and restart listeners', () => {
  it('that throw, or reject, break neither the dashboard nor the other listeners; each is reported as a warning', async () => {
    const r = await runScenario(`
      const warnings = [];
      process.on('warning', (w) => warnings.push(w.code));
      const dash = await startDashboard({ intervalMs: 100, hangTimeoutMs: 1000 });
      dash.on('snapshot', () => { throw new Error('listener bug'); });
      dash.on('snapshot', async () => { throw new Error('async listener bug'); });
      dash.on('exit', () => { throw new Error('exit listener bug'); });
      let good = 0;
      dash.on('snapshot', () => good++);
      let restarts = 0;
      dash.on('restart', () => restarts++);
      for (let i = 0; i < 5; i++) await dash.collect();
      await dash.crash('cpu', 'kill');
      await until('cpu restarted', () => restarts > 0);
      await dash.crash('coordinator', 'throw');
      await until('coordinator restarted', () => restarts > 1);
      await dash.collect();
      await new Promise((r) => setImmediate(r));
      print({ good, restarts, warnings: [...new Set(warnings)], count: (await dash.getDashboard()).collectionCount });
      await dash.stop();
    `);
    expect(r.code, r.stderr).toBe(0);
    const out = r.printed[0] as { good: number; restarts: number; warnings: string[]; count: number };
    expect(out.good).toBeGreaterThan(5);
    expect(out.count).toBe(6);
    expect(out.warnings).toEqual(['THREADBOARD_LISTENER_ERROR']);
  });
});
