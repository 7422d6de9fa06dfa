// Issue 16: what the dashboard takes from newer Node (thread names, TypeScript workers), behind
// checks that keep Node 20 working. Each expectation says which versions it holds on.
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { startDashboard, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, threadNames } from './helpers.js';

const MAJOR = Number(process.versions.node.split('.')[0]);
const fixture = (f: string): URL => new URL(`./fixtures/${f}`, import.meta.url);

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
