// A process stopped (Ctrl-Z, SIGSTOP) and continued: its threads did not hang, nothing is restarted.
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

/** Continues the child whenever it has stopped itself, after it has stayed stopped for `ms`. */
function continueAfter(ms: number, times: number): (child: ChildProcess) => void {
  return (child) => {
    let left = times;
    const tick = (): void => {
      if (left-- <= 0 || child.exitCode !== null) return;
      setTimeout(() => {
        child.kill('SIGCONT');
        tick();
      }, ms);
    };
    tick();
  };
}

describe('a host process stopped and continued', () => {
  it('restarts no thread as hung: the watchdog knows it did not run either', async () => {
    const r = await runScenario(
      `
      const dash = await startDashboard({ hangTimeoutMs: 1000 });
      const exits = [];
      dash.on('exit', (e) => exits.push(e.target + ':' + e.reason));
      await dash.collect();
      for (let i = 0; i < 3; i++) {
        process.kill(process.pid, 'SIGSTOP'); // stopped for 3 s each time (the test continues us)
        await new Promise((r) => setTimeout(r, 1500));
      }
      await dash.collect();
      const s = await dash.getDashboard();
      print({ exits, restarts: [s.coordinator.restarts, ...s.workers.map((w) => w.restarts)] });
      await dash.stop();
    `,
      { timeoutMs: 30_000, onSpawn: continueAfter(3000, 3) },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed[0]).toEqual({ exits: [], restarts: [0, 0, 0, 0] });
  }, 40_000);
});
