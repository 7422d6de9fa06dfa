/**
 * The HTTP side: the page and its assets, /api/dashboard, /metrics and /healthz. GET and HEAD only;
 * every response carries headers that keep other sites from framing, sniffing or caching it.
 * Every request is first admitted per client address (request-admission.ts); every refusal is counted.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HealthSection } from '../../snapshot.js';
import { addressKey, isLoopbackAddress } from './address.js';
import type { ResolvedWebOptions } from './options.js';
import { PAGE_CSS } from './page/css.js';
import { PAGE_HTML } from './page/html.js';
import type { PageScript } from './page/scripts.js';
import { headerCount } from './raw-headers.js';
import type { RequestRejectReason } from './refusals.js';
import { admitRequest, type RequestLimits } from './request-admission.js';
import { isAuthorized, presentedTokens, queryParam, tokensEqual } from './token.js';
import { hostAllowed } from './upgrade.js';

export interface RouteDeps {
  options: ResolvedWebOptions;
  limits: RequestLimits;
  /** Refused requests by reason, counted here. */
  rejected: Record<RequestRejectReason, number>;
  /** The page's script modules by path (page/scripts.ts). */
  scripts: ReadonlyMap<string, PageScript>;
  /** Set once the port is known (listen() may pick it). */
  cookieName: () => string;
  /** The current snapshot as JSON text. */
  dashboardJson: () => Promise<string>;
  metrics: () => Promise<{ contentType: string; body: string }>;
  /** The health assessment now (never waits on a thread): its status decides 200 or 503. */
  health: () => HealthSection;
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

// 'self' in connect-src covers ws:// to the same host (CSP Level 3).
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const TEXT = 'text/plain; charset=utf-8';
const HTML = 'text/html; charset=utf-8';

const TOKEN_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>threadboard: token required</title></head>
<body><h1>threadboard: token required</h1><p>This dashboard is protected by a token. Open it as <code>/?token=YOUR_TOKEN</code>
(the page then remembers it in a cookie for this browser session).</p></body></html>
`;

type Reply = (status: number, type: string, body: string, extra?: Record<string, string>) => void;

interface Asset {
  status?: number;
  type: string;
  body: string;
  csp?: boolean;
}

const STATIC: Record<string, Asset> = {
  '/': { type: HTML, body: PAGE_HTML, csp: true },
  '/app.css': { type: 'text/css; charset=utf-8', body: PAGE_CSS },
};
const DYNAMIC = new Set(['/api/dashboard', '/metrics', '/healthz', '/favicon.ico']);

export function createRequestHandler(deps: RouteDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const { options } = deps;
  return (req, res) => {
    const reply: Reply = (status, type, body, extra = {}) => {
      if (res.headersSent || res.destroyed) return;
      res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)), ...extra });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    const refuse = (reason: RequestRejectReason, status: number, message: string, extra?: Record<string, string>): void => {
      deps.rejected[reason] += 1;
      reply(status, TEXT, `${message}\n`, extra);
    };
    const key = addressKey(req.socket.remoteAddress);
    const admitted = admitRequest({ addressKey: key, hostHeaders: headerCount(req.rawHeaders, 'host') }, deps.limits);
    if (!admitted.ok) return refuse(admitted.reason, admitted.status, admitted.message, admitted.headers);
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return refuse('malformed', 400, 'bad request target');
    }
    if (!hostAllowed(options, req.headers.host)) return refuse('host', 403, 'Host header does not name this server');
    if (req.method !== 'GET' && req.method !== 'HEAD') return reply(405, TEXT, 'only GET and HEAD\n', { Allow: 'GET, HEAD' });
    const path = url.pathname;
    const asset: Asset | undefined = STATIC[path] ?? deps.scripts.get(path);
    if (!asset && !DYNAMIC.has(path)) return reply(404, TEXT, 'not found: try /, /api/dashboard, /metrics or /healthz\n');

    // A probe on this machine (a load balancer's agent, a kubelet on the node) needs no token
    // for /healthz; from elsewhere the token rules apply as to everything else.
    const localProbe = path === '/healthz' && isLoopbackAddress(req.socket.remoteAddress);
    if (options.token !== null && !localProbe) {
      const tokens = presentedTokens(req.headers, url, deps.cookieName());
      if (!isAuthorized(options.token, tokens)) {
        // Asking without a token is not a guess; only a wrong one spends the budget.
        if (tokens.length > 0) deps.limits.authFailures.record(key);
        const challenge = { 'WWW-Authenticate': 'Bearer realm="threadboard"' };
        if (path !== '/') return refuse('auth', 401, 'a valid token is required (Authorization: Bearer <token>)', challenge);
        deps.rejected.auth += 1;
        return reply(401, HTML, TOKEN_PAGE, challenge);
      }
      // Move a token from the address bar into an HttpOnly cookie, so it leaves the URL
      // (history, screenshots) and the page's own requests and WebSocket carry it.
      const q = queryParam(url, 'token');
      if (path === '/' && q !== null && tokensEqual(q, options.token)) {
        return reply(303, TEXT, 'see /\n', { Location: '/', 'Set-Cookie': `${deps.cookieName()}=${q}; HttpOnly; SameSite=Strict; Path=/` });
      }
    }

    if (asset) return reply(asset.status ?? 200, asset.type, asset.body, asset.csp ? { 'Content-Security-Policy': PAGE_CSP } : {});
    if (path === '/favicon.ico') {
      res.writeHead(204, COMMON_HEADERS);
      return void res.end();
    }
    const failed = (err: unknown): void =>
      reply(
        503,
        'application/json; charset=utf-8',
        `${JSON.stringify({ error: errorCode(err), message: (err as Error)?.message ?? String(err) })}\n`,
        { 'Retry-After': '1' },
      );
    if (path === '/healthz') {
      const health = deps.health();
      // 'warn' still serves: only a critical check takes the process out of rotation.
      return reply(health.status === 'critical' ? 503 : 200, 'application/json; charset=utf-8', `${JSON.stringify(health)}\n`);
    }
    if (path === '/api/dashboard') {
      deps.dashboardJson().then((json) => reply(200, 'application/json; charset=utf-8', json), failed);
      return;
    }
    deps.metrics().then((m) => reply(200, m.contentType, m.body), failed);
  };
}

function errorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERR_THREADBOARD_UNAVAILABLE';
}
