/**
 * The demo app: a plain node:http server on 127.0.0.1 with no measuring code in it. The
 * dashboard's HTTP probe sees its requests through diagnostics_channel, as it would any app's.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseDemoPath } from './demo-mix.js';

export interface DemoApp {
  url: string;
  close(): Promise<void>;
}

export async function startDemoApp(): Promise<DemoApp> {
  const pending = new Set<NodeJS.Timeout>();
  const server = http.createServer((req, res) => {
    const ask = parseDemoPath(req.url ?? '');
    const answer = (): void => {
      const status = ask?.status ?? 404;
      const body = JSON.stringify({ demo: true, status });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (!ask || ask.delayMs === 0) return answer();
    // Stands in for the work a real handler does (a query, a render).
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer();
    }, ask.delayMs);
    pending.add(timer);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        pending.clear();
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
