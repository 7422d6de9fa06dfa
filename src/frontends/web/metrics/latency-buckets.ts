/**
 * Maps the fine log-linear latency histogram (896 buckets, whole microseconds) onto a handful of
 * Prometheus `le` boundaries without losing exactness.
 *
 * Every power of two 2^k µs is a bucket edge of the fine histogram, so "observations below
 * 2^k µs" is a sum of whole buckets. Latencies are recorded in whole microseconds, so "below
 * 2^k µs" is exactly "at most 2^k - 1 µs", and that is the `le` we print: 0.000127, 0.000255, …
 * 33.554431 seconds. Odd-looking, but each count is exact; a round boundary such as 0.005 would
 * fall inside a fine bucket and its count would be a guess.
 */
import { InternalError } from '../../../errors.js';
import { bucketIndex, bucketRange, BUCKET_COUNT } from '../../../shared/histogram.js';

/** Bucket edges in µs: 2^7 (128 µs) to 2^25 (~33.6 s), doubling. */
export const EDGE_MICROS: readonly number[] = Array.from({ length: 19 }, (_, i) => 2 ** (i + 7));

/** The `le` label of an edge: the largest whole-µs latency below it, in seconds, as Prometheus prints floats. */
export function leLabel(edgeMicros: number): string {
  return String((edgeMicros - 1) / 1e6);
}

/** Index of the first fine bucket starting at `edgeMicros`; throws if it is not an edge. */
export function edgeIndex(edgeMicros: number): number {
  const i = bucketIndex(edgeMicros);
  if (bucketRange(i)[0] !== edgeMicros) throw new InternalError(`${edgeMicros} µs is not a histogram bucket edge`);
  return i;
}

export interface LatencyBuckets {
  /** [le label, cumulative count] per edge, ascending. */
  buckets: Array<[string, number]>;
  /** Every counted observation: the +Inf bucket and `_count`. */
  count: number;
}

/**
 * Cumulative counts at each edge from per-bucket counts (`histogram[i]` is the number of
 * observations in fine bucket i). `_count` is taken from the same array, so it always equals
 * the +Inf bucket even while requests are being recorded concurrently.
 */
export function latencyBuckets(histogram: ArrayLike<number>, edges: readonly number[] = EDGE_MICROS): LatencyBuckets {
  const stops = edges.map(edgeIndex);
  const buckets: Array<[string, number]> = [];
  let acc = 0;
  let next = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    while (next < stops.length && stops[next] === i) buckets.push([leLabel(edges[next++]!), acc]);
    acc += histogram[i] ?? 0;
  }
  while (next < stops.length) buckets.push([leLabel(edges[next++]!), acc]);
  return { buckets, count: acc };
}
