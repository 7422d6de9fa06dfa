/**
 * The composition root: startDashboard() = the engine plus the front ends its options ask for.
 * It lives outside the core so the core imports no front end (arrows point down).
 */
import { startEngine, type Dashboard } from './dashboard.js';
import type { EngineOptions } from './options.js';
import { resolveWebOptions, startWebServer, type WebOptions } from './web/index.js';

export interface DashboardOptions extends EngineOptions {
  /** Serve the live page, /api/dashboard and /metrics: true for the defaults (127.0.0.1:7070), or options. */
  web?: boolean | WebOptions;
}

/** Starts the coordinator, its metric workers and any front end; resolves once all of them are running. */
export async function startDashboard(options?: DashboardOptions): Promise<Dashboard> {
  const web = options?.web;
  // Validated before any thread starts, like every other option.
  if (web !== undefined && web !== false) resolveWebOptions(web);
  const dash = await startEngine(options);
  if (web !== undefined && web !== false) {
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
