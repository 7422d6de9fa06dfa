/** The browser dashboard: live page, /api/dashboard and /metrics, locked down by default. */
export { startWebServer } from './server.js';
export type { WebServer, WebServerStats, HubStats, ClientStats } from './types.js';
export { resolveWebOptions, DEFAULT_WEB_PORT, type WebOptions, type ResolvedWebOptions } from './options.js';
export type { ServerFrame, CrashCommand, LoggedEvent } from './frames.js';
export type { HistoryPoint } from '../../main/history.js';
