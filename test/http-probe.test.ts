import autocannon from 'autocannon';
import { once } from 'node:events';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard, type RestartEvent } from '../dist/src/index.js';
import { nextEvent, waitFor } from './helpers.js';

interface CountingServer {
  server: http.Server;
  url: string;
  handled: () => number;
  close: () => Promise<void>;
}

/** A real server that answers 500 to exactly every 5th request and counts what it handled. */
async function countingServer(): Promise<CountingServer> {
  let handled = 0;
  const server = http.createServer((_req, res) => {
    handled++;
    res.statusCode = handled % 5 === 0 ? 500 : handled % 7 === 0 ? 404 : 200;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://127.0.0.1:${port}/`,
    handled: () => handled,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const responses = (r: autocannon.Result): number => r['1xx'] + r['2xx'] + r['3xx'] + r['4xx'] + r['5xx'];

describe('the HTTP probe (diagnostics_channel), driven by autocannon', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  async function setup(options = {}): Promise<{ dash: Dashboard; srv: CountingServer }> {
    const dash = await startDashboard({ hangTimeoutMs: 1000, ...options });
    cleanup.push(() => dash.stop());
    const srv = await countingServer();
    cleanup.push(() => srv.close());
    return { dash, srv };
  }

  it('counts every request exactly, the 5xx share, and open connections while they are open', async () => {
    const { dash, srv } = await setup();
    const connections = 8;
    const run = autocannon({ url: srv.url, connections, amount: 12_000 });
    // While the load runs: the gauge equals autocannon's connection count, and the interval error rate is the known share.
    const during = await waitFor('a mid-run sample with every connection open', async () => {
      await dash.collect();
      const r = (await dash.getDashboard()).requests!;
      return r.activeConnections === connections && r.rps > 0 && r.total >= 1000 ? r : null;
    });
    // Every 5th request is a 500 in the order handled, but requests are counted as they finish,
    // with up to `connections` in flight at each edge of the window: the share in a window of n
    // requests is 20 % within (connections + 1) / n. The window is at least 200 ms long.
    const n = during.rps * 0.2;
    expect(Math.abs(during.errorRate - 20)).toBeLessThanOrEqual(Math.max(1, (100 * (connections + 1)) / n));
    const result = await run;
    expect(result.errors).toBe(0);
    const after = await waitFor('connections closed after the run', async () => {
      await dash.collect();
      const r = (await dash.getDashboard()).requests!;
      return r.activeConnections === 0 ? r : null;
    });
    expect(after.total).toBe(responses(result));
    expect(after.total).toBe(srv.handled());
    expect(after.byStatus['5xx']).toBe(Math.floor(srv.handled() / 5));
    expect(after.byStatus['5xx']).toBe(result['5xx']);
    expect(after.byStatus['4xx']).toBe(result['4xx']);
    expect(after.byStatus['2xx']).toBe(result['2xx']);
  });

  it('keeps totals exact when the requests worker and then the coordinator crash mid-load', async () => {
    const { dash, srv } = await setup();
    const run = autocannon({ url: srv.url, connections: 6, amount: 15_000 });
    for (const target of ['requests', 'coordinator'] as const) {
      const mark = srv.handled();
      await waitFor('more load served', () => srv.handled() > mark + 2000);
      const restarted = nextEvent<RestartEvent>(dash, 'restart', (e) => e.target === target);
      await dash.crash(target, 'kill');
      await restarted;
    }
    const result = await run;
    expect(srv.handled()).toBeLessThanOrEqual(15_000 + 6);
    await dash.collect();
    const r = (await dash.getDashboard()).requests!;
    expect(r.total).toBe(srv.handled());
    expect(r.total).toBe(responses(result));
    expect(r.byStatus['5xx']).toBe(result['5xx']);
    const s = await dash.getDashboard();
    expect(s.coordinator.restarts).toBe(1);
  });

  it('measures only the chosen servers, or none when turned off', async () => {
    const measured = await countingServer();
    cleanup.push(() => measured.close());
    const { dash: chosen, srv: ignored } = await setup({ httpProbe: { servers: [measured.server] } });
    const off = await startDashboard({ httpProbe: false, builtins: ['requests'] });
    cleanup.push(() => off.stop());
    await autocannon({ url: measured.url, connections: 2, amount: 300 });
    await autocannon({ url: ignored.url, connections: 2, amount: 200 });
    await Promise.all([chosen.collect(), off.collect()]);
    expect((await chosen.getDashboard()).requests!.total).toBe(300);
    expect((await off.getDashboard()).requests!.total).toBe(0);
  });

  it('with no traffic reports zeros, no latency (unknown, not 0), and invents nothing', async () => {
    const dash = await startDashboard({ intervalMs: 200, builtins: ['requests'] });
    cleanup.push(() => dash.stop());
    const started = Date.now();
    // Several interval samples, so the windows are real ones.
    await waitFor('a second of samples', async () => Date.now() - started > 1000 && (await dash.getDashboard()).channel.received >= 5);
    await dash.collect();
    expect((await dash.getDashboard()).requests).toEqual({
      rps: 0,
      rps10s: 0,
      avgLatencyMs: null,
      p50LatencyMs: null,
      p99LatencyMs: null,
      errorRate: 0,
      clientErrorRate: 0,
      activeConnections: 0,
      total: 0,
      byStatus: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0 },
    });
  });

  it('times each pipelined request on one connection from its own start (issue 10.8)', async () => {
    const dash = await startDashboard({ intervalMs: 3_600_000, builtins: ['requests'] });
    cleanup.push(() => dash.stop());
    const server = http.createServer((req, res) => {
      setTimeout(() => res.end('ok'), req.url === '/slow' ? 500 : 0);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanup.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    await dash.collect();
    const { port } = server.address() as AddressInfo;
    const socket = net.connect(port, '127.0.0.1');
    cleanup.push(async () => void socket.destroy());
    await once(socket, 'connect');
    let got = '';
    socket.setEncoding('utf8').on('data', (d: string) => (got += d));
    const t0 = performance.now();
    socket.write('GET /slow HTTP/1.1\r\nHost: x\r\n\r\n');
    // The second request follows 150 ms later on the same connection, before the first is answered.
    await new Promise((r) => setTimeout(r, 150));
    const t1 = performance.now();
    socket.write('GET /fast HTTP/1.1\r\nHost: x\r\n\r\n');
    await waitFor('both responses', () => (got.match(/HTTP\/1\.1 200/g) ?? []).length === 2, 5000);
    const end = performance.now();
    await dash.collect();
    const r = (await dash.getDashboard()).requests!;
    expect(r.total).toBe(2);
    // Nearest rank over two requests: p99 is the slow one, p50 the fast one, each within the histogram's 2 %.
    expect(r.p99LatencyMs!).toBeGreaterThanOrEqual(0.98 * 500);
    expect(r.p99LatencyMs!).toBeLessThanOrEqual(1.02 * (end - t0));
    expect(r.p50LatencyMs!).toBeGreaterThanOrEqual(0.98 * (500 - (t1 - t0)) - 5);
    expect(r.p50LatencyMs!).toBeLessThanOrEqual(1.02 * (end - t1));
  });
});
