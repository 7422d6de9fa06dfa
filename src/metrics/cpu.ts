/**
 * CPU usage from per-core time deltas (/proc/stat on Linux, os.cpus() elsewhere). The previous reading lives in a SharedArrayBuffer the
 * main thread owns, so a restarted cpu worker measures from its predecessor's last sample
 * instead of waiting a fresh window (recovery is then one thread start, not a start plus a window).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { CpuSection } from '../snapshot.js';

export interface CoreTimes {
  busy: number;
  total: number;
}

/** From os.cpus(): libuv exposes user, nice, sys, idle, irq only (no iowait, softirq, steal). */
export function coreTimes(cpus: readonly os.CpuInfo[]): CoreTimes[] {
  return cpus.map(({ times }) => {
    const busy = times.user + times.nice + times.sys + times.irq;
    return { busy, total: busy + times.idle };
  });
}

/**
 * From /proc/stat's per-core lines: non-idle = user + nice + system + irq + softirq + steal,
 * idle = idle + iowait (guest time is already inside user). os.cpus() drops softirq and
 * steal, which on a busy VM under-reports usage by several points.
 */
export function parseProcStat(text: string): CoreTimes[] {
  const out: CoreTimes[] = [];
  for (const line of text.split('\n')) {
    if (!/^cpu\d+ /.test(line)) continue;
    const f = line.split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    out.push({ busy, total: busy + idle + iowait });
  }
  return out;
}

export function readCoreTimes(): CoreTimes[] {
  if (process.platform === 'linux') {
    try {
      const times = parseProcStat(readFileSync('/proc/stat', 'utf8'));
      if (times.length > 0) return times;
    } catch {
      // Not readable (sandbox): fall back to libuv's figures.
    }
  }
  return coreTimes(os.cpus());
}

function share(busy: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, (busy / total) * 100));
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** Usage between two readings: all cores together, and per core. */
export function cpuUsage(prev: readonly CoreTimes[], next: readonly CoreTimes[]): { usage: number; perCore: number[] } {
  let busy = 0;
  let total = 0;
  const perCore = next.map((n, i) => {
    const p = prev[i] ?? { busy: 0, total: 0 };
    const db = n.busy - p.busy;
    const dt = n.total - p.total;
    busy += db;
    total += dt;
    return round1(share(db, dt));
  });
  return { usage: round1(share(busy, total)), perCore };
}

/** Layout of the baseline buffer: [epoch ms, cores, sampled (0/1), busy0, total0, busy1, total1, ...]. */
export function createCpuBaseline(): SharedArrayBuffer {
  const times = readCoreTimes();
  const buf = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * (HEADER + 2 * times.length));
  writeBaseline(buf, Date.now(), times, false);
  return buf;
}

const HEADER = 3;

/** `sampled`: written by a sample (not the allocation), so a later sample need not wait. */
export function writeBaseline(buf: SharedArrayBuffer, timeMs: number, times: readonly CoreTimes[], sampled: boolean): void {
  const f = new Float64Array(buf);
  const n = Math.min(times.length, (f.length - HEADER) / 2);
  for (let i = 0; i < n; i++) {
    f[HEADER + 2 * i] = times[i]!.busy;
    f[HEADER + 1 + 2 * i] = times[i]!.total;
  }
  f[2] = sampled ? 1 : 0;
  f[1] = n;
  f[0] = timeMs;
}

export function readBaseline(buf: SharedArrayBuffer): { timeMs: number; times: CoreTimes[]; sampled: boolean } {
  const f = new Float64Array(buf);
  const n = f[1] ?? 0;
  const times: CoreTimes[] = [];
  for (let i = 0; i < n; i++) times.push({ busy: f[HEADER + 2 * i]!, total: f[HEADER + 1 + 2 * i]! });
  return { timeMs: f[0] ?? 0, times, sampled: f[2] === 1 };
}

/** Shortest window worth reporting: the kernel counts in 10 ms ticks. */
export const MIN_WINDOW_MS = 100;

/**
 * Takes a reading and reports usage since the stored baseline. The baseline advances only
 * once the window is at least MIN_WINDOW_MS; a sample sooner than that (a collect() right
 * after an interval sample) reports over the longer window since the baseline instead of
 * waiting. Only the very first sample of a dashboard, whose baseline is its allocation,
 * waits for the window to fill.
 */
export async function sampleCpu(baseline: SharedArrayBuffer): Promise<CpuSection> {
  const prev = readBaseline(baseline);
  const wait = prev.timeMs + MIN_WINDOW_MS - Date.now();
  if (wait > 0 && !prev.sampled) await new Promise((r) => setTimeout(r, wait));
  const now = Date.now();
  const times = readCoreTimes();
  const { usage, perCore } = cpuUsage(prev.times, times);
  if (now - prev.timeMs >= MIN_WINDOW_MS) writeBaseline(baseline, now, times, true);
  const [l1, l5, l15] = os.loadavg() as [number, number, number];
  return { usage, cores: times.length, loadAvg: [round2(l1), round2(l5), round2(l15)], perCore };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
