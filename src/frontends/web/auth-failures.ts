/**
 * The budget of wrong tokens per client address, shared by plain HTTP and the WebSocket
 * handshake so that guessing through either spends the same allowance. While an address has
 * none left, everything it asks is refused, the right token included: were tokens still checked,
 * a guesser could go on guessing at full speed and simply watch for the answer that is not 429.
 */
import { RateLimiter } from './rate-limiter.js';

export class AuthFailures {
  private readonly budget: RateLimiter;

  constructor(max: number, windowMs: number, maxKeys?: number, now?: () => number) {
    this.budget = new RateLimiter(max, windowMs, maxKeys, now);
  }

  /** Milliseconds until `key` may try again, or 0 when it may now. */
  blockedForMs(key: string): number {
    const v = this.budget.peek(key);
    return v.ok ? 0 : v.retryAfterMs;
  }

  /** A token was presented from `key` and did not match. */
  record(key: string): void {
    this.budget.take(key);
  }
}
