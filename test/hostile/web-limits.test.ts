/**
 * The web server against idle, slow and hostile clients, over real sockets: connection caps (per
 * address and in total), the header deadline, plain-HTTP rate limits, the token-guessing budget,
 * duplicate Host headers, the counters an operator sees in /metrics, and a whole dashboard process
 * under a low descriptor limit flooded by another process.
 *
 * Rate limits and caps are per client address, so each test speaks from its own 127.x.y.z
 * (Linux routes all of 127/8 to loopback) and none can use up another's budget.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../dist/src/index.js';
import { startWebServer, type WebServer } from '../../dist/src/frontends/web/index.js';
import { waitFor } from '../helpers.js';
import { parsePrometheusText } from '../web-prom-parser.js';
import { rawHandshake } from '../web-helpers.js';
import { get, openIdle, rawExchange, type Idle } from './sockets.js';

const TOKEN = 'hostile-token-0123456789abcdef';

/** What a refusal counter reads in stats(), whatever shape the server gives it. */
function counter(stats: unknown, group: string, reason: string): number {
  const g = (stats as Record<string, Record<string, number> | undefined>)[group];
  return g?.[reason] ?? 0;
}

describe('Node: what its own HTTP timeouts do to a socket that sends nothing', () => {
  const servers: http.Server[] = [];
  const idles: Idle[] = [];
  afterEach(async () => {
    for (const i of idles.splice(0)) i.socket.destroy();
    await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  });
  const listen = async (opts: http.ServerOptions, keepAliveTimeout = 5000): Promise<{ port: number; listenedAt: number }> => {
    const s = http.createServer(opts, (_req, res) => res.end('ok'));
    s.keepAliveTimeout = keepAliveTimeout;
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { port: (s.address() as { port: number }).port, listenedAt: performance.now() };
  };

  it('headersTimeout does close a socket that never sends a byte (with a 408), but only when the connections check runs', async () => {
    // headersTimeout is 50 ms, yet the socket lives until the first check, one interval after listen.
    const { port, listenedAt } = await listen({ headersTimeout: 50, requestTimeout: 1000, connectionsCheckingInterval: 1500 });
    const silent = await openIdle(port);
    idles.push(silent);
    await waitFor('the silent socket to be closed', () => silent.closedAt !== null, 10_000);
    expect(silent.closedAt! - listenedAt).toBeGreaterThanOrEqual(1400);
    expect(silent.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('after a response, keepAliveTimeout (an idle timer), not headersTimeout, decides how long the socket may stay silent', async () => {
    const { port } = await listen({ headersTimeout: 50, requestTimeout: 1000, connectionsCheckingInterval: 50 }, 1500);
    const s = await openIdle(port);
    idles.push(s);
    s.socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    await waitFor('the response', () => s.received.includes('ok'));
    const answeredAt = performance.now();
    await waitFor('the idle keep-alive socket to be closed', () => s.closedAt !== null, 10_000);
    expect(s.closedAt! - answeredAt).toBeGreaterThanOrEqual(1400);
    // Closed quietly: no 408, just the one response.
    expect(s.received.toString('latin1').match(/HTTP\/1\.1/g)).toHaveLength(1);
  });
});

describe('web: limits against idle, slow and hostile clients', () => {
  let dash: Dashboard;
  const servers: WebServer[] = [];
  const idles: Idle[] = [];
  const timers: NodeJS.Timeout[] = [];

  const serve = async (options: Parameters<typeof startWebServer>[1] = {}): Promise<WebServer> => {
    const s = await startWebServer(dash, { port: 0, ...options });
    servers.push(s);
    return s;
  };
  const idle = async (port: number, localAddress: string): Promise<Idle> => {
    const i = await openIdle(port, localAddress);
    idles.push(i);
    return i;
  };

  beforeAll(async () => {
    dash = await startDashboard({ httpProbe: false, intervalMs: 500 });
  });
  afterEach(async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    for (const i of idles.splice(0)) i.socket.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await dash?.stop();
  });

  it('closes a socket that never sends a byte, and one that dribbles its headers, within the 5 s header deadline', async () => {
    const server = await serve();
    const silent = await idle(server.port, '127.0.1.1');
    const dribbler = await idle(server.port, '127.0.1.1');
    const request = `GET /api/dashboard HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-Slow: ${'a'.repeat(1000)}`;
    let sent = 0;
    // One byte every 100 ms: always active, never done; an idle timer alone would never fire.
    const drip = setInterval(() => {
      if (!dribbler.socket.destroyed && sent < request.length) dribbler.socket.write(request[sent++]!);
    }, 100);
    timers.push(drip);

    await waitFor('both sockets to be closed by the server', () => silent.closedAt !== null && dribbler.closedAt !== null, 9_000);
    for (const s of [silent, dribbler]) {
      expect(s.closedAt! - s.connectedAt).toBeGreaterThanOrEqual(4_500);
      expect(s.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408 /);
    }
    expect(sent).toBeLessThan(request.length);
    expect(counter(server.stats(), 'droppedConnections', 'timeout')).toBe(2);
    // A client that sends its request at once is served as before.
    expect((await get(`${server.url}/api/dashboard`, { localAddress: '127.0.1.1' })).status).toBe(200);
  });

  it('refuses connections past 32 per client address at once, without a byte, and counts them; other addresses get in', async () => {
    const server = await serve();
    const socks: Idle[] = [];
    for (let i = 0; i < 40; i++) socks.push(await idle(server.port, '127.0.2.1'));
    await waitFor('8 sockets refused', () => socks.filter((s) => s.closedAt !== null && s.received.length === 0).length === 8, 4_000);
    expect(counter(server.stats(), 'droppedConnections', 'address_cap')).toBe(8);
    // Another address has its own allowance; the IPv6 /64 rule is unit-tested with addressKey().
    expect((await get(`${server.url}/api/dashboard`, { localAddress: '127.0.2.2' })).status).toBe(200);
    // Slots freed are slots again.
    socks[0]!.socket.destroy();
    socks[1]!.socket.destroy();
    await waitFor('the server to see the closes', () => server.stats().openConnections <= 30);
    await idle(server.port, '127.0.2.1');
    expect((await get(`${server.url}/api/dashboard`, { localAddress: '127.0.2.1' })).status).toBe(200);
    expect(counter(server.stats(), 'droppedConnections', 'address_cap')).toBe(8);
  });

  it('refuses connections past maxConnections in total, counted apart from the per-address cap', async () => {
    const server = await serve({ maxConnections: 8, maxConnectionsPerAddress: 4 });
    const socks: Idle[] = [];
    for (const a of ['127.0.3.1', '127.0.3.2', '127.0.3.3']) for (let i = 0; i < 4; i++) socks.push(await idle(server.port, a));
    await waitFor('4 sockets refused', () => socks.filter((s) => s.closedAt !== null).length === 4, 4_000);
    expect(socks.slice(8).every((s) => s.closedAt !== null && s.received.length === 0)).toBe(true);
    expect(server.stats().droppedConnections).toMatchObject({ total_cap: 4, address_cap: 0 });
    expect(server.stats().openConnections).toBe(8);
    socks[0]!.socket.destroy();
    await waitFor('a slot to free up', () => server.stats().openConnections < 8);
    expect((await get(`${server.url}/api/dashboard`, { localAddress: '127.0.3.4' })).status).toBe(200);
  });

  it('rate-limits plain HTTP per address: 429 with Retry-After once 200 requests are spent, and other addresses are unaffected', async () => {
    const server = await serve();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const started = performance.now();
      let ok = 0;
      let refused: Awaited<ReturnType<typeof get>> | null = null;
      for (let i = 0; i < 400 && !refused; i++) {
        const r = await get(`${server.url}/favicon.ico`, { localAddress: '127.0.4.1', agent });
        if (r.status === 429) refused = r;
        else if (r.status === 204) ok++;
        else throw new Error(`unexpected status ${r.status}`);
      }
      const seconds = (performance.now() - started) / 1000;
      expect(refused, 'a 429 within 400 requests').not.toBeNull();
      // The bucket holds 200 and refills 20 a second while the loop runs.
      expect(ok).toBeGreaterThanOrEqual(200);
      expect(ok).toBeLessThanOrEqual(200 + Math.ceil(seconds * 20) + 1);
      expect(Number(refused!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(refused!.body).toMatch(/too many requests/i);
      expect((await get(`${server.url}/api/dashboard`, { localAddress: '127.0.4.2' })).status).toBe(200);
      expect(counter(server.stats(), 'rejectedRequests', 'rate')).toBe(1);
    } finally {
      agent.destroy();
    }
  });

  it('throttles token guessing: after 10 wrong tokens an address gets 429 on everything until its budget refills; WebSocket guesses count too', async () => {
    const server = await serve({ token: TOKEN });
    const url = `${server.url}/api/dashboard`;
    const wrong = { Authorization: 'Bearer wrong-token-0123456789' };
    const right = { Authorization: `Bearer ${TOKEN}` };
    for (let i = 0; i < 10; i++) expect((await get(url, { headers: wrong, localAddress: '127.0.5.1' })).status).toBe(401);
    const blocked = await get(url, { headers: wrong, localAddress: '127.0.5.1' });
    expect(blocked.status).toBe(429);
    // 10 per minute: the next guess is allowed in about 6 s.
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(5);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(6);
    expect((await get(url, { headers: right, localAddress: '127.0.5.1' })).status).toBe(429);
    expect((await get(url, { headers: right, localAddress: '127.0.5.2' })).status).toBe(200);

    // Failed WebSocket handshakes spend the same budget, and a blocked address cannot open one either.
    const origin = { Origin: server.url };
    for (let i = 0; i < 10; i++) {
      const r = await rawHandshake(server.port, { ...origin, ...wrong }, '/ws', '127.0.5.3');
      r.socket.destroy();
      expect(r.status).toBe(401);
    }
    expect((await get(url, { headers: right, localAddress: '127.0.5.3' })).status).toBe(429);
    const ws = await rawHandshake(server.port, { ...origin, ...right }, '/ws', '127.0.5.3');
    ws.socket.destroy();
    expect(ws.status).toBe(429);

    // Asking without any token is not a guess: it is answered 401 and spends only the request budget.
    for (let i = 0; i < 15; i++) expect((await get(url, { localAddress: '127.0.5.4' })).status).toBe(401);
    expect(counter(server.stats(), 'rejectedRequests', 'auth_failures')).toBe(3);
    expect(counter(server.stats(), 'rejected', 'auth_failures')).toBe(1);
  });

  it('answers a request with two Host headers 400, on plain HTTP and on the WebSocket handshake', async () => {
    const server = await serve();
    const host = `127.0.0.1:${server.port}`;
    const one = await rawExchange(server.port, `GET /api/dashboard HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, '127.0.6.1');
    expect(one.status).toBe(200);
    const two = await rawExchange(
      server.port,
      `GET /api/dashboard HTTP/1.1\r\nHost: ${host}\r\nhost: evil.example\r\nConnection: close\r\n\r\n`,
      '127.0.6.1',
    );
    expect(two.status).toBe(400);
    const handshake = (hosts: string): string =>
      `GET /ws HTTP/1.1\r\n${hosts}Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n` +
      `Sec-WebSocket-Version: 13\r\nOrigin: ${server.url}\r\n\r\n`;
    expect((await rawExchange(server.port, handshake(`Host: ${host}\r\n`), '127.0.6.1')).status).toBe(101);
    expect((await rawExchange(server.port, handshake(`Host: ${host}\r\nHost: evil.example\r\n`), '127.0.6.1')).status).toBe(400);
    expect(counter(server.stats(), 'rejectedRequests', 'duplicate_host')).toBe(1);
    expect(counter(server.stats(), 'rejected', 'duplicate_host')).toBe(1);
  });

  it('shows every kind of refusal in /metrics', async () => {
    const server = await serve({
      token: TOKEN,
      maxConnections: 6,
      maxConnectionsPerAddress: 2,
      requestRate: { max: 3, windowMs: 60_000 },
      authFailureRate: { max: 1, windowMs: 60_000 },
    });
    const url = `${server.url}/api/dashboard`;
    const wrong = { Authorization: 'Bearer wrong-token-0123456789' };
    // per-address cap
    for (let i = 0; i < 3; i++) await idle(server.port, '127.0.7.1');
    // One kept-alive connection per address, so the per-address cap of 2 never bites below.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // request rate
      for (let i = 0; i < 4; i++) await get(url, { localAddress: '127.0.7.2', agent });
      // token guessing, then blocked
      await get(url, { headers: wrong, localAddress: '127.0.7.3', agent });
      await get(url, { headers: wrong, localAddress: '127.0.7.3', agent });
    } finally {
      agent.destroy();
    }
    // duplicate Host
    await rawExchange(server.port, `GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n`, '127.0.7.4');
    await waitFor('only the two held sockets open', () => server.stats().openConnections === 2);
    // total cap: 2 held above, 4 more fill it, the next is dropped
    for (const a of ['127.0.7.5', '127.0.7.6']) for (let i = 0; i < 2; i++) await idle(server.port, a);
    const over = await idle(server.port, '127.0.7.7');
    await over.closed;
    for (const i of idles.splice(0)) i.socket.destroy();
    await waitFor('the held sockets to close', () => server.stats().openConnections === 0);

    const res = await get(`${server.url}/metrics`, { headers: { Authorization: `Bearer ${TOKEN}` }, localAddress: '127.0.7.8' });
    expect(res.status).toBe(200);
    const families = parsePrometheusText(res.body);
    const value = (name: string, reason: string): number | undefined =>
      families.get(name)?.samples.find((s) => s.labels.reason === reason)?.value;
    expect(families.get('threadboard_web_dropped_connections_total')?.type).toBe('counter');
    expect(value('threadboard_web_dropped_connections_total', 'address_cap')).toBe(1);
    expect(value('threadboard_web_dropped_connections_total', 'total_cap')).toBe(1);
    expect(value('threadboard_web_dropped_connections_total', 'timeout')).toBeDefined();
    expect(families.get('threadboard_web_rejected_requests_total')?.type).toBe('counter');
    expect(value('threadboard_web_rejected_requests_total', 'rate')).toBe(1);
    expect(value('threadboard_web_rejected_requests_total', 'auth')).toBe(4);
    expect(value('threadboard_web_rejected_requests_total', 'auth_failures')).toBe(1);
    expect(value('threadboard_web_rejected_requests_total', 'duplicate_host')).toBe(1);
    // This scrape's own connection is the one open.
    expect(families.get('threadboard_web_open_connections')?.samples[0]?.value).toBe(1);
  });

  it('keeps descriptors to spare in a process limited to 512 while another process floods it with 600 idle sockets; keeps serving; the deadline frees them', async () => {
    const LIMIT = 512;
    const script = fileURLToPath(new URL('./fixtures/web-under-fd-limit.mjs', import.meta.url));
    const child = spawn('bash', ['-c', `ulimit -n ${LIMIT} && exec "${process.execPath}" "${script}"`], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    const flood: Idle[] = [];
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const hello = await new Promise<{ pid: number; url: string }>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const nl = out.indexOf('\n');
          if (nl >= 0) resolve(JSON.parse(out.slice(0, nl)) as { pid: number; url: string });
        });
        child.once('exit', (code) => reject(new Error(`the dashboard process exited (${code}) before listening`)));
      });
      const fds = (): number => readdirSync(`/proc/${hello.pid}/fd`).length;
      const port = Number(new URL(hello.url).port);
      // A well-behaved client that was already connected, e.g. a scraper with keep-alive.
      const good = (path: string) => get(`${hello.url}${path}`, { agent, localAddress: '127.0.8.1' });
      expect((await good('/api/dashboard')).status).toBe(200);
      const baseline = fds();

      // 600 idle sockets from 40 addresses, 15 each: under the per-address cap, far over the total.
      for (let batch = 0; batch < 12; batch++) {
        const opened = await Promise.all(
          Array.from({ length: 50 }, (_, i) => openIdle(port, `127.0.9.${1 + ((batch * 50 + i) % 40)}`).catch(() => null)),
        );
        for (const s of opened) if (s) flood.push(s);
      }
      expect(flood.length).toBe(600);
      const accounted = async (): Promise<boolean> => {
        const m = parsePrometheusText((await good('/metrics')).body);
        const dropped = m.get('threadboard_web_dropped_connections_total')?.samples ?? [];
        const open = m.get('threadboard_web_open_connections')?.samples[0]?.value ?? 0;
        const total = dropped.filter((s) => s.labels.reason === 'total_cap').reduce((a, s) => a + s.value, 0);
        return total + open - 1 >= flood.length;
      };
      // Exhausted descriptors end the wait too, so that failure reads as what it is.
      await waitFor(
        'the server to account for every flood socket (kept or dropped)',
        async () => fds() >= LIMIT - 8 || (await accounted()),
        5_000,
        100,
      );
      const during = fds();
      expect(LIMIT - during, `descriptors in use: ${during} of ${LIMIT}`).toBeGreaterThanOrEqual(128);
      expect(during).toBeLessThanOrEqual(baseline + 256);
      expect((await good('/api/dashboard')).status).toBe(200);

      await waitFor('every flood socket to be closed by the header deadline', () => flood.every((s) => s.closedAt !== null), 10_000, 50);
      expect(flood.filter((s) => s.received.toString('latin1').startsWith('HTTP/1.1 408')).length).toBeGreaterThanOrEqual(200);
      await waitFor('descriptors back to the baseline', () => fds() <= baseline + 4, 5_000);
      expect((await get(`${hello.url}/api/dashboard`, { localAddress: '127.0.8.2' })).status).toBe(200);
    } finally {
      agent.destroy();
      for (const s of flood) s.socket.destroy();
      child.stdin.end();
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killer);
    }
  });
});
