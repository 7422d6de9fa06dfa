/**
 * Cluster mode, loaded by the composition root only when the `cluster` option is given: a
 * dashboard without it never loads this module, and one without `cluster.redis` never loads
 * the Redis client.
 */
import cluster from 'node:cluster';
import { ClusterNode, DOWN_AFTER_INTERVALS, type ClusterHost } from './cluster-node.js';
import { IpcTransport } from './ipc-transport.js';
import { clusterEnvironment, resolveClusterOptions, type ResolvedCluster } from './options.js';
import type { Transport } from './transport.js';

export { ClusterNode, type ClusterHost } from './cluster-node.js';
export type { ResolvedCluster } from './options.js';

/** Validates the `cluster` option (throws an OptionsError naming it); null when it is absent. */
export function resolveCluster(input: unknown, intervalMs: unknown): ResolvedCluster | null {
  const interval = typeof intervalMs === 'number' && Number.isFinite(intervalMs) ? intervalMs : 1000;
  return resolveClusterOptions(input, interval, clusterEnvironment(cluster.isWorker));
}

/** Starts publishing (and, on a node:cluster primary, viewing); never waits for Redis. */
export async function startCluster(host: ClusterHost, resolved: ResolvedCluster): Promise<ClusterNode> {
  let transport: Transport;
  if (resolved.redis) {
    const { RedisTransport } = await import('./redis-transport.js');
    transport = new RedisTransport(resolved, DOWN_AFTER_INTERVALS);
  } else {
    transport = new IpcTransport(resolved);
  }
  const node = new ClusterNode(host, resolved, transport);
  node.start(resolved.redis === null && !cluster.isWorker);
  return node;
}
