/**
 * Restart intensity (OTP): at most `maxRestarts` restarts within any `periodMs` window,
 * counted across all children of one supervisor. One more and the supervisor gives up.
 */
export interface Intensity {
  maxRestarts: number;
  periodMs: number;
}

export interface Backoff {
  /** Delay before the second restart inside a window; the first restart is immediate. */
  initialMs: number;
  maxMs: number;
}

/** Restart times still inside the window ending at `now`, oldest first. */
export function pruneWindow(times: readonly number[], now: number, periodMs: number): number[] {
  return times.filter((t) => now - t < periodMs);
}

/** True when one more restart at `now` would exceed the intensity. */
export function exceedsIntensity(recent: readonly number[], now: number, intensity: Intensity): boolean {
  return pruneWindow(recent, now, intensity.periodMs).length + 1 > intensity.maxRestarts;
}

/**
 * Delay before a restart, given how many times this child already restarted inside the
 * window: 0 for the first, then initialMs doubling per restart, capped at maxMs. Keeps a
 * crash loop from spinning a core while a lone crash recovers at once.
 */
export function backoffDelay(recentRestartsOfChild: number, backoff: Backoff): number {
  if (recentRestartsOfChild <= 0) return 0;
  const exp = Math.min(recentRestartsOfChild - 1, 30);
  return Math.min(backoff.maxMs, backoff.initialMs * 2 ** exp);
}
