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

const MIB = 1024 * 1024;

/** Whole MiB (2^20 bytes) so that freeMiB === totalMiB - usedMiB holds exactly. */
export function memorySection(totalBytes: number, availBytes: number): MemorySection {
  const totalMiB = Math.round(totalBytes / MIB);
  const usedMiB = Math.min(totalMiB, Math.max(0, Math.round((totalBytes - availBytes) / MIB)));
  const usagePercent = totalMiB === 0 ? 0 : Math.round((usedMiB / totalMiB) * 1000) / 10;
  return { totalMiB, usedMiB, freeMiB: totalMiB - usedMiB, usagePercent };
}

export function sampleMemory(): MemorySection {
  return memorySection(os.totalmem(), availableBytes());
}
