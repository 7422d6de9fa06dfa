/**
 * 64-bit totals in two Uint32 cells of a shared buffer (low, high), added with Atomics and a
 * carry. Atomics on a BigInt64Array would allocate a BigInt per update; these allocate nothing,
 * and a reader on any thread sees the total exactly (up to 2^53, where a Number stops being exact).
 */

/** Adds 0 <= v < 2^32: one Atomics.add, and a second only when the low cell wraps. */
export function add64(cells: Uint32Array, i: number, v: number): void {
  const old = Atomics.add(cells, i, v);
  if (old + v > 0xffffffff) Atomics.add(cells, i + 1, 1);
}

/** add64 for whole amounts that may exceed 32 bits (batches, big increments), up to 2^53. */
export function addLarge(cells: Uint32Array, i: number, v: number): void {
  const hi = Math.floor(v / 0x100000000);
  const lo = v - hi * 0x100000000;
  if (hi > 0) Atomics.add(cells, i + 1, hi);
  add64(cells, i, lo);
}

/** The total, read so that a carry between the two loads cannot tear it. */
export function read64(cells: Uint32Array, i: number): number {
  for (;;) {
    const hi = Atomics.load(cells, i + 1);
    const lo = Atomics.load(cells, i);
    if (Atomics.load(cells, i + 1) === hi) return hi * 0x100000000 + lo;
  }
}
