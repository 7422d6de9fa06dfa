/**
 * The fine latency histogram on the wire: only its non-empty buckets, as [gap, count] pairs
 * where gap is the distance from the previous non-empty bucket's index (the first from 0).
 * Gaps are one or two digits where absolute indexes are three, and a busy node's histogram
 * has a few hundred non-empty buckets at most, so a report stays small and still exact.
 */
import { BUCKET_COUNT, bucketValue } from '../shared/histogram.js';

/** Non-empty buckets of a histogram: indexes ascending, counts beside them. */
export interface SparseHistogram {
  index: number[];
  count: number[];
}

export const EMPTY_SPARSE: SparseHistogram = Object.freeze({ index: [], count: [] });

export function toSparse(counts: ArrayLike<number>): SparseHistogram {
  const index: number[] = [];
  const count: number[] = [];
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i]!;
    if (c !== 0) {
      index.push(i);
      count.push(c);
    }
  }
  return { index, count };
}

/** Flat [gap, count, gap, count, …] for JSON. */
export function encodeSparse(h: SparseHistogram): number[] {
  const out: number[] = new Array<number>(h.index.length * 2);
  let prev = 0;
  for (let k = 0; k < h.index.length; k++) {
    out[2 * k] = h.index[k]! - prev;
    out[2 * k + 1] = h.count[k]!;
    prev = h.index[k]!;
  }
  return out;
}

/**
 * The inverse of encodeSparse, or null when the pairs are not a valid histogram (bad gap, index
 * or count). `maxCount`: the request histogram's cells are uint32; app histograms' are 64-bit.
 */
export function decodeSparse(flat: unknown, maxCount = 0xffffffff): SparseHistogram | null {
  if (!Array.isArray(flat) || flat.length % 2 !== 0 || flat.length > 2 * BUCKET_COUNT) return null;
  // Sized once: grown by push, a few hundred buckets cost twice the memory in copies, and a
  // viewer decodes one histogram per node per second (grown, they were a third of what a
  // viewer of 200 nodes allocated).
  const index = new Array<number>(flat.length / 2);
  const count = new Array<number>(flat.length / 2);
  let at = 0;
  for (let k = 0; k < flat.length; k += 2) {
    const gap: unknown = flat[k];
    const c: unknown = flat[k + 1];
    // Indexes strictly ascend (gaps of at least 1 after the first); counts fit the cells.
    if (!Number.isInteger(gap) || (gap as number) < (k === 0 ? 0 : 1)) return null;
    if (!Number.isInteger(c) || (c as number) < 1 || (c as number) > maxCount) return null;
    at += gap as number;
    if (at >= BUCKET_COUNT) return null;
    index[k / 2] = at;
    count[k / 2] = c as number;
  }
  return { index, count };
}

/** Adds a sparse histogram into a dense one (float64: sums of many nodes exceed uint32). */
export function addInto(dense: Float64Array, h: SparseHistogram, sign = 1): void {
  for (let k = 0; k < h.index.length; k++) dense[h.index[k]!]! += sign * h.count[k]!;
}

/**
 * Per-bucket growth from `before` to `after` of one incarnation's cumulative histogram. The
 * engine's bucket cells are uint32 and wrap, so the difference is taken modulo 2^32, as the
 * engine itself does.
 */
export function sparseDelta(before: SparseHistogram, after: SparseHistogram): SparseHistogram {
  // Sized for the most it can hold and cut to length once, rather than grown by push.
  const index = new Array<number>(after.index.length);
  const count = new Array<number>(after.index.length);
  let n = 0;
  let j = 0;
  for (let k = 0; k < after.index.length; k++) {
    const i = after.index[k]!;
    while (j < before.index.length && before.index[j]! < i) j++;
    const old = j < before.index.length && before.index[j] === i ? before.count[j]! : 0;
    const d = (after.count[k]! - old) >>> 0;
    if (d !== 0) {
      index[n] = i;
      count[n++] = d;
    }
  }
  index.length = n;
  count.length = n;
  return { index, count };
}

/**
 * The q-quantile of a sparse histogram in microseconds, exactly as shared/histogram.ts's
 * quantile() computes it on the dense form (nearest rank, a bucket's midpoint), without building
 * the dense form: a viewer computes two per node for every view of a fleet of hundreds.
 */
export function sparseQuantile(h: SparseHistogram, q: number): number {
  let n = 0;
  for (let k = 0; k < h.count.length; k++) n += h.count[k]!;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let k = 0; k < h.count.length; k++) {
    seen += h.count[k]!;
    if (seen >= rank) return bucketValue(h.index[k]!);
  }
  return bucketValue(h.index[h.index.length - 1]!);
}
