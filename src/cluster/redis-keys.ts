/**
 * Where a fleet lives in Redis. The fleet's name is a hash tag (`{shop}`), so on a Redis Cluster
 * all of one fleet's keys map to one slot.
 *   threadboard:{shop}:reports       stream: every report, as it is published (capped, see redis-report.ts)
 *   threadboard:{shop}:node:<node>   the node's latest report, expiring after a few intervals
 *   threadboard:{shop}:nodes         sorted set of node names by last report time: a bounded
 *                                    index for a late viewer (no SCAN over the keyspace)
 */
export interface FleetKeys {
  stream: string;
  index: string;
  node(node: string): string;
}

export function fleetKeys(name: string): FleetKeys {
  const base = `threadboard:{${name}}`;
  return { stream: `${base}:reports`, index: `${base}:nodes`, node: (node) => `${base}:node:${node}` };
}

/** How long a node's report key lives: the down threshold (3 intervals) plus a margin for a late report. */
export function reportTtlMs(intervalMs: number, downAfterIntervals: number): number {
  return downAfterIntervals * intervalMs + 2000;
}
