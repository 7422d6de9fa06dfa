import { describe, expect, it } from 'vitest';
import { classifyExit } from '../../dist/src/supervisor/exit-reason.js';
import { workerExecArgv } from '../../dist/src/supervisor/exec-argv.js';
import { backoffDelay, exceedsIntensity, pruneWindow } from '../../dist/src/supervisor/intensity.js';

describe('restart intensity', () => {
  const intensity = { maxRestarts: 3, periodMs: 5000 };
  it('allows maxRestarts within the period and refuses one more', () => {
    expect(exceedsIntensity([], 0, intensity)).toBe(false);
    expect(exceedsIntensity([1, 2], 3, intensity)).toBe(false);
    expect(exceedsIntensity([1, 2, 3], 4, intensity)).toBe(true);
  });
  it('forgets restarts older than the period', () => {
    expect(exceedsIntensity([0, 1, 2], 5001, intensity)).toBe(false);
    expect(pruneWindow([0, 100, 4000], 5050, 5000)).toEqual([100, 4000]);
  });
  it('backs off: first restart immediate, then doubling, capped', () => {
    const b = { initialMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 4, 5, 50].map((n) => backoffDelay(n, b))).toEqual([0, 100, 200, 400, 800, 1000, 1000]);
  });
});

describe('exit classification', () => {
  const base = { error: undefined, exitCode: 1, terminatedFor: null, hangDetail: 'no heartbeat' };
  it('tells each way a thread can end apart', () => {
    const oom = Object.assign(new Error('Worker terminated due to reaching memory limit'), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
    expect(classifyExit({ ...base, error: oom })).toMatchObject({ kind: 'crash', reason: 'oom' });
    expect(classifyExit({ ...base, error: new TypeError('x is undefined') })).toEqual({
      kind: 'crash',
      reason: 'error',
      message: 'TypeError: x is undefined',
    });
    expect(classifyExit({ ...base, exitCode: 17 })).toEqual({ kind: 'crash', reason: 'exit', message: 'exited with code 17' });
    expect(classifyExit({ ...base, exitCode: 0 })).toEqual({ kind: 'normal', message: 'exited with code 0' });
    expect(classifyExit({ ...base, terminatedFor: 'hang' })).toEqual({ kind: 'crash', reason: 'hang', message: 'no heartbeat' });
    expect(classifyExit({ ...base, terminatedFor: 'killed' })).toMatchObject({ reason: 'killed' });
    expect(classifyExit({ ...base, terminatedFor: 'shutdown', error: new Error('x') })).toEqual({ kind: 'deliberate' });
    expect(classifyExit({ ...base, terminatedFor: 'restart' })).toEqual({ kind: 'deliberate' });
  });
});

describe('worker execArgv', () => {
  it('drops TypeScript/loader flags in both spellings and keeps the rest', () => {
    expect(workerExecArgv(['--import', 'tsx', '--expose-gc', '--loader=ts-node/esm', '-r', 'x', '--max-old-space-size=100'])).toEqual([
      '--expose-gc',
      '--max-old-space-size=100',
    ]);
  });
});
