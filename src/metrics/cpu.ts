/**
 * CPU usage from per-core time deltas (/proc/stat on Linux, os.cpus() elsewhere). The previous
 * readings live in a SharedArrayBuffer the main thread owns, so a restarted cpu worker measures
 * from its predecessor's readings instead of waiting a fresh window (recovery is then one thread
 * start, not a start plus a window).
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

/**
 * The previous readings live in a SharedArrayBuffer main owns: two of them, at least
 * MIN_WINDOW_MS apart, so that whatever the moment of a sample (a collect() right after an
 * interval sample, a restarted worker's first sample) there is a reading at least MIN_WINDOW_MS
 * old to measure from, and no reported window is ever a few milliseconds of noise.
 *
 * Layout (Float64): per slot [epoch ms, cores, busy0, total0, busy1, total1, ...]; slot 0 is the
 * newest reading, slot 1 the one before (time 0 while there is none).
 */
export function createCpuBaseline(): SharedArrayBuffer {
  const times = readCoreTimes();
  const buf = new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT * 2 * slotSize(times.length));
  writeSlot(buf, 0, Date.now(), times);
  return buf;
}

const slotSize = (cores: number): number => 2 + 2 * cores;
const coresOf = (buf: SharedArrayBuffer): number => (buf.byteLength / Float64Array.BYTES_PER_ELEMENT / 2 - 2) / 2;

export interface CpuReading {
  timeMs: number;
  times: CoreTimes[];
}

function writeSlot(buf: SharedArrayBuffer, slot: 0 | 1, timeMs: number, times: readonly CoreTimes[]): void {
  const size = slotSize(coresOf(buf));
  const f = new Float64Array(buf, slot * size * 8, size);
  const n = Math.min(times.length, (size - 2) / 2);
  for (let i = 0; i < n; i++) {
    f[2 + 2 * i] = times[i]!.busy;
    f[3 + 2 * i] = times[i]!.total;
  }
  f[1] = n;
  f[0] = timeMs;
}

export function readSlot(buf: SharedArrayBuffer, slot: 0 | 1): CpuReading | null {
  const size = slotSize(coresOf(buf));
  const f = new Float64Array(buf, slot * size * 8, size);
  if (f[0] === 0) return null;
  const times: CoreTimes[] = [];
  for (let i = 0; i < f[1]!; i++) times.push({ busy: f[2 + 2 * i]!, total: f[3 + 2 * i]! });
  return { timeMs: f[0]!, times };
}

/** The shortest window a usage figure is measured over: the kernel counts in 10 ms ticks. */
export const MIN_WINDOW_MS = 250;

/**
 * The reading to measure from at `now`: the newest if it is old enough, else the one before it
 * (at least MIN_WINDOW_MS older still), else none yet (the dashboard just started: wait).
 */
export function windowBase(newest: CpuReading, older: CpuReading | null, now: number): CpuReading | null {
  if (now - newest.timeMs >= MIN_WINDOW_MS) return newest;
  return older;
}

/** Reads the cores, reports usage over at least MIN_WINDOW_MS, and keeps the reading when it is far enough on. */
export async function sampleCpu(baseline: SharedArrayBuffer): Promise<CpuSection> {
  const newest = readSlot(baseline, 0)!;
  let base = windowBase(newest, readSlot(baseline, 1), Date.now());
  if (!base) {
    await new Promise((r) => setTimeout(r, newest.timeMs + MIN_WINDOW_MS - Date.now()));
    base = newest;
  }
  const now = Date.now();
  const times = readCoreTimes();
  const { usage, perCore } = cpuUsage(base.times, times);
  if (now - newest.timeMs >= MIN_WINDOW_MS) {
    writeSlot(baseline, 1, newest.timeMs, newest.times);
    writeSlot(baseline, 0, now, times);
  }
  const [l1, l5, l15] = os.loadavg() as [number, number, number];
  return { usage, cores: times.length, loadAvg: [round2(l1), round2(l5), round2(l15)], perCore, windowMs: now - base.timeMs };
}

const round2 = (x: number): number => Math.round(x * 100) / 100;
