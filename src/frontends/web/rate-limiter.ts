/**
 * Per-key token bucket: `max` connections at once, refilled at `max` per `windowMs`. Memory is
 * bounded by `maxKeys`; the least recently used key goes first, and since an idle key's bucket
 * is full, forgetting it changes nothing for that client.
 */
export type RateVerdict = { ok: true } | { ok: false; retryAfterMs: number };

interface Bucket {
  tokens: number;
  atMs: number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly max: number,
    windowMs: number,
    private readonly maxKeys = 10_000,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.perMs = max / windowMs;
  }

  take(key: string): RateVerdict {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.max, atMs: now };
    b.tokens = this.refilled(b, now);
    b.atMs = now;
    // Re-inserting keeps the Map in least-recently-used order.
    this.buckets.delete(key);
    this.buckets.set(key, b);
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return { ok: true };
    }
    return this.refusal(b.tokens);
  }

  /** What take() would answer, without spending anything or touching the key's recency. */
  peek(key: string): RateVerdict {
    const b = this.buckets.get(key);
    if (!b) return { ok: true };
    const tokens = this.refilled(b, this.now());
    return tokens >= 1 ? { ok: true } : this.refusal(tokens);
  }

  private refilled(b: Bucket, now: number): number {
    return Math.min(this.max, b.tokens + (now - b.atMs) * this.perMs);
  }

  private refusal(tokens: number): RateVerdict {
    return { ok: false, retryAfterMs: Math.ceil((1 - tokens) / this.perMs) };
  }

  get size(): number {
    return this.buckets.size;
  }
}

/** A Retry-After header value: whole seconds, at least 1 (0 would invite an immediate retry). */
export function retryAfterSeconds(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / 1000)));
}
