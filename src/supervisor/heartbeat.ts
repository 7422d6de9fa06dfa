/**
 * Liveness without messages: a supervised thread stamps a monotonic clock reading into a
 * SharedArrayBuffer the supervisor gave it, and the watchdog reads the stamp. Because the
 * stamp is read directly (not queued behind other messages), a busy supervisor thread never
 * mistakes a late-delivered heartbeat for a hang, and the watchdog wakes up only when a
 * deadline could really have passed instead of polling.
 */

/** The reserved workerData key through which a supervisor hands its child the heartbeat cell. */
export const SUPERVISED_KEY = '__threadboard_supervised';

export interface SupervisedData {
  name: string;
  heartbeat: SharedArrayBuffer;
  heartbeatMs: number;
}

export function createHeartbeatCell(): SharedArrayBuffer {
  return new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT);
}

/** process.hrtime is CLOCK_MONOTONIC, shared by every thread of the process. */
export function heartbeater(cell: SharedArrayBuffer): () => void {
  const view = new BigInt64Array(cell);
  return () => {
    Atomics.store(view, 0, process.hrtime.bigint());
  };
}

/** Milliseconds since the last beat, or null if the thread never beat. */
export function msSinceBeat(cell: SharedArrayBuffer, nowNs: bigint = process.hrtime.bigint()): number | null {
  const last = Atomics.load(new BigInt64Array(cell), 0);
  if (last === 0n) return null;
  return Number(nowNs - last) / 1e6;
}

/** Heartbeat period for a given hang deadline: often enough that one late beat is no hang. */
export function heartbeatPeriodFor(hangTimeoutMs: number): number {
  return Math.max(10, Math.min(250, Math.floor(hangTimeoutMs / 4)));
}
