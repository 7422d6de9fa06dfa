/**
 * Memory in use = total minus *available* (Linux MemAvailable: free plus reclaimable cache),
 * the figure `free -m` shows as available; free memory alone would call the page cache "used".
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import type { MemorySection } from '../snapshot.js';

/** Parses /proc/meminfo; returns bytes for each `Key: N kB` line. */
export function parseMeminfo(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = /^(\w+(?:\(\w+\))?):\s+(\d+)(?:\s+kB)?$/.exec(line.trim());
    if (m) out.set(m[1]!, Number(m[2]) * (line.includes('kB') ? 1024 : 1));
  }
  return out;
}

export function availableBytes(): number {
  if (process.platform === 'linux') {
    try {
      const available = parseMeminfo(readFileSync('/proc/meminfo', 'utf8')).get('MemAvailable');
      if (available !== undefined) return available;
    } catch {
      // Not readable (sandbox): fall through to libuv's figure.
    }
  }
  return os.freemem();
}

const MB = 1024 * 1024;

/** Whole megabytes so that freeMb === totalMb - usedMb holds exactly. */
export function memorySection(totalBytes: number, availBytes: number): MemorySection {
  const totalMb = Math.round(totalBytes / MB);
  const usedMb = Math.min(totalMb, Math.max(0, Math.round((totalBytes - availBytes) / MB)));
  const usagePercent = totalMb === 0 ? 0 : Math.round((usedMb / totalMb) * 1000) / 10;
  return { totalMb, usedMb, freeMb: totalMb - usedMb, usagePercent };
}

export function sampleMemory(): MemorySection {
  return memorySection(os.totalmem(), availableBytes());
}
