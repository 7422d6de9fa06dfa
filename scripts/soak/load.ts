/**
 * The soak's traffic: a plain node:http app (measured by the dashboard's probe like any app)
 * and keep-alive clients that count every response they get, so the dashboard's total can be
 * checked against the client's own count exactly.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Load {
  /** Responses the clients received. */
  readonly received: () => number;
  /** Stops sending and resolves once every request in flight has been answered. */
  stop(): Promise<void>;
  close(): Promise<void>;
}

export async function startLoad(options: { clients: number; perClientRps: number }): Promise<Load> {
  const server = http.createServer((req, res) => {
    const status = req.url === '/missing' ? 404 : req.url === '/fail' ? 500 : 200;
    setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok'), Math.floor(Math.random() * 5));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
  let received = 0;
  let running = true;
  const paths = ['/', '/', '/', '/', '/', '/', '/', '/missing', '/fail'];
  const one = (): Promise<void> =>
    new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, agent, path: paths[Math.floor(Math.random() * paths.length)] }, (res) => {
        res.resume();
        res.once('end', () => {
          received++;
          resolve();
        });
      });
      // A request that fails is not a response: it is not counted, and the loop goes on.
      req.once('error', () => resolve());
    });
  const gapMs = 1000 / options.perClientRps;
  const loops = Array.from({ length: options.clients }, async () => {
    while (running) {
      const started = performance.now();
      await one();
      const wait = gapMs - (performance.now() - started);
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
  });
  return {
    received: () => received,
    async stop() {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
