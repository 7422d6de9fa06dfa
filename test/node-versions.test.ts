// Issue 16: what the dashboard takes from newer Node (thread names, TypeScript workers), behind
// checks that keep Node 20 working. Each expectation says which versions it holds on.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { OptionsError, startDashboard, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, threadCount, threadNames } from './helpers.js';
import { runScenario } from './hostile/scenario.js';

const MAJOR = Number(process.versions.node.split('.')[0]);
const fixture = (f: string): URL => new URL(`./fixtures/${f}`, import.meta.url);
/** Type stripping: on by default from Node 22.18 and in 24; absent on 20. */
const STRIPS_TYPES = Boolean((process.features as { typescript?: unknown }).typescript);

/** Whether this Node gives a Worker's `name` to its OS thread: 24 does; 20 and 22 do not. */
async function namesOsThreads(): Promise<boolean> {
  const worker = new Worker('require("node:worker_threads").parentPort.postMessage(0)', { eval: true, name: 'tb-probe' });
  await new Promise((resolve) => worker.once('message', resolve));
  const named = threadNames().includes('tb-probe');
  await worker.terminate();
  return named;
}

const ours = (): string[] =>
  threadNames()
    .filter((n) => n.startsWith('tb:'))
    .sort();

describe('thread names', () => {
  it('the coordinator and each metric worker are tb:<name> in /proc and top -H where Node names threads (24)', async () => {
    const osNames = await namesOsThreads();
    // Without this the test would pass on 24 while checking nothing.
    if (MAJOR >= 24) expect(osNames).toBe(true);
    const dash = await startDashboard({
      hangTimeoutMs: 1000,
      workers: [{ name: 'queue-depth-watcher', file: fixture('counter-worker.mjs') }],
    });
    try {
      await dash.collect();
      // Linux keeps 15 bytes of a thread's name: a long worker name is cut.
      const expected = ['tb:coordinator', 'tb:cpu', 'tb:memory', 'tb:queue-depth-', 'tb:requests'];
      expect(ours()).toEqual(osNames ? expected : []);
      // A replacement thread carries the name too.
      const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === 'cpu');
      await dash.crash('cpu', 'kill');
      await restarted;
      expect(ours()).toEqual(osNames ? expected : []);
    } finally {
      await dash.stop();
    }
    expect(ours()).toEqual([]);
  });
});

describe('TypeScript custom workers', () => {
  it('the Node versions that strip types are the expected ones', () => {
    if (MAJOR >= 24) expect(STRIPS_TYPES).toBe(true);
    if (MAJOR === 20) expect(STRIPS_TYPES).toBe(false);
  });

  it.runIf(STRIPS_TYPES)('a .ts worker runs with no loader where Node strips types (22.18+, 24)', async () => {
    const dash = await startDashboard({ builtins: ['memory'], workers: [{ name: 'typed', file: fixture('typed-worker.ts') }] });
    try {
      await dash.collect();
      const first = (await dash.getDashboard()).custom.typed as { ticks: number };
      expect(first).toMatchObject({ name: 'typed', language: 'typescript' });
      await dash.collect();
      expect(((await dash.getDashboard()).custom.typed as { ticks: number }).ticks).toBeGreaterThan(first.ticks);
    } finally {
      await dash.stop();
    }
  });

  it.skipIf(STRIPS_TYPES)('a .ts or .mts worker is an OptionsError before any thread starts where Node cannot run it (20)', async () => {
    for (const file of [fixture('typed-worker.ts'), 'src/worker.mts']) {
      const threads = threadCount();
      const err = await startDashboard({ workers: [{ name: 'typed', file }] }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OptionsError);
      expect((err as OptionsError).option).toBe('workers[0].file');
      expect((err as Error).message).toMatch(
        /is TypeScript .*which this Node \(v20\.\d+\.\d+\) cannot run without a loader.*Compile the worker/,
      );
      expect(threadCount()).toBe(threads);
    }
  });

  it.runIf(STRIPS_TYPES)('with type stripping turned off (--no-experimental-strip-types), the same OptionsError', async () => {
    const r = await runScenario(
      `
      const err = await startDashboard({ workers: [{ name: 'typed', file: ${JSON.stringify(fixture('typed-worker.ts').href)} }] }).catch((e) => e);
      print({ code: err.code, option: err.option, message: err.message });
    `,
      { nodeArgs: ['--no-experimental-strip-types'] },
    );
    expect(r.code).toBe(0);
    expect(r.printed[0]).toMatchObject({ code: 'ERR_THREADBOARD_OPTIONS', option: 'workers[0].file' });
    expect((r.printed[0] as { message: string }).message).toMatch(/is TypeScript .*cannot run without a loader/);
  });

  it('TypeScript inside node_modules is refused on every version: Node strips no types there', async () => {
    const err = await startDashboard({ workers: [{ name: 'typed', file: '/x/node_modules/pkg/worker.ts' }] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionsError);
    expect((err as Error).message).toMatch(STRIPS_TYPES ? /inside node_modules/ : /cannot run without a loader/);
  });
});
