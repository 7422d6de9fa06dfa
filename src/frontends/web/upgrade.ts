/**
 * Who may open the WebSocket, decided from the handshake request alone, before ws creates
 * anything for the connection. The order matters: the rate limit comes first so that refused
 * attempts (a wrong Origin, a guessed token) use up the address's budget too, and a wrong token
 * spends the address's wrong-token budget, the same one plain HTTP spends.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { isLoopbackHostHeader } from './address.js';
import type { AuthFailures } from './auth-failures.js';
import type { ResolvedWebOptions } from './options.js';
import { originAllowed } from './origin.js';
import { retryAfterSeconds, type RateLimiter } from './rate-limiter.js';
import { authFailuresRefusal, duplicateHostRefusal, type Refusal } from './request-admission.js';
import { isAuthorized } from './token.js';

export const WS_PATH = '/ws';

export const REJECT_REASONS = ['path', 'rate', 'auth_failures', 'duplicate_host', 'host', 'origin', 'auth', 'cap'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export interface UpgradeRequest {
  pathname: string;
  host: string | undefined;
  /** How many Host headers the request has (raw-headers.ts). */
  hostHeaders: number;
  origin: string | undefined;
  tokens: readonly string[];
  addressKey: string;
}

export interface UpgradeLimits {
  /** Handshakes per address (`connectionRate`). */
  handshakes: RateLimiter;
  authFailures: AuthFailures;
}

export type Admission = { ok: true } | Refusal<RejectReason>;

/**
 * Without a token the server trusts whoever reaches loopback, so it must be sure it really was
 * reached as loopback: a Host naming another site means DNS rebinding, a page of that site
 * talking to us through a name it controls.
 */
export function hostAllowed(options: ResolvedWebOptions, host: string | undefined): boolean {
  return options.token !== null || isLoopbackHostHeader(host);
}

export function admitUpgrade(req: UpgradeRequest, options: ResolvedWebOptions, limits: UpgradeLimits, clients: number): Admission {
  if (req.pathname !== WS_PATH) return { ok: false, status: 404, reason: 'path', message: `the WebSocket lives at ${WS_PATH}` };
  const rate = limits.handshakes.take(req.addressKey);
  if (!rate.ok) {
    return {
      ok: false,
      status: 429,
      reason: 'rate',
      message: 'too many connections from your address; retry later',
      headers: { 'Retry-After': retryAfterSeconds(rate.retryAfterMs) },
    };
  }
  const early = authFailuresRefusal(limits.authFailures, req.addressKey) ?? duplicateHostRefusal(req.hostHeaders);
  if (early) return early;
  if (!hostAllowed(options, req.host)) return { ok: false, status: 403, reason: 'host', message: 'Host header does not name this server' };
  if (!originAllowed(req.origin, req.host, options.allowOrigins)) {
    return { ok: false, status: 403, reason: 'origin', message: 'Origin not allowed' };
  }
  if (!isAuthorized(options.token, req.tokens)) {
    // Asking without a token is not a guess; only a wrong one spends the budget.
    if (req.tokens.length > 0) limits.authFailures.record(req.addressKey);
    return {
      ok: false,
      status: 401,
      reason: 'auth',
      message: 'a valid token is required',
      headers: { 'WWW-Authenticate': 'Bearer realm="threadboard"' },
    };
  }
  if (clients >= options.maxClients) {
    return { ok: false, status: 503, reason: 'cap', message: 'too many clients connected; retry later', headers: { 'Retry-After': '5' } };
  }
  return { ok: true };
}

/**
 * Answers a handshake with a plain HTTP error on the raw socket and closes it. A peer that never
 * reads would keep the socket open, so it is destroyed after `lingerMs` regardless.
 */
export function rejectUpgrade(
  socket: Duplex,
  status: number,
  message: string,
  headers: Record<string, string> = {},
  lingerMs = 2000,
): void {
  const body = `${message}\n`;
  const lines = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  const timer = setTimeout(() => socket.destroy(), lingerMs);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('finish', () => socket.destroy());
  socket.end(`${lines.join('\r\n')}\r\n\r\n${body}`);
}
