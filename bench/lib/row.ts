/** One line of the benchmark table. */
import type { Figure } from './stats.js';

export interface Row {
  name: string;
  /** What was measured, in a few words. */
  what: string;
  threadboard: Figure;
  /** Measured in the same run; null where the target is absolute. */
  reference: Figure | null;
  referenceWhat: string;
  /** threadboard ÷ reference (medians), or the figure the target is about. */
  ratio: number | null;
  target: string;
  met: boolean;
  /**
   * The runs of a throughput row disagreed beyond the row's stated tolerance: the figure is the
   * machine's noise, and the row is shown as unstable rather than as a pass or a fail.
   */
  unstable?: boolean;
  note?: string;
}

export interface BenchContext {
  quick: boolean;
  /** Repetitions: small in quick mode. */
  reps(full: number, quick: number): number;
  log(message: string): void;
}
