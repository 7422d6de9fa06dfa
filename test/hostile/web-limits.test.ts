/**
 * The web server against idle, slow and hostile clients, over real sockets: connection caps (per
 * address and in total), the header deadline, and a whole dashboard process under a low
 * descriptor limit flooded by another process.
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
import { startWebServer, type WebServer } from '../../dist/src/web/index.js';
import { waitFor } from '../helpers.js';
import { parsePrometheusText } from '../web-prom-parser.js';
import { get, openIdle, type Idle } from './sockets.js';

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
