// Issue 11: a late viewer sees the whole fleet in its first answer, even when its publishing
// connection (which reads the stored reports) comes up after its reader. Found on a loaded
// machine, where the reader won the race and the first getFleet() showed an empty fleet;
// reproduced here by a real TCP proxy in front of a real redis-server that holds the viewer's
// first connection (the publishing one, opened at start) for 1.5 s.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { startFleetNode } from '../dist/src/demo/fleet-process.js';
import { startRedis } from './cluster/redis-server.js';
import { waitFor } from './helpers.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

/** A proxy to 127.0.0.1:`port` that connects its first client only after `holdMs`. */
async function slowFirstConnection(port: number, holdMs: number): Promise<{ url: string; accepted: () => number }> {
  let accepted = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    const first = accepted++ === 0;
    const link = (): void => {
      if (client.destroyed) return;
      const upstream = net.connect(port, '127.0.0.1');
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
      client.pipe(upstream).pipe(client);
    };
    // Until linked, the client's bytes wait in its paused socket, as in a slow network.
    if (first) setTimeout(link, holdMs);
    else link();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  return { url: `redis://127.0.0.1:${(server.address() as net.AddressInfo).port}`, accepted: () => accepted };
}

describe('a late viewer', () => {
  it('whose publishing connection comes up after its reader still sees every node in its first answer', async () => {
    const redis = await startRedis();
    cleanup.push(() => redis.stop());
    for (const name of ['web-1', 'web-2']) {
      const n = await startFleetNode({ redis: redis.url, name: 'shop', node: name, intervalMs: 500, builtins: ['requests'] });
      cleanup.push(() => n.stop());
    }
    // Both nodes are in Redis (their reports stored) before the late viewer starts.
    const check = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      cluster: { redis: redis.url, name: 'shop', publish: false },
    });
    cleanup.push(() => check.stop());
    await waitFor('both nodes stored', async () => ((await check.getFleet()).totals.up === 2 ? true : null));
    const proxy = await slowFirstConnection(redis.port, 1500);
    const late = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      cluster: { redis: proxy.url, name: 'shop', publish: false },
    });
    cleanup.push(() => late.stop());
    // The publishing connection is the one the viewer opened at start, and it is being held.
    await waitFor('the viewer to open its first connection', () => (proxy.accepted() === 1 ? true : null), 5000);
    const first = await late.getFleet();
    expect(proxy.accepted()).toBe(2);
    expect(first.nodes.map((n) => [n.node, n.status])).toEqual([
      ['web-1', 'up'],
      ['web-2', 'up'],
    ]);
    expect(first.transport.status).toBe('connected');
  });
});
