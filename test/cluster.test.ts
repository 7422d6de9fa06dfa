// Issue 11: cluster mode over a real redis-server, with nodes as real child processes serving
// real HTTP under real load. Each test starts its own Redis on a random loopback port.
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard, type FleetView } from '../dist/src/index.js';
import { FleetLoad } from '../dist/src/demo/fleet-load.js';
import { startFleetNode, type FleetNodeProcess } from '../dist/src/demo/fleet-process.js';
import { freePort, startRedis, type RedisServer } from './cluster/redis-server.js';
import { threadCount, waitFor } from './helpers.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function redis(options?: Parameters<typeof startRedis>[0]): Promise<RedisServer> {
  const r = await startRedis(options);
  cleanup.push(() => r.stop());
  return r;
}

async function node(config: Parameters<typeof startFleetNode>[0]): Promise<FleetNodeProcess> {
  const n = await startFleetNode(config);
  cleanup.push(() => n.stop());
  return n;
}

async function viewer(url: string, extra: Record<string, unknown> = {}): Promise<Dashboard> {
  const d = await startDashboard({
    builtins: ['requests'],
    httpProbe: false,
    cluster: { redis: url, name: 'shop', publish: false, ...extra },
  });
  cleanup.push(() => d.stop());
  return d;
}

const byName = (f: FleetView, name: string) => f.nodes.find((n) => n.node === name);

describe('cluster mode over Redis', () => {
  it('counts every request of 3 nodes on 2 hosts exactly, merges their percentiles, reports each host once, and a late viewer sees it all at once', async () => {
    const r = await redis();
    const [a, b, c] = await Promise.all([
      node({ redis: r.url, name: 'shop', node: 'web-1', host: 'alpha', intervalMs: 500 }),
      node({ redis: r.url, name: 'shop', node: 'web-2', host: 'alpha', intervalMs: 500, builtins: ['requests'] }),
      node({ redis: r.url, name: 'shop', node: 'web-3', host: 'beta', intervalMs: 500 }),
    ]);
    const dash = await viewer(r.url);
    // web-3 is the slow one: its p99 is far above the others', and the fleet's merged p99 lies
    // between the nodes' (a percentile of a mixture always does), which an average need not.
    const load = new FleetLoad({ clients: 2, rate: 40, path: (i) => `/?ms=${i % 50 === 0 ? 30 : 1}` });
    load.start({ name: 'web-1', port: a.port });
    load.start({ name: 'web-2', port: b.port });
    const slow = new FleetLoad({ clients: 2, rate: 40, path: '/?ms=15' });
    slow.start({ name: 'web-3', port: c.port });
    const during = await waitFor('fleet percentiles under load', async () => {
      const f = await dash.getFleet();
      return f.nodes.length === 3 &&
        f.nodes.every((n) => n.requests.p99LatencyMs !== null && n.requests.rps) &&
        f.totals.requests.p99LatencyMs !== null
        ? f
        : null;
    });
    const p99s = during.nodes.map((n) => n.requests.p99LatencyMs!);
    expect(during.totals.requests.p99LatencyMs!).toBeGreaterThanOrEqual(Math.min(...p99s) * 0.98);
    expect(during.totals.requests.p99LatencyMs!).toBeLessThanOrEqual(Math.max(...p99s) * 1.02);
    expect(during.totals.requests.rps).toBeGreaterThan(0);
    await new Promise((res) => setTimeout(res, 1500));
    await Promise.all([load.stop(), slow.stop()]);
    const served = load.total() + slow.total();
    expect(served).toBeGreaterThan(200);
    const f = await waitFor(
      'the fleet total to equal the load',
      async () => {
        const v = await dash.getFleet();
        return v.totals.requests.total === served ? v : null;
      },
      5000,
    );
    expect(f.totals).toMatchObject({ nodes: 3, up: 3, down: 0, hosts: 2 });
    expect(f.nodes.map((n) => [n.node, n.host, n.requests.total])).toEqual([
      ['web-1', 'alpha', load.counts()['web-1']],
      ['web-2', 'alpha', load.counts()['web-2']],
      ['web-3', 'beta', slow.counts()['web-3']],
    ]);
    // CPU and memory per host: alpha is measured once (by web-1; web-2 runs no cpu worker).
    const alpha = f.hosts.find((h) => h.host === 'alpha')!;
    expect(alpha).toMatchObject({ nodes: 2, up: 2 });
    expect(alpha.cpu?.usage).toBeTypeOf('number');
    expect(byName(f, 'web-2')?.hostCpu).toBe(alpha.cpu?.usage);
    expect(f.totals.cpu?.busiestHost).toMatch(/^(alpha|beta)$/);
    expect(f.totals.memory?.avgUsagePercent).toBeGreaterThan(0);
    expect(byName(f, 'web-1')?.process?.rssMiB).toBeGreaterThan(10);
    expect(f.transport).toMatchObject({ kind: 'redis', status: 'connected', endpoint: r.url });

    // A viewer that starts now sees the three nodes and the exact total in its first answer.
    const late = await viewer(r.url);
    const first = await late.getFleet();
    expect(first.nodes.map((n) => n.status)).toEqual(['up', 'up', 'up']);
    expect(first.totals.requests.total).toBe(served);
  });

  it('marks a SIGKILLed node down within 3 intervals + 1 s, and counts its restart under the same name as a counter reset', async () => {
    const r = await redis();
    const intervalMs = 500;
    const a = await node({ redis: r.url, name: 'shop', node: 'web-1', intervalMs, builtins: ['requests'] });
    const b = await node({ redis: r.url, name: 'shop', node: 'web-2', intervalMs, builtins: ['requests'] });
    const dash = await viewer(r.url);
    const load = new FleetLoad({ clients: 2, rate: 50 });
    load.start({ name: 'web-1', port: a.port });
    load.start({ name: 'web-2', port: b.port });
    await new Promise((res) => setTimeout(res, 1000));
    // Quiesce web-2 and let one report carry its last count: what a node served after its last
    // report dies with it (as with Prometheus), and this test is about the exact count.
    await load.pause('web-2');
    await waitFor(
      'web-2 to report its count',
      async () => byName(await dash.getFleet(), 'web-2')?.requests.total === load.counts()['web-2'],
    );
    const killedAt = Date.now();
    await b.kill();
    await waitFor('web-2 down', async () => byName(await dash.getFleet(), 'web-2')?.status === 'down', 10_000, 20);
    const detectMs = Date.now() - killedAt;
    console.log(`down detected ${detectMs} ms after SIGKILL (interval ${intervalMs} ms)`);
    expect(detectMs).toBeLessThanOrEqual(3 * intervalMs + 1000);
    expect((await dash.getFleet()).totals).toMatchObject({ up: 1, down: 1 });

    const b2 = await node({ redis: r.url, name: 'shop', node: 'web-2', intervalMs, builtins: ['requests'] });
    const before = load.counts()['web-2']!;
    load.start({ name: 'web-2', port: b2.port });
    await waitFor('web-2 back up', async () => byName(await dash.getFleet(), 'web-2')?.status === 'up');
    await new Promise((res) => setTimeout(res, 1000));
    await load.stop();
    const f = await waitFor(
      'exact totals after the restart',
      async () => {
        const v = await dash.getFleet();
        return v.totals.requests.total === load.total() ? v : null;
      },
      5000,
    );
    const web2 = byName(f, 'web-2')!;
    expect(web2.resets).toBe(1);
    expect(web2.pid).toBe(b2.pid);
    expect(web2.requests.total).toBe(load.counts()['web-2']);
    expect(load.counts()['web-2']!).toBeGreaterThan(before);
  });

  it('works over rediss:// (a self-signed certificate) with an ACL user, and says why when the password is wrong', async () => {
    const r = await redis({ tls: true, acl: { user: 'dash', password: 's3cret' } });
    const tls = { ca: r.ca! };
    const a = await startDashboard({
      builtins: ['requests'],
      intervalMs: 250,
      cluster: { redis: r.url, tls, name: 'shop', node: 'tls-1' },
    });
    cleanup.push(() => a.stop());
    a.recordRequest({ durationMs: 3, status: 200 });
    const v = await viewer(r.url, { tls });
    const f = await waitFor('the TLS node', async () => {
      const x = await v.getFleet();
      return byName(x, 'tls-1')?.requests.total === 1 ? x : null;
    });
    expect(f.transport.status).toBe('connected');
    expect(f.transport.endpoint).toBe(`rediss://dash:***@127.0.0.1:${r.port}`);

    const wrong = await viewer(r.url.replace('s3cret', 'nope'), { tls });
    const w = await waitFor('the refusal', async () => {
      const x = await wrong.getFleet();
      return x.transport.lastError ? x : null;
    });
    expect(w.transport.status).not.toBe('connected');
    expect(w.transport.lastError?.message).toMatch(/WRONGPASS|NOAUTH|invalid/i);
    expect(w.nodes).toEqual([]);
  });

  it('works with a password in the URL (requirepass)', async () => {
    const r = await redis({ args: ['--requirepass', 'pw'], auth: ':pw' });
    const a = await startDashboard({ builtins: ['requests'], intervalMs: 250, cluster: { redis: r.url, name: 'shop', node: 'pw-1' } });
    cleanup.push(() => a.stop());
    const f = await waitFor('the node', async () => {
      const x = await a.getFleet();
      return byName(x, 'pw-1') ? x : null;
    });
    expect(f.self).toBe('pw-1');
    expect(f.transport.endpoint).toBe(`redis://:***@127.0.0.1:${r.port}`);
  });

  it('stop() releases every socket, timer and thread of a node and a viewer, with Redis there and with Redis away', async () => {
    const r = await redis();
    const away = `redis://127.0.0.1:${await freePort()}`;
    const count = (kind: string): number => process.getActiveResourcesInfo().filter((x) => x === kind).length;
    const baseline = { tcp: count('TCPSocketWrap'), timers: count('Timeout'), threads: threadCount() };
    for (const url of [r.url, away]) {
      const node = await startDashboard({ builtins: ['requests'], intervalMs: 250, cluster: { redis: url, name: 'shop', node: 'leak-1' } });
      const view = await startDashboard({
        builtins: ['requests'],
        httpProbe: false,
        cluster: { redis: url, name: 'shop', publish: false },
      });
      await waitFor('a report or a refusal', async () => {
        const f = await view.getFleet();
        return f.nodes.length === 1 || f.transport.lastError !== null;
      });
      await Promise.all([node.stop(), view.stop()]);
    }
    await waitFor(
      'everything released',
      () => {
        const now = { tcp: count('TCPSocketWrap'), timers: count('Timeout'), threads: threadCount() };
        return now.tcp <= baseline.tcp && now.timers <= baseline.timers && now.threads <= baseline.threads;
      },
      5000,
    );
  });
});
