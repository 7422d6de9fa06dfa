/**
 * Log-linear latency histogram over whole microseconds (HdrHistogram's layout, simplified):
 * values below 32 µs get a bucket each; above, every power of two is split into 32 equal
 * buckets. Reporting a bucket's midpoint bounds the relative error of any percentile by
 * 1/64 (1.6 %), and finding a bucket is two integer instructions, cheap enough for the hot path.
 */
export const SUB_BITS = 5;
const SUB = 1 << SUB_BITS; // 32
export const MAX_MICROS = 0xffffffff;
/** Buckets for 0 .. 2^32-1 µs (about 71 minutes); longer latencies land in the last bucket. */
export const BUCKET_COUNT = SUB + (32 - SUB_BITS) * SUB; // 896

export function bucketIndex(micros: number): number {
  const v = micros >>> 0;
  if (v < SUB) return v;
  const exp = 31 - Math.clz32(v);
  return SUB + ((exp - SUB_BITS) << SUB_BITS) + ((v >>> (exp - SUB_BITS)) - SUB);
}

/** [lowest value, width] of a bucket. */
export function bucketRange(index: number): [number, number] {
  if (index < SUB) return [index, 1];
  const exp = ((index - SUB) >> SUB_BITS) + SUB_BITS;
  const sub = (index - SUB) & (SUB - 1);
  const width = 2 ** (exp - SUB_BITS);
  return [(SUB + sub) * width, width];
}

/** The value a bucket reports: its midpoint (exact for the one-microsecond buckets). */
export function bucketValue(index: number): number {
  const [lo, width] = bucketRange(index);
  return width === 1 ? lo : lo + width / 2;
}

/**
 * The q-quantile (0 < q <= 1) of the values counted in `counts`, in microseconds; 0 when empty.
 * Nearest-rank definition: the smallest value with at least q·n values at or below it.
 */
export function quantile(counts: ArrayLike<number>, q: number): number {
  let n = 0;
  for (let i = 0; i < counts.length; i++) n += counts[i]!;
  if (n === 0) return 0;
  const rank = Math.max(1, Math.ceil(q * n));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    seen += counts[i]!;
    if (seen >= rank) return bucketValue(i);
  }
  return bucketValue(counts.length - 1);
}
