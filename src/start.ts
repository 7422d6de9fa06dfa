/**
 * The composition root: startDashboard() = the engine plus the front ends its options ask for.
 * It lives outside the core so the core imports no front end (arrows point down).
 */
import { startEngine, type Dashboard } from './main/dashboard.js';
import type { EngineOptions } from './options.js';
import type { WebOptions } from './frontends/web/options.js';
import type { ClusterOptions } from './cluster/types.js';

export interface DashboardOptions extends EngineOptions {
  /** Serve the live page, /api/dashboard and /metrics: true for the defaults (127.0.0.1:7070), or options. */
  web?: boolean | WebOptions;
  /** Cluster mode: this process is a node of the named fleet (over Redis, or node:cluster IPC); see dash.getFleet(). */
  cluster?: ClusterOptions;
}

/** Starts the coordinator, its metric workers and any front end; resolves once all of them are running. */
export async function startDashboard(options?: DashboardOptions): Promise<Dashboard> {
  const web = options?.web;
  // Loaded only when asked for: ws and prom-client would otherwise add ~60 ms to every import.
  const webModule = web === undefined || web === false ? null : await import('./frontends/web/index.js');
  // Loaded only when asked for, like the web stack; the Redis client only when cluster.redis is given.
  const clusterModule = options?.cluster === undefined ? null : await import('./cluster/index.js');
  // Validated before any thread starts, like every other option.
  webModule?.resolveWebOptions(web);
  const cluster = clusterModule?.resolveCluster(options?.cluster, options?.intervalMs) ?? null;
  const dash = await startEngine(options, { lean: cluster?.lean ?? false });
  if (clusterModule && cluster) {
    try {
      // Never waits for Redis: a fleet whose Redis is away reports it in getFleet().transport.
      dash.attachCluster(await clusterModule.startCluster(dash, cluster));
    } catch (err) {
      await dash.stop();
      throw err;
    }
  }
  if (webModule && web !== undefined && web !== false) {
    const { startWebServer } = webModule;
    try {
      const server = await startWebServer(dash, web === true ? {} : web);
      dash.excludeFromProbe(server.httpServer);
      dash.attachFrontEnd(server);
    } catch (err) {
      await dash.stop();
      throw err;
    }
  }
  return dash;
}
