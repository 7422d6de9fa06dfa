import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { MIN_WINDOW_MS } from '../dist/src/metrics/cpu.js';
import { waitFor } from './helpers.js';

/** Independent of the engine's own code: all-core busy and total jiffies from /proc/stat's first line. */
function procStat(): { busy: number; total: number } {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number);
  const [user, nice, system, idle, iowait, irq, softirq, steal] = f as [number, number, number, number, number, number, number, number];
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

function memAvailableMb(): { total: number; used: number } {
  const text = readFileSync('/proc/meminfo', 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)![1]);
  return { total: kb('MemTotal') / 1024, used: (kb('MemTotal') - kb('MemAvailable')) / 1024 };
}

/** Keeps one core busy for `ms` in a real thread. */
function spin(ms: number): Promise<void> {
  const w = new Worker(`const end = Date.now() + ${ms}; while (Date.now() < end) {}`, { eval: true });
  return new Promise((resolve, reject) => {
    w.once('exit', () => resolve());
    w.once('error', reject);
  });
}

describe('cpu and memory against the kernel', () => {
  let dash: Dashboard;
  beforeAll(async () => {
    // Only collect() samples, so the engine's window is the test's window.
    dash = await startDashboard({ intervalMs: 3_600_000, builtins: ['cpu', 'memory'] });
  });
  afterAll(async () => {
    await dash?.stop();
  });

  it('cpu.usage agrees with /proc/stat over the same window (within 6 points), and rises with one busy core', async () => {
    // The engine measures from its newest reading once that is MIN_WINDOW_MS old: make the
    // collect() below that reading, so the engine's window and the kernel's start together.
    // collect() first, so a reading exists whatever became of the start's own sample (CI once
    // waited 15 s here for it on Node 24 without saying why: the worker's state now says).
    await dash.collect();
    let cpuWorker: unknown = null;
    await waitFor(
      () => `the last cpu sample to be ${MIN_WINDOW_MS + 50} ms old (cpu worker: ${JSON.stringify(cpuWorker)})`,
      async () => {
        const snap = await dash.getDashboard();
        const w = snap.workers.find((x) => x.name === 'cpu')!;
        cpuWorker = { ...w, channel: snap.channel, coordinator: snap.coordinator.status };
        return w.lastSampleAt !== null && Date.now() - Date.parse(w.lastSampleAt) >= MIN_WINDOW_MS + 50;
      },
    );
    await dash.collect();
    const p0 = procStat();
    await spin(1500);
    const p1 = procStat();
    await dash.collect();
    const cpu = (await dash.getDashboard()).cpu!;
    const kernel = ((p1.busy - p0.busy) / (p1.total - p0.total)) * 100;
    // The two windows differ by the collect() round trips at each end, in which the rest of a
    // running suite uses the cores too: within 3 points alone, 5.5 seen once with the suite around.
    expect(Math.abs(cpu.usage - kernel)).toBeLessThanOrEqual(6);
    // One of N cores fully busy: at least ~1/N of all time is non-idle.
    expect(cpu.usage).toBeGreaterThanOrEqual((100 / cpu.cores) * 0.8);
    expect(Math.max(...cpu.perCore)).toBeGreaterThanOrEqual(40);
  });

  it('memory.usedMiB agrees with MemTotal - MemAvailable (within 1 %)', async () => {
    await dash.collect();
    const kernel = memAvailableMb();
    const mem = (await dash.getDashboard()).memory!;
    expect(Math.abs(mem.totalMiB - kernel.total) / kernel.total).toBeLessThanOrEqual(0.01);
    expect(Math.abs(mem.usedMiB - kernel.used) / kernel.used).toBeLessThanOrEqual(0.01);
  });
});
