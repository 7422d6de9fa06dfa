/**
 * startWebServer(): one HTTP server for the page, the API, the metrics and the WebSocket, wired
 * to a Dashboard's events. Thin on purpose: routes.ts answers HTTP, ws-endpoint.ts handshakes
 * and commands, hub.ts and client.ts fan out; the decisions they make (upgrade.ts, frames.ts,
 * metrics/, options.ts) are plain functions that tests call directly.
 */
import { createServer, type Server } from 'node:http';
import type { Dashboard } from '../../main/dashboard.js';
import { WebListenError } from '../../errors.js';
import { HISTORY_SPANS } from '../../main/history.js';
import { AuthFailures } from './auth-failures.js';
import { ConnectionGuard } from './connection-guard.js';
import { ClientHub } from './hub.js';
import { appFamilies, fleetAppFamilies, type AppEdges } from './metrics/app-families.js';
import { snapshotFamilies } from './metrics/families.js';
import { processFamilies } from './metrics/process-families.js';
import { fleetFamilies } from './metrics/fleet-families.js';
import { latencyEdges, wholeNumberEdges } from './metrics/latency-buckets.js';
import { MetricsRegistry } from './metrics/registry.js';
import { resolveWebOptions, type ResolvedWebOptions, type WebOptions } from './options.js';
import { RateLimiter } from './rate-limiter.js';
import { DROP_REASONS, REQUEST_REJECT_REASONS, zeroCounts } from './refusals.js';
import { loadPageScripts } from './page/scripts.js';
import { createRequestHandler } from './routes.js';
import { serverTimeouts } from './timeouts.js';
import { tokenCookieName } from './token.js';
import type { WebServer, WebServerStats } from './types.js';
import { WsEndpoint } from './ws-endpoint.js';

function browsableUrl(host: string, port: number): string {
  // An unspecified address is not somewhere a browser can go; its loopback is.
  const h = host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host;
  return `http://${h.includes(':') ? `[${h}]` : h}:${port}`;
}

function listen(server: Server, options: ResolvedWebOptions): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const hint =
        err.code === 'EADDRINUSE'
          ? 'the port is in use: choose another `web.port`, or 0 for any free one'
          : err.code === 'EADDRNOTAVAIL'
            ? 'no interface of this machine has that address: check `web.host`'
            : err.code === 'EACCES'
              ? 'not allowed to bind it: ports below 1024 need privileges'
              : 'check `web.host` and `web.port`';
      reject(
        new WebListenError(
          `threadboard: the web server cannot listen on ${options.host}:${options.port} (${err.code ?? err.message}); ${hint}`,
          { cause: err },
        ),
      );
    };
    server.once('error', onError);
    server.listen({ port: options.port, host: options.host }, () => {
      server.off('error', onError);
      const addr = server.address();
      resolve(typeof addr === 'object' && addr ? addr.port : options.port);
    });
  });
}

/** Serves the live page, /api/dashboard and /metrics for `dash`; resolves once listening. */
export async function startWebServer(dash: Dashboard, input: WebOptions = {}): Promise<WebServer> {
  const options = resolveWebOptions(input);
  const scripts = await loadPageScripts();
  const hub = new ClientHub({
    maxBufferedBytes: options.maxBufferedBytes,
    pingIntervalMs: options.pingIntervalMs,
    control: options.control,
    history: () => HISTORY_SPANS.map((span) => dash.history(span)),
  });
  const registry = new MetricsRegistry();
  const edges = latencyEdges(options.latencyBucketsPerOctave);
  const appEdges: AppEdges = { ms: edges, none: wholeNumberEdges(options.latencyBucketsPerOctave) };
  let port = options.port;
  let closed = false;
  const rejectedRequests = zeroCounts(REQUEST_REJECT_REASONS);
  const dropped = zeroCounts(DROP_REASONS);
  const authFailures = new AuthFailures(options.authFailureRate.max, options.authFailureRate.windowMs);

  const { keepAliveTimeout, ...timeouts } = serverTimeouts(options.headersTimeoutMs);
  const server = createServer(
    timeouts,
    createRequestHandler({
      options,
      limits: { requests: new RateLimiter(options.requestRate.max, options.requestRate.windowMs), authFailures },
      rejected: rejectedRequests,
      scripts,
      cookieName: () => tokenCookieName(port),
      health: () => dash.health(),
      dashboardJson: async () => JSON.stringify(await dash.getDashboard()),
      metrics: async () => {
        const snapshot = await dash.getDashboard();
        const h = hub.stats();
        const base = snapshotFamilies(
          snapshot,
          dash.requestCounts(),
          {
            clients: h.clients,
            framesSent: h.framesSent,
            framesDropped: h.framesDropped,
            rejected: ws.rejected,
            rejectedRequests,
            droppedConnections: dropped,
            openConnections: guard.open,
          },
          edges,
        );
        const proc = processFamilies(snapshot, dash.processTotals());
        const app = appFamilies(dash.metrics.read(), appEdges);
        // Cluster mode: the first scrape makes this dashboard a viewer (it subscribes), and
        // getFleet() answers within a bound even while Redis is away.
        const fleet = dash.hasCluster ? fleetFamilies(await dash.getFleet(), dash.fleetHistogram()!, edges) : null;
        const fleetApp = fleetAppFamilies(dash.fleetAppMetrics(), appEdges);
        const body = await registry.render(
          [...base.families, ...proc.families, ...app.families, ...(fleet?.families ?? []), ...fleetApp.families],
          [...base.histograms, ...proc.histograms, ...app.histograms, ...(fleet?.histograms ?? []), ...fleetApp.histograms],
        );
        return { contentType: registry.contentType, body };
      },
    }),
  );
  server.keepAliveTimeout = keepAliveTimeout;
  const guard = new ConnectionGuard(server, options, { dropped, rejectedRequests });

  const ws = new WsEndpoint({
    options,
    hub,
    crash: (target, how) => dash.crash(target, how),
    cookieName: () => tokenCookieName(port),
    authFailures,
  });
  server.on('upgrade', ws.onUpgrade);
  const stats = (): WebServerStats => ({
    ...hub.stats(),
    rejected: { ...ws.rejected },
    rejectedRequests: { ...rejectedRequests },
    droppedConnections: { ...dropped },
    openConnections: guard.open,
  });

  try {
    port = await listen(server, options);
  } catch (err) {
    ws.close();
    await hub.close();
    throw err;
  }
  // The dashboard pushes a snapshot on every change of thread status (giving up included): the
  // page's threads table follows snapshots alone; events only fill its log.
  const unsubscribe = dash.subscribe({
    snapshot: (s) => hub.publishSnapshot(s, dash.historyTails()),
    exit: (e) => hub.publishEvent('exit', e),
    restart: (e) => hub.publishEvent('restart', e),
    recovered: (e) => hub.publishEvent('recovered', e),
    failed: (e) => hub.publishEvent('failed', e),
    'group-failed': (e) => hub.publishEvent('group-failed', e),
    fleet: (v) => hub.setFleet(v),
  });
  // Cluster mode: listening to the fleet starts with the first ask; its views are pushed from then on.
  if (dash.hasCluster)
    dash.getFleet().then(
      (v) => hub.setFleet(v),
      () => {},
    );
  // A page opened before the next push still gets numbers at once.
  dash.getDashboard().then(
    (s) => hub.seed(s),
    () => {},
  );

  return {
    url: browsableUrl(options.host, port),
    port,
    options,
    stats,
    httpServer: server,
    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      unsubscribe();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      ws.close();
      await hub.close();
      registry.clear();
      await stopped;
    },
  };
}
