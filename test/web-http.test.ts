/** The HTTP endpoints over real sockets: the page, /api/dashboard, /metrics, the token, the Host guard. */
import http from 'node:http';
import { register as globalRegistry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OptionsError, startDashboard, ThreadboardError, type Dashboard, type DashboardSnapshot } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { latencyEdges } from '../dist/src/frontends/web/metrics/latency-buckets.js';
import { waitFor } from './helpers.js';
import { parsePrometheusText } from './web-prom-parser.js';

const TOKEN = 'test-token-0123456789abcdef';

interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(url: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: init.method ?? 'GET', headers: init.headers ?? {}, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Same keys and value kinds, recursively (arrays by their first element). */
function shapeOf(v: unknown): unknown {
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])];
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(
      Object.entries(v)
        .sort()
        .map(([k, x]) => [k, shapeOf(x)]),
    );
  return v === null ? 'null' : typeof v;
}

describe('web: HTTP endpoints', () => {
  let dash: Dashboard;
  let open: WebServer;
  let locked: WebServer;
  const recorded: number[] = [];

  beforeAll(async () => {
    dash = await startDashboard({ httpProbe: false, intervalMs: 1000 });
    open = await startWebServer(dash, { port: 0 });
    locked = await startWebServer(dash, { port: 0, token: TOKEN });
    for (const us of [50, 127, 128, 200, 255, 256, 1_000, 1_023, 1_024, 5_000, 250_000, 3_000_000]) {
      dash.recordRequest({ durationMs: us / 1000, status: us === 5_000 ? 503 : 200 });
      recorded.push(us);
    }
    await dash.collect();
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
    await dash?.stop();
  });

  it('listens on loopback and says where', () => {
    expect(open.url).toBe(`http://127.0.0.1:${open.port}`);
    expect(open.port).toBeGreaterThan(0);
    expect(open.options.host).toBe('127.0.0.1');
  });

  it('GET /api/dashboard answers the current snapshot, shaped like getDashboard()', async () => {
    const res = await request(`${open.url}/api/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    const body = JSON.parse(res.body) as DashboardSnapshot;
    const direct = await dash.getDashboard();
    expect(shapeOf(body)).toEqual(shapeOf(direct));
    expect(body.workers.map((w) => w.name)).toEqual(['cpu', 'memory', 'requests']);
    expect(body.requests!.total).toBe(recorded.length);
    expect(body.collectionCount).toBeGreaterThanOrEqual(1);
    const head = await request(`${open.url}/api/dashboard`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('GET /metrics is strict Prometheus text with real counter, gauge and histogram types', async () => {
    const res = await request(`${open.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const families = parsePrometheusText(res.body);
    for (const f of families.values()) {
      expect(f.help, f.name).toBeTruthy();
      expect(f.type, f.name).not.toBe('untyped');
      if (f.type === 'counter') expect(f.name).toMatch(/_total$/);
    }
    const type = (n: string) => families.get(n)?.type;
    expect(type('threadboard_cpu_usage_ratio')).toBe('gauge');
    expect(type('threadboard_memory_used_bytes')).toBe('gauge');
    expect(type('threadboard_http_requests_total')).toBe('counter');
    expect(type('threadboard_http_responses_total')).toBe('counter');
    expect(type('threadboard_thread_restarts_total')).toBe('counter');
    expect(type('threadboard_thread_status')).toBe('gauge');
    expect(type('threadboard_http_request_duration_seconds')).toBe('histogram');

    const value = (n: string, labels: Record<string, string> = {}) =>
      families.get(n)!.samples.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))!.value;
    expect(value('threadboard_http_requests_total')).toBe(recorded.length);
    expect(value('threadboard_http_responses_total', { code_class: '5xx' })).toBe(1);
    expect(value('threadboard_http_responses_total', { code_class: '2xx' })).toBe(recorded.length - 1);
    const usage = value('threadboard_cpu_usage_ratio');
    expect(usage >= 0 && usage <= 1).toBe(true);
    for (const t of ['coordinator', 'cpu', 'memory', 'requests']) {
      expect(value('threadboard_thread_status', { thread: t, status: 'running' })).toBe(1);
      expect(value('threadboard_thread_restarts_total', { thread: t })).toBe(0);
    }

    // The histogram's counts are exact: every le is a bucket edge of the recorded histogram.
    const hist = families.get('threadboard_http_request_duration_seconds')!;
    const buckets = hist.samples.filter((s) => s.name.endsWith('_bucket'));
    expect(buckets.map((b) => b.labels.le)).toEqual([...latencyEdges().map((e) => String((e - 1) / 1e6)), '+Inf']);
    for (const b of buckets) {
      const le = b.labels.le === '+Inf' ? Infinity : Math.round(Number(b.labels.le) * 1e6);
      expect(b.value, `le=${b.labels.le}`).toBe(recorded.filter((us) => us <= le).length);
    }
    const histValue = (suffix: string) => hist.samples.find((x) => x.name === `${hist.name}${suffix}`)!.value;
    expect(histValue('_count')).toBe(recorded.length);
    expect(histValue('_sum')).toBeCloseTo(recorded.reduce((a, b) => a + b, 0) / 1e6, 9);
  });

  it('keeps its metrics in a private registry: two servers, nothing in the global one', async () => {
    const a = parsePrometheusText((await request(`${open.url}/metrics`)).body);
    const b = parsePrometheusText((await request(`${locked.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` } })).body);
    expect([...a.keys()]).toEqual([...b.keys()]);
    expect(globalRegistry.getMetricsAsArray()).toHaveLength(0);
  });

  it('serves the page with a strict Content-Security-Policy, and its script and stylesheet', async () => {
    const page = await request(`${open.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).toContain('<script type="module" src="/app.js">');
    expect(page.body).not.toMatch(/<script>|style="/);
    const js = await request(`${open.url}/app.js`);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toContain('new WebSocket(');
    expect((await request(`${open.url}/app.css`)).headers['content-type']).toBe('text/css; charset=utf-8');
    expect(Buffer.byteLength(page.body) + Buffer.byteLength(js.body)).toBeLessThan(25_000);
  });

  it('answers other paths 404 and other methods 405', async () => {
    expect((await request(`${open.url}/nope`)).status).toBe(404);
    expect((await request(`${open.url}/api/dashboard/../../etc/passwd`)).status).toBe(404);
    const post = await request(`${open.url}/api/dashboard`, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('without a token, refuses a Host that does not name loopback (DNS rebinding)', async () => {
    const res = await request(`${open.url}/api/dashboard`, { headers: { Host: `evil.example:${open.port}` } });
    expect(res.status).toBe(403);
    expect(res.body).not.toContain('cpu');
    expect((await request(`${open.url}/api/dashboard`, { headers: { Host: `localhost:${open.port}` } })).status).toBe(200);
  });

  it('with a token, requires it on the page, its assets, the API and the metrics', async () => {
    for (const path of ['/', '/app.js', '/api/dashboard', '/metrics']) {
      const none = await request(`${locked.url}${path}`);
      expect(none.status, path).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="threadboard"');
      expect(none.body).not.toContain('"workers"');
      expect((await request(`${locked.url}${path}`, { headers: { Authorization: 'Bearer wrong-token-0123456789' } })).status, path).toBe(
        401,
      );
      expect((await request(`${locked.url}${path}`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status, path).toBe(200);
    }
    expect((await request(`${locked.url}/`)).body).toContain('token required');
    expect((await request(`${locked.url}/metrics?token=${TOKEN}`)).status).toBe(200);
    // A token makes the Host guard unnecessary (a rebinding page cannot know it), e.g. behind a proxy.
    expect(
      (await request(`${locked.url}/api/dashboard`, { headers: { Host: 'dash.example.com', Authorization: `Bearer ${TOKEN}` } })).status,
    ).toBe(200);
  });

  it('moves a token from the address bar into an HttpOnly, SameSite=Strict cookie', async () => {
    const res = await request(`${locked.url}/?token=${encodeURIComponent(TOKEN)}`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const cookie = res.headers['set-cookie']![0]!;
    expect(cookie).toBe(`threadboard_token_${locked.port}=${TOKEN}; HttpOnly; SameSite=Strict; Path=/`);
    const withCookie = await request(`${locked.url}/`, { headers: { Cookie: cookie.split(';')[0]! } });
    expect(withCookie.status).toBe(200);
    expect(withCookie.body).toContain('/app.js');
    expect((await request(`${locked.url}/?token=wrong-token-0123456789`)).status).toBe(401);
  });

  it('refuses to start on a port in use, or with bad options, with a typed error', async () => {
    const err = await startWebServer(dash, { port: open.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ThreadboardError);
    expect((err as ThreadboardError).code).toBe('ERR_THREADBOARD_WEB_LISTEN');
    expect((err as Error).message).toMatch(/port is in use: choose another `web\.port`/);
    const bad = await startWebServer(dash, { host: '0.0.0.0' }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(OptionsError);
    expect((bad as OptionsError).option).toBe('web.token');
  });

  it('close() releases the port, its sockets and every listener it added', async () => {
    const handles = () => process.getActiveResourcesInfo().filter((r) => r.startsWith('TCP')).length;
    const handlesBefore = handles();
    const events = ['snapshot', 'exit', 'restart', 'recovered', 'failed', 'group-failed'];
    const before = events.map((e) => dash.listenerCount(e));
    const extra = await startWebServer(dash, { port: 0 });
    expect(dash.listenerCount('snapshot')).toBe(before[0]! + 1);
    expect((await request(`${extra.url}/api/dashboard`)).status).toBe(200);
    await extra.close();
    await extra.close();
    expect(events.map((e) => dash.listenerCount(e))).toEqual(before);
    await expect(request(`${extra.url}/api/dashboard`)).rejects.toThrow(/ECONNREFUSED/);
    await waitFor('no TCP handle left behind', () => handles() <= handlesBefore);
    await waitFor('the open server to still answer', async () => (await request(`${open.url}/api/dashboard`)).status === 200);
  });
});
