/** Raw Node references measured in the same run: worker start and postMessage round trip. */
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { fixtureFile } from './child.js';

/** new Worker(file) → its first message, in ms. */
export async function rawWorkerStart(): Promise<number> {
  const t0 = performance.now();
  const w = new Worker(fixtureFile('raw-worker'));
  await new Promise((resolve) => w.once('message', resolve));
  const ms = performance.now() - t0;
  await w.terminate();
  return ms;
}

/** Round-trip times (ms) of `n` sequential postMessage request/response exchanges. */
export async function rawRoundTrips(n: number): Promise<number[]> {
  const w = new Worker(fixtureFile('raw-worker'));
  await new Promise((resolve) => w.once('message', resolve));
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    w.postMessage({ id: i });
    await new Promise((resolve) => w.once('message', resolve));
    times.push(performance.now() - t0);
  }
  await w.terminate();
  return times;
}
