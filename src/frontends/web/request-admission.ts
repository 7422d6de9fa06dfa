/**
 * Who may ask plain HTTP anything, decided per request before any route runs, from the client's
 * address key and the raw headers. The request budget is spent first, so refused requests cost
 * the client as much as answered ones; the checks the WebSocket handshake shares are exported.
 */
import type { AuthFailures } from './auth-failures.js';
import { retryAfterSeconds, type RateLimiter } from './rate-limiter.js';
import type { RequestRejectReason } from './refusals.js';

export interface Refusal<R extends string> {
  ok: false;
  status: number;
  reason: R;
  message: string;
  headers?: Record<string, string>;
}

export interface RequestFacts {
  addressKey: string;
  /** How many Host headers the request has (raw-headers.ts). */
  hostHeaders: number;
}

export interface RequestLimits {
  requests: RateLimiter;
  authFailures: AuthFailures;
}

/** 429 while `key` has used up its wrong-token budget, else null. */
export function authFailuresRefusal(authFailures: AuthFailures, key: string): Refusal<'auth_failures'> | null {
  const ms = authFailures.blockedForMs(key);
  if (ms === 0) return null;
  return {
    ok: false,
    status: 429,
    reason: 'auth_failures',
    message: 'too many wrong tokens from your address; retry later',
    headers: { 'Retry-After': retryAfterSeconds(ms) },
  };
}

/**
 * 400 for more than one Host: Node would act on the first while a proxy or cache in front may
 * have acted on another, and the Host check (DNS rebinding) must judge the one that is used.
 */
export function duplicateHostRefusal(hostHeaders: number): Refusal<'duplicate_host'> | null {
  return hostHeaders > 1 ? { ok: false, status: 400, reason: 'duplicate_host', message: 'more than one Host header' } : null;
}

export function admitRequest(req: RequestFacts, limits: RequestLimits): { ok: true } | Refusal<RequestRejectReason> {
  const rate = limits.requests.take(req.addressKey);
  if (!rate.ok) {
    return {
      ok: false,
      status: 429,
      reason: 'rate',
      message: 'too many requests from your address; retry later',
      headers: { 'Retry-After': retryAfterSeconds(rate.retryAfterMs) },
    };
  }
  return authFailuresRefusal(limits.authFailures, req.addressKey) ?? duplicateHostRefusal(req.hostHeaders) ?? { ok: true };
}
