/**
 * Prometheus' histogram_quantile(), as its documentation defines it: find the bucket the rank
 * falls in, interpolate linearly inside it (the first bucket starts at 0; a rank in +Inf gives
 * the last finite le). test/prometheus-promtool.test.ts checks this against promtool itself.
 */
export function histogramQuantile(q: number, buckets: ReadonlyArray<readonly [le: number, cumulative: number]>): number {
  const total = buckets[buckets.length - 1]![1];
  const rank = q * total;
  const i = buckets.findIndex(([, c]) => c >= rank);
  if (i === buckets.length - 1) return buckets[buckets.length - 2]![0];
  const [upper, count] = buckets[i]!;
  const [lower, below] = i === 0 ? [0, 0] : buckets[i - 1]!;
  return lower + ((upper - lower) * (rank - below)) / (count - below);
}

/** The `le` buckets of one histogram family in Prometheus text, cumulative, ascending. */
export function bucketsOf(text: string, family: string): Array<[number, number]> {
  const re = new RegExp(`^${family}_bucket\\{le="([^"]+)"\\} (\\S+)$`, 'gm');
  return [...text.matchAll(re)].map((m) => [m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])] as [number, number]);
}
