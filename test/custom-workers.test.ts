import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { OptionsError, StartError, startDashboard, type ExitEvent } from '../dist/src/index.js';
import { nextEvent, threadCount, waitFor } from './helpers.js';

const fixture = (f: string): string => path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures', f);
const FAST = { hangTimeoutMs: 1000, supervision: { maxRestarts: 20, backoff: { initialMs: 10, maxMs: 20 } } };

describe('custom metric workers', () => {
  it('use the same contract as the built-ins: sampled, collected, supervised', async () => {
    const dash = await startDashboard({
      ...FAST,
      workers: [{ name: 'queue', file: fixture('counter-worker.mjs'), data: { label: 'jobs' } }],
    });
    try {
      expect(await dash.workerCount()).toBe(4);
      await dash.collect();
      const s = await dash.getDashboard();
      expect(s.custom.queue).toMatchObject({ name: 'queue', label: 'jobs' });
      const ticks = (s.custom.queue as { ticks: number }).ticks;
      await dash.collect();
      expect(((await dash.getDashboard()).custom.queue as { ticks: number }).ticks).toBeGreaterThan(ticks);

      const exit = nextEvent<ExitEvent>(dash, 'exit', (e) => e.target === 'queue');
      await dash.crash('queue', 'throw');
      expect((await exit).reason).toBe('error');
      const after = await waitFor('queue restarted and sampling', async () => {
        const snap = await dash.getDashboard();
        const w = snap.workers.find((x) => x.name === 'queue')!;
        return w.restarts === 1 && w.status === 'running' && (snap.custom.queue as { ticks: number }).ticks === 1 ? snap : null;
      });
      expect(after.workers.find((w) => w.name === 'queue')!.lastExit!.message).toMatch(/injected fault: throw/);
    } finally {
      await dash.stop();
    }
  });

  it('transient: a normal exit (code 0) is not restarted; temporary: a crash is not restarted', async () => {
    const dash = await startDashboard({
      ...FAST,
      builtins: ['memory'],
      workers: [
        { name: 'job', file: fixture('exit-after-start-worker.mjs'), restart: 'transient', data: { code: 0 } },
        { name: 'oneshot', file: fixture('exit-after-start-worker.mjs'), restart: 'temporary', data: { code: 3 } },
      ],
    });
    try {
      const s = await waitFor('both workers down', async () => {
        const snap = await dash.getDashboard();
        const job = snap.workers.find((w) => w.name === 'job')!;
        const oneshot = snap.workers.find((w) => w.name === 'oneshot')!;
        return job.status === 'stopped' && oneshot.status === 'failed' ? snap : null;
      });
      expect(s.workers.find((w) => w.name === 'job')!.restarts).toBe(0);
      expect(s.workers.find((w) => w.name === 'oneshot')!.lastExit).toMatchObject({ reason: 'exit', message: 'exited with code 3' });
      expect(await dash.workerCount()).toBe(1);
    } finally {
      await dash.stop();
    }
  });

  it('transient: a crash is restarted', async () => {
    const dash = await startDashboard({
      ...FAST,
      builtins: ['memory'],
      workers: [{ name: 'q', file: fixture('counter-worker.mjs'), restart: 'transient' }],
    });
    try {
      await dash.crash('q', 'exit');
      await waitFor('q restarted', async () => (await dash.getDashboard()).workers[1]!.restarts === 1);
    } finally {
      await dash.stop();
    }
  });

  // The strategy applies within a supervisor: a and b share the group 'ab'; c and the built-ins
  // run under supervisors of their own, so no strategy ever reaches across to them.
  it.each([
    ['one_for_all', { memory: 0, z: 1, a: 1, b: 1, c: 0 }],
    ['rest_for_one', { memory: 0, z: 0, a: 1, b: 1, c: 0 }],
    ['one_for_one', { memory: 0, z: 0, a: 1, b: 0, c: 0 }],
  ] as const)('strategy %s restarts the right siblings of its group, and no one else', async (strategy, expected) => {
    const dash = await startDashboard({
      ...FAST,
      builtins: ['memory'],
      supervision: { ...FAST.supervision, strategy },
      workers: [
        { name: 'z', file: fixture('counter-worker.mjs'), group: 'ab' },
        { name: 'a', file: fixture('counter-worker.mjs'), group: 'ab' },
        { name: 'b', file: fixture('counter-worker.mjs'), group: 'ab' },
        { name: 'c', file: fixture('counter-worker.mjs') },
      ],
    });
    try {
      const before = await dash.getDashboard();
      await dash.crash('a', 'kill');
      const after = await waitFor('the group running again', async () => {
        const s = await dash.getDashboard();
        return s.workers.every((w) => w.status === 'running') && s.workers.some((w) => w.restarts > 0) ? s : null;
      });
      const restarts = Object.fromEntries(after.workers.map((w) => [w.name, w.restarts]));
      expect(restarts).toEqual(expected);
      for (const w of after.workers) {
        const old = before.workers.find((x) => x.name === w.name)!;
        expect(w.threadId !== old.threadId).toBe(expected[w.name as 'a'] === 1);
      }
    } finally {
      await dash.stop();
    }
  });

  it('a worker that fails at load fails startDashboard() with a StartError naming it, and leaves no thread', async () => {
    const threads = threadCount();
    const err = await startDashboard({ workers: [{ name: 'broken', file: fixture('broken-at-load-worker.mjs') }] }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(StartError);
    expect((err as Error).message).toMatch(/broken on purpose/);
    expect((err as Error).message).toMatch(
      /^threadboard: the broken thread failed to start \(error: Error: this worker is broken on purpose\); check file:.*broken-at-load-worker\.mjs$/,
    );
    await waitFor('no thread left', () => threadCount() === threads, 5000);
  });
});

describe('bad options fail at startDashboard() with an OptionsError naming the option', () => {
  const file = fixture('counter-worker.mjs');
  it.each([
    [{ intervalMs: 0 }, 'intervalMs', /whole number from 50/],
    [{ intervalMs: 'fast' }, 'intervalMs', /got 'fast'/],
    [{ speed: 1 }, 'speed', /is not an option; known options: .*intervalMs/],
    [{ builtins: ['gpu'] }, 'builtins[0]', /one of 'cpu', 'memory', 'requests'/],
    [{ builtins: [] }, 'builtins', /no metric worker/],
    [{ workers: {} }, 'workers', /array/],
    [{ workers: [{ name: 'cpu', file }] }, 'workers[0].name', /reserved/],
    [
      {
        workers: [
          { name: 'a', file },
          { name: 'a', file },
        ],
      },
      'workers[1].name',
      /unique/,
    ],
    [{ workers: [{ name: '9lives', file }] }, 'workers[0].name', /start with a letter/],
    [
      { workers: [{ name: 'x', file: 'does/not/exist.js' }] },
      'workers[0].file',
      /does not exist: .*does\/not\/exist\.js \('does\/not\/exist\.js' was resolved against the current directory, .*; to name a file next to your module, pass new URL\('.\/does\/not\/exist\.js', import\.meta\.url\)\)/,
    ],
    [{ workers: [{ name: 'x', file: 'src/thing.tsx' }] }, 'workers[0].file', /compile the worker first/],
    [{ workers: [{ name: 'x', file, restart: 'sometimes' }] }, 'workers[0].restart', /'permanent', 'transient', 'temporary'/],
    [{ workers: [{ name: 'x', file, data: () => 1 }] }, 'workers[0].data', /structured-cloneable/],
    [{ supervision: { strategy: 'all_for_none' } }, 'supervision.strategy', /'one_for_one', 'one_for_all', 'rest_for_one'/],
    [{ supervision: { maxRestarts: -1 } }, 'supervision.maxRestarts', /whole number/],
    [{ supervision: { backoff: { initialMs: 500, maxMs: 100 } } }, 'supervision.backoff.maxMs', /at least/],
    [{ workerResourceLimits: { maxOldGenerationSizeMb: 0 } }, 'workerResourceLimits.maxOldGenerationSizeMb', /whole number/],
    [42, 'options', /must be an object/],
    [{ httpProbe: 'yes' }, 'httpProbe', /true \(every server\), false \(none\) or \{ servers/],
    [{ httpProbe: { servers: [{}] } }, 'httpProbe.servers[0]', /node:http or node:https server/],
    [{ accessLog: { path: '' } }, 'accessLog.path', /path of a log file/],
    [{ accessLog: { path: '/tmp/x.log', from: 'middle' } }, 'accessLog.from', /'start', 'end'/],
  ])('%j → %s', async (options, option, message) => {
    const threads = threadCount();
    const err = await startDashboard(options as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionsError);
    expect((err as OptionsError).option).toBe(option);
    expect((err as OptionsError).code).toBe('ERR_THREADBOARD_OPTIONS');
    expect((err as Error).message).toContain(`\`${option}\``);
    expect((err as Error).message).toMatch(message);
    expect(threadCount()).toBe(threads);
  });

  it('crash() names the valid targets and fault kinds', async () => {
    const dash = await startDashboard({ builtins: ['memory'] });
    try {
      await expect(dash.crash('gpu', 'kill')).rejects.toThrow(/'coordinator', 'memory'; got 'gpu'/);
      await expect(dash.crash('memory', 'explode' as never)).rejects.toThrow(/'throw', 'exit', 'hang', 'oom', 'kill'/);
    } finally {
      await dash.stop();
    }
  });
});
