/**
 * The 5xx share health judges: over a sliding window of seconds, not one interval. A handful of
 * requests per interval makes a single 500 read as 20 %, so one interval alone would flap the
 * health between ok and warn; the window also needs enough requests to say anything at all.
 */
import type { LiveTotals } from '../shared/request-counters.js';

export interface ErrorWindowReading {
  /** Live requests (an access log's replayed backlog left out) and their 5xx, over the window. */
  requests: number;
  errors: number;
  /** The time the readings span, ms (shorter than the window until it has filled). */
  spanMs: number;
}

export class ErrorWindow {
  private readonly points: LiveTotals[] = [];

  constructor(private readonly windowMs: number) {}

  /** Takes the cumulative counts as read now; keeps one point older than the window to measure from. */
  add(counts: LiveTotals): void {
    this.points.push({ timeMs: counts.timeMs, total: counts.total, errors: counts.errors });
    while (this.points.length > 2 && this.points[1]!.timeMs <= counts.timeMs - this.windowMs) this.points.shift();
  }

  reading(): ErrorWindowReading | null {
    const first = this.points[0];
    const last = this.points.at(-1);
    if (!first || !last || last === first) return null;
    return { requests: last.total - first.total, errors: last.errors - first.errors, spanMs: last.timeMs - first.timeMs };
  }
}
