import { describe, expect, it } from 'vitest';
import { BUCKET_COUNT, bucketIndex, bucketRange, bucketValue, quantile } from '../../dist/src/shared/histogram.js';

describe('log-linear histogram', () => {
  it('puts every value in the bucket whose range holds it, and indices grow with values', () => {
    let prev = -1;
    for (let v = 0; v < 5_000_000; v = v < 100 ? v + 1 : Math.ceil(v * 1.013)) {
      const i = bucketIndex(v);
      const [lo, w] = bucketRange(i);
      expect(v >= lo && v < lo + w).toBe(true);
      expect(i).toBeGreaterThanOrEqual(prev);
      prev = i;
    }
    expect(bucketIndex(0xffffffff)).toBe(BUCKET_COUNT - 1);
  });

  it('reports any value within 2 % (the bound the requests section promises)', () => {
    let worst = 0;
    for (let v = 1; v < 0xffffffff; v = Math.ceil(v * 1.0007) + 1) {
      const err = Math.abs(bucketValue(bucketIndex(v)) - v) / v;
      worst = Math.max(worst, err);
    }
    expect(worst).toBeLessThanOrEqual(0.02);
    expect(worst).toBeGreaterThan(0.01); // the bound is tight, not vacuous
  });

  it('quantiles of a known distribution are within 2 % of the exact ones', () => {
    const counts = new Array<number>(BUCKET_COUNT).fill(0);
    const values: number[] = [];
    let seed = 7;
    const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 20_000; i++) {
      const v = Math.round(200 + 50_000 * rand() ** 3);
      values.push(v);
      counts[bucketIndex(v)]!++;
    }
    values.sort((a, b) => a - b);
    for (const q of [0.5, 0.9, 0.99, 0.999]) {
      const exact = values[Math.ceil(q * values.length) - 1]!;
      expect(Math.abs(quantile(counts, q) - exact) / exact).toBeLessThanOrEqual(0.02);
    }
    expect(quantile(new Array(BUCKET_COUNT).fill(0), 0.5)).toBe(0);
  });
});
