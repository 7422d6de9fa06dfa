/**
 * The HTTP server's timeouts, derived from `headersTimeoutMs`.
 *
 * Node does close a connection whose request head is incomplete `headersTimeout` after it
 * opened, a socket that never sends a byte included (test/hostile/web-limits.test.ts shows it),
 * but only when its connections check runs, every `connectionsCheckingInterval`: 30 s by
 * default, so with a 5 s deadline a silent socket could live 35 s and a flood of them would hold
 * descriptors that long. Checking five times per deadline (at most once a second) keeps every
 * socket within 1.2 deadlines at the cost of one walk over the open connections per check.
 * After a response, Node's keepAliveTimeout (an idle timer) is what ends a silent socket, so it
 * gets the same deadline.
 */

/** Longest a request may take to arrive in full; a GET has no body, so this only bounds Node's defaults. */
export const REQUEST_TIMEOUT_MS = 30_000;

export interface ServerTimeouts {
  headersTimeout: number;
  requestTimeout: number;
  connectionsCheckingInterval: number;
  keepAliveTimeout: number;
}

export function serverTimeouts(headersTimeoutMs: number): ServerTimeouts {
  return {
    headersTimeout: headersTimeoutMs,
    requestTimeout: Math.max(REQUEST_TIMEOUT_MS, headersTimeoutMs),
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.round(headersTimeoutMs / 5))),
    keepAliveTimeout: headersTimeoutMs,
  };
}
