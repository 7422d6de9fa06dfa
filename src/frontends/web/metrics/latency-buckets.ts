/**
 * Maps the fine log-linear latency histogram (896 buckets, whole microseconds, 32 per octave)
 * onto Prometheus `le` boundaries without losing exactness.
 *
 * An edge is always an edge of the fine histogram (2^e µs, plus j/k of the octave above it for
 * k ≤ 32 per octave), so "observations below the edge" is a sum of whole fine buckets: every
 * count is exact. Latencies are whole microseconds, so "below the edge" is exactly "at most
 * edge - 1 µs", and that is the `le` we print (0.000127, 0.000159, …): odd-looking, but exact,
 * where a round boundary such as 0.005 would fall inside a fine bucket and its count would be a
 * guess.
 *
 * Several edges per octave keep `histogram_quantile()`, which interpolates linearly inside a
 * bucket, close to the truth: with one edge per octave (powers of two) a real p99 of 189 ms came
 * out 242 ms; with 4 per octave it is within a few percent on realistic traffic (the bucket
 * width, 1/k of the lower edge, bounds the error in the worst case).
 */
import { InternalError } from '../../../errors.js';
import { bucketIndex, bucketRange, BUCKET_COUNT } from '../../../shared/histogram.js';

/** Edges per octave /metrics may use: each must divide the fine histogram's 32. */
export const PER_OCTAVE_CHOICES = [1, 2, 4, 8, 16, 32] as const;
export type PerOctave = (typeof PER_OCTAVE_CHOICES)[number];
export const DEFAULT_PER_OCTAVE: PerOctave = 4;

const FIRST_OCTAVE = 7; // 128 µs
const LAST_EDGE_OCTAVE = 25; // 2^25 µs, about 33.6 s

/** Bucket edges in µs from 2^7 (128 µs) to 2^25 (~33.6 s), `perOctave` to an octave. */
export function latencyEdges(perOctave: PerOctave = DEFAULT_PER_OCTAVE): number[] {
  const edges: number[] = [];
  for (let e = FIRST_OCTAVE; e < LAST_EDGE_OCTAVE; e++) {
    for (let j = 0; j < perOctave; j++) edges.push(2 ** e + (j * 2 ** e) / perOctave);
  }
  edges.push(2 ** LAST_EDGE_OCTAVE);
  return edges;
}

/**
 * Edges for a histogram of whole numbers (an app histogram with unit 'none'): the same rule,
 * `perOctave` to an octave, over the whole range the fine histogram holds (1 to 2^31), since
 * such numbers (items, bytes) have no typical range the way latencies do. Below 32 every whole
 * number is a bucket edge, so the first octaves take what splits of them are whole.
 */
export function wholeNumberEdges(perOctave: PerOctave = DEFAULT_PER_OCTAVE): number[] {
  const edges: number[] = [];
  for (let e = 0; e < 32; e++) {
    for (let j = 0; j < perOctave; j++) {
      const edge = 2 ** e + (j * 2 ** e) / perOctave;
      if (Number.isInteger(edge)) edges.push(edge);
    }
  }
  return edges;
}

/** The `le` label of an edge: the largest whole-µs latency below it, in seconds, as Prometheus prints floats. */
export function leLabel(edgeMicros: number): string {
  return String((edgeMicros - 1) / 1e6);
}

/** The `le` label of an edge of whole numbers: the largest whole number below it. */
export function wholeNumberLabel(edge: number): string {
  return String(edge - 1);
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
export function latencyBuckets(
  histogram: ArrayLike<number>,
  edges: readonly number[] = latencyEdges(),
  label: (edge: number) => string = leLabel,
): LatencyBuckets {
  const stops = edges.map(edgeIndex);
  const buckets: Array<[string, number]> = [];
  let acc = 0;
  let next = 0;
  for (let i = 0; i < BUCKET_COUNT; i++) {
    while (next < stops.length && stops[next] === i) buckets.push([label(edges[next++]!), acc]);
    acc += histogram[i] ?? 0;
  }
  while (next < stops.length) buckets.push([label(edges[next++]!), acc]);
  return { buckets, count: acc };
}
