/** The browser dashboard: live page, /api/dashboard and /metrics, locked down by default. */
export { startWebServer, type WebServer, type WebServerStats } from './server.js';
export { resolveWebOptions, DEFAULT_WEB_PORT, type WebOptions, type ResolvedWebOptions } from './options.js';
export type { ServerFrame, CrashCommand, LoggedEvent } from './frames.js';
export type { HistoryPoint } from '../../main/history.js';
export type { ClientStats } from './client.js';
