// Issue 9: a short run of the soak (npm run soak -- --minutes N) is part of the suite.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { repo } from './scenario.js';

const run = promisify(execFile);

describe('the soak, for one minute', () => {
  it('random faults on every thread under load: no request lost, no uncaught error, threads and descriptors back where they were', async () => {
    const { stdout } = await run(process.execPath, ['dist/scripts/soak/soak.js', '--minutes', '1', '--json'], {
      cwd: repo,
      timeout: 150_000,
    }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
    const r = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      faultsInjected: number;
      restartsSurvived: number;
      coordinatorRestarts: number;
      requests: { counted: number; sent: number; lost: number };
      uncaught: number;
      failed: boolean;
      threads: { start: number; end: number };
      fds: { start: number; end: number; newAtEnd: Record<string, number> };
    };
    expect(r.uncaught).toBe(0);
    expect(r.failed).toBe(false);
    expect(r.faultsInjected).toBeGreaterThan(20);
    expect(r.restartsSurvived).toBeGreaterThan(20);
    expect(r.coordinatorRestarts).toBeGreaterThan(0);
    expect(r.requests.sent).toBeGreaterThan(5000);
    expect(r.requests.lost).toBe(0);
    expect(r.threads.end).toBe(r.threads.start);
    // Descriptors: none left open but, on Node 20, a module file a metric thread was loading when
    // its coordinator was killed: Node never closes those (scripts/node-bugs/module-fd-leak.mjs
    // shows it without our code; none on Node 24). Rare since each thread loads one bundled file
    // (two 10-minute soaks, 239 coordinator deaths: none), so a few are tolerated, never more.
    const ours = path.join(repo, 'dist') + path.sep;
    const left = Object.entries(r.fds.newAtEnd);
    const moduleFiles = left.filter(([what]) => what.startsWith(ours) && what.endsWith('.js'));
    expect(left.filter((e) => !moduleFiles.includes(e))).toEqual([]);
    const nodeKept = moduleFiles.reduce((n, [, count]) => n + count, 0);
    expect(nodeKept).toBeLessThanOrEqual(4);
    expect(r.fds.end - r.fds.start).toBeLessThanOrEqual(nodeKept);
  }, 180_000);
});
