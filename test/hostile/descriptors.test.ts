// Issue 9.5 (engine side): a thread that cannot start for want of descriptors is retried with
// backoff until it can, and never counted toward giving up.
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

describe('descriptor exhaustion in the host', () => {
  it('a worker and a coordinator restarted while no descriptor is free come back once descriptors are', async () => {
    const r = await runScenario(
      `
      import { openSync, closeSync } from 'node:fs';
      // Short intervals: the process vitals (whose RSS read takes a descriptor) sample several times
      // while none is free.
      const dash = await startDashboard({ hangTimeoutMs: 1000, intervalMs: 200 });
      const exits = [];
      dash.on('exit', (e) => exits.push(e.target + ':' + e.reason));
      let failed = false;
      dash.on('failed', () => (failed = true));
      await dash.collect();
      // The host (or its clients) takes every descriptor there is.
      // And keeps taking every one that frees up (a thread that exits releases its own), as a
      // host under a descriptor leak would: otherwise a restart can slip into a freed one.
      const fds = [];
      const takeAll = () => { try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch (e) { if (e.code !== 'EMFILE') throw e; } };
      takeAll();
      await dash.crash('cpu', 'kill');
      await until(() => 'cpu retried for want of descriptors a few times; exits so far: ' + exits.join(', '), () => (takeAll(), exits.filter((e) => e === 'cpu:resource').length >= 4), 20000);
      const ticks = [];
      dash.on('snapshot', (s) => ticks.push(s.process));
      await until('process vitals sampled with no descriptor free', () => (takeAll(), ticks.length >= 3), 5000);
      const during = await dash.getDashboard();
      for (const fd of fds.splice(0)) closeSync(fd);
      await until('every thread running again', async () => {
        const s = await dash.getDashboard();
        return s.coordinator.status === 'running' && s.workers.every((w) => w.status === 'running') ? s : null;
      }, 30000);
      await dash.collect();
      print({ failed, during: during.workers.find((w) => w.name === 'cpu').status, exits, rss: ticks.at(-1)?.rssMiB ?? null });
      await dash.stop();
    `,
      { maxFiles: 256, timeoutMs: 80_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const out = r.printed[0] as { failed: boolean; during: string; exits: string[]; rss: number | null };
    // The RSS read failed (EMFILE) while no descriptor was free: the last reading stood in.
    expect(out.rss).toBeGreaterThan(0);
    expect(out.failed).toBe(false);
    expect(['restarting', 'starting']).toContain(out.during);
    expect(out.exits.filter((e) => e === 'cpu:resource').length).toBeGreaterThanOrEqual(4);
    // The injected kill, then nothing but resource shortages (whichever thread met one): none of
    // them counted toward the intensity, so nothing escalated and nothing failed.
    expect(out.exits[0]).toBe('cpu:killed');
    expect(out.exits.slice(1).every((e) => e.endsWith(':resource'))).toBe(true);
  }, 90_000);
});
