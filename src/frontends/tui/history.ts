/**
 * The 60 s histories behind the charts: a fixed-size ring of numbers, fed one point per new
 * sample (not per pushed snapshot: several snapshots carry the same sample).
 */

export const HISTORY_SECONDS = 60;

/** Points that cover HISTORY_SECONDS at a given interval, both ends included. */
export function historyCapacity(intervalMs: number): number {
  return Math.max(2, Math.ceil((HISTORY_SECONDS * 1000) / intervalMs) + 1);
}

export class Ring {
  private readonly buf: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`Ring capacity must be a whole number >= 1; got ${capacity}`);
    this.buf = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(v: number): void {
    if (this.count < this.capacity) {
      this.buf[(this.start + this.count) % this.capacity] = v;
      this.count++;
    } else {
      this.buf[this.start] = v;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Oldest first. */
  values(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.buf[(this.start + i) % this.capacity]!;
    return out;
  }

  max(): number {
    let m = -Infinity;
    for (let i = 0; i < this.count; i++) m = Math.max(m, this.buf[(this.start + i) % this.capacity]!);
    return m;
  }
}

/** A ring that takes a value only when its sample time is new. */
export class SampleSeries {
  private readonly ring: Ring;
  private lastAt: string | null = null;
  /** Bumped on every accepted point, so a chart knows when to redraw. */
  version = 0;

  constructor(capacity: number) {
    this.ring = new Ring(capacity);
  }

  /** Returns true when the point was taken. */
  offer(sampleAt: string | null, value: number | null | undefined): boolean {
    if (sampleAt === null || value === null || value === undefined || !Number.isFinite(value)) return false;
    if (sampleAt === this.lastAt) return false;
    this.lastAt = sampleAt;
    this.ring.push(value);
    this.version++;
    return true;
  }

  values(): number[] {
    return this.ring.values();
  }

  max(): number {
    return this.ring.max();
  }

  get length(): number {
    return this.ring.length;
  }
}

/** X-axis labels for a history of `count` points, oldest first, in seconds before now ("-60s" … "now"). */
export function historyLabels(count: number, intervalMs: number): string[] {
  return Array.from({ length: count }, (_, i) => {
    const ago = ((count - 1 - i) * intervalMs) / 1000;
    if (ago === 0) return 'now';
    return `-${Number.isInteger(ago) ? ago : ago.toFixed(1)}s`;
  });
}
