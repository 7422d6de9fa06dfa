/**
 * A hello-world node:http server in its own process, in one of three modes:
 * none (no instrumentation), threadboard (a dashboard running; the probe sees every request),
 * prom-client (a Histogram observed per request on 'finish', the usual peer).
 * Prints {"port":N} once listening; exits on SIGTERM.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import client from 'prom-client';
import { startDashboard, type Dashboard } from '../../src/index.js';

const mode = process.argv[2] ?? 'none';
let dash: Dashboard | null = null;
let handler: http.RequestListener = (_req, res) => res.end('hello world');

if (mode === 'threadboard') {
  dash = await startDashboard();
} else if (mode === 'prom-client') {
  const registry = new client.Registry();
  const histogram = new client.Histogram({
    name: 'http_request_duration_seconds',
    help: 'request duration',
    labelNames: ['code'],
    registers: [registry],
  });
  handler = (_req, res) => {
    const end = histogram.startTimer();
    res.once('finish', () => end({ code: res.statusCode }));
    res.end('hello world');
  };
} else if (mode !== 'none') {
  throw new Error(`unknown mode ${mode}`);
}

const server = http.createServer(handler);
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void dash?.stop();
});
