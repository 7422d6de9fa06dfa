/**
 * Liveness without messages: a supervised thread stamps a monotonic clock reading into a
 * SharedArrayBuffer the supervisor gave it, and the watchdog reads the stamp. Because the
 * stamp is read directly (not queued behind other messages), a busy supervisor thread never
 * mistakes a late-delivered heartbeat for a hang, and the watchdog wakes up only when a
 * deadline could really have passed instead of polling.
 */

import { getHeapStatistics } from 'node:v8';

/** The reserved workerData key through which a supervisor hands its child the heartbeat cell. */
export const SUPERVISED_KEY = '__threadboard_supervised';

export interface SupervisedData {
  name: string;
  heartbeat: SharedArrayBuffer;
  heartbeatMs: number;
}

/**
 * The cell: [last beat (monotonic ns), heap used (bytes), thread CPU time (µs, -1 where Node
 * cannot tell)]. The beat that proves the thread alive also carries its vitals, so the
 * supervisor reads them without a message, as it reads the beat.
 */
const BEAT = 0;
const HEAP = 1;
const CPU = 2;

export function createHeartbeatCell(): SharedArrayBuffer {
  return new SharedArrayBuffer(3 * BigInt64Array.BYTES_PER_ELEMENT);
}

/** This thread's CPU time (user + system, µs), on Node versions that can measure one thread (23.9+). */
const threadCpuMicros: (() => number) | null = (() => {
  const fn = (process as { threadCpuUsage?: () => { user: number; system: number } }).threadCpuUsage;
  return typeof fn === 'function'
    ? () => {
        const u = fn.call(process);
        return u.user + u.system;
      }
    : null;
})();

/** process.hrtime is CLOCK_MONOTONIC, shared by every thread of the process. */
export function heartbeater(cell: SharedArrayBuffer): () => void {
  const view = new BigInt64Array(cell);
  return () => {
    Atomics.store(view, HEAP, BigInt(getHeapStatistics().used_heap_size));
    Atomics.store(view, CPU, BigInt(threadCpuMicros ? Math.round(threadCpuMicros()) : -1));
    Atomics.store(view, BEAT, process.hrtime.bigint());
  };
}

/** The vitals of the last beat: heap used (bytes) and thread CPU time (µs, null where unknown). */
export function beatVitals(cell: SharedArrayBuffer): { heapUsedBytes: number; cpuMicros: number | null } | null {
  const view = new BigInt64Array(cell);
  if (Atomics.load(view, BEAT) === 0n) return null;
  const cpu = Number(Atomics.load(view, CPU));
  return { heapUsedBytes: Number(Atomics.load(view, HEAP)), cpuMicros: cpu < 0 ? null : cpu };
}

/** Milliseconds since the last beat, or null if the thread never beat. */
export function msSinceBeat(cell: SharedArrayBuffer, nowNs: bigint = process.hrtime.bigint()): number | null {
  const last = Atomics.load(new BigInt64Array(cell), BEAT);
  if (last === 0n) return null;
  return Number(nowNs - last) / 1e6;
}

/** Heartbeat period for a given hang deadline: often enough that one late beat is no hang. */
export function heartbeatPeriodFor(hangTimeoutMs: number): number {
  return Math.max(10, Math.min(250, Math.floor(hangTimeoutMs / 4)));
}
