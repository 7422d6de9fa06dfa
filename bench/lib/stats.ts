/** Summaries of repeated measurements (pure). */
export interface Figure {
  median: number;
  /** The worst run: the largest for costs, the smallest for throughputs. */
  worst: number;
  runs: number;
  unit: string;
}

export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** For costs (time, bytes): worst is the maximum. */
export function cost(values: readonly number[], unit: string): Figure {
  return { median: median(values), worst: Math.max(...values), runs: values.length, unit };
}

/** For throughputs (req/s, lines/s): worst is the minimum. */
export function throughput(values: readonly number[], unit: string): Figure {
  return { median: median(values), worst: Math.min(...values), runs: values.length, unit };
}

export function single(value: number, unit: string): Figure {
  return { median: value, worst: value, runs: 1, unit };
}
