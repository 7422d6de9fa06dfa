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
    expect(classifyExit({ ...base, error: new TypeError('x is undefined') })).toMatchObject({
      kind: 'crash',
      reason: 'error',
      message: 'TypeError: x is undefined',
    });
    expect(classifyExit({ ...base, exitCode: 17 })).toMatchObject({ kind: 'crash', reason: 'exit', message: 'exited with code 17' });
    expect(classifyExit({ ...base, exitCode: 0 })).toEqual({ kind: 'normal', message: 'exited with code 0' });
    expect(classifyExit({ ...base, terminatedFor: 'hang' })).toMatchObject({ kind: 'crash', reason: 'hang', message: 'no heartbeat' });
    expect(classifyExit({ ...base, terminatedFor: 'killed' })).toMatchObject({ reason: 'killed' });
    expect(classifyExit({ ...base, terminatedFor: 'shutdown', error: new Error('x') })).toEqual({ kind: 'deliberate' });
    expect(classifyExit({ ...base, terminatedFor: 'restart' })).toEqual({ kind: 'deliberate' });
  });
  it('tells a transient shortage of descriptors or threads from a real error', () => {
    const emfile = Object.assign(new Error("EMFILE: too many open files, open '/x/cpu.js'"), { code: 'EMFILE' });
    expect(classifyExit({ ...base, error: emfile })).toMatchObject({ kind: 'crash', reason: 'resource' });
    const initFailed = Object.assign(new Error('Worker initialization failure: EAGAIN'), { code: 'ERR_WORKER_INIT_FAILED' });
    expect(classifyExit({ ...base, error: initFailed })).toMatchObject({ reason: 'resource' });
    expect(classifyExit({ ...base, error: Object.assign(new Error('x'), { code: 'ENOENT' }) })).toMatchObject({ reason: 'error' });
    // Node 24's ES module loader in a new thread, out of descriptors: only the OS's words say so.
    const loader = new Error('Cannot read package config /work/package.json: too many open files.');
    expect(classifyExit({ ...base, error: loader })).toMatchObject({ reason: 'resource' });
  });
  it("passes a nested supervisor's start failure up with its own reason, from fields, not text", () => {
    const nested = Object.assign(new Error('threadboard: the cpu thread failed to start (resource: EMFILE)'), {
      code: 'ERR_THREADBOARD_START',
      reason: 'resource',
    });
    expect(classifyExit({ ...base, error: nested })).toEqual({
      kind: 'crash',
      reason: 'resource',
      message: 'threadboard: the cpu thread failed to start (resource: EMFILE)',
      nestedStart: true,
    });
  });
});

describe('worker execArgv', () => {
  it('drops loader flags in both spellings, and every flag Node refuses in a Worker, with its value', () => {
    expect(
      workerExecArgv([
        '--import',
        'tsx',
        '--expose-gc',
        '--loader=ts-node/esm',
        '-r',
        'x',
        '--max-old-space-size=100',
        '--enable-source-maps',
        '--stack-size=900',
        '--title',
        'app',
        '--abort-on-uncaught-exception',
        '--conditions',
        'dev',
      ]),
    ).toEqual(['--enable-source-maps', '--conditions', 'dev']);
  });
});
