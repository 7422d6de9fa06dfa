/**
 * What the web server refuses below the WebSocket handshake, by reason, as counted in stats()
 * and exposed in /metrics. Handshake refusals keep their own reasons (upgrade.ts).
 */

/** Connections closed before any request on them was answered. */
export const DROP_REASONS = ['total_cap', 'address_cap', 'timeout', 'accept_error'] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** Plain HTTP requests refused by policy (not 404 or 405, which are answers). */
export const REQUEST_REJECT_REASONS = ['rate', 'auth_failures', 'duplicate_host', 'malformed', 'host', 'auth'] as const;
export type RequestRejectReason = (typeof REQUEST_REJECT_REASONS)[number];

/** Every reason at 0, so /metrics shows a series for each from the start. */
export function zeroCounts<K extends string>(reasons: readonly K[]): Record<K, number> {
  return Object.fromEntries(reasons.map((r) => [r, 0])) as Record<K, number>;
}
