// Issue 11: what Redis, or anyone who can write to the fleet's stream, must not do to a host.
// Scenarios that could kill a host run in a child host process (scenario.ts); nodes are child
// processes serving real HTTP; Redis is a real redis-server started, killed and restarted here.
import net from 'node:net';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard, type FleetView } from '../../dist/src/index.js';
import { FleetLoad } from '../../dist/src/demo/fleet-load.js';
import { startFleetNode, type FleetNodeProcess } from '../../dist/src/demo/fleet-process.js';
import { freePort, startRedis, type RedisServer } from '../cluster/redis-server.js';
import { waitFor } from '../helpers.js';
import { repo, runScenario } from './scenario.js';

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function redis(): Promise<RedisServer> {
  const r = await startRedis();
  cleanup.push(() => r.stop());
  return r;
}

async function node(config: Parameters<typeof startFleetNode>[0]): Promise<FleetNodeProcess> {
  const n = await startFleetNode(config);
  cleanup.push(() => n.stop());
  return n;
}

const REQUIRE_IOREDIS = `const { Redis } = (await import('node:module')).createRequire(${JSON.stringify(`${repo}/package.json`)})('ioredis');`;
const byName = (f: FleetView, name: string) => f.nodes.find((n) => n.node === name);

describe('cluster mode in a hostile world', () => {
  it('counts and drops malformed, oversized, foreign and excess messages in the stream and in the keys; a flood is capped; the host never notices', async () => {
    const r = await redis();
    const result = await runScenario(
      `
      ${REQUIRE_IOREDIS}
      const url = ${JSON.stringify(r.url)};
      const dash = await startDashboard({ builtins: ['requests'], intervalMs: 250, cluster: { redis: url, name: 'shop', node: 'real', maxNodes: 20 } });
      dash.recordRequest({ durationMs: 2, status: 200 });
      await until('its own report', async () => (await dash.getFleet()).nodes.length === 1);
      const evil = new Redis(url);
      const stream = 'threadboard:{shop}:reports';
      const add = (r) => evil.xadd(stream, '*', 'r', r);
      const rejected = async () => (await dash.getFleet()).transport.rejected;
      const good = JSON.stringify({ v: 1, cluster: 'shop', node: 'forged-0', host: 'h', pid: 1, started: 1, seq: 1, t: Date.now(), every: 1000, lean: false, engine: 'running',
        req: { n: 5, s: [0, 5, 0, 0, 0], timed: 5, us: 50, act: 0, h: [100, 5] }, iv: null, cpu: null, mem: null, proc: null });
      const junk = [
        // (Past MAX_REPORT_BYTES, 32 KiB: 'oversized'.)
        'not json', '{}', '[]', 'x'.repeat(40_000), '['.repeat(5000) + ']'.repeat(5000),
        good.replace('"shop"', '"other"'), good.replace('"v":1', '"v":9'), good.replace('"n":5', '"n":-5'),
        good.replace('"forged-0"', '"../../etc/passwd"'), good.replace('[100,5]', '[100,5,0,1]'), good.replace('"pid":1', '"pid":1,"__proto__":{"x":1}'),
      ];
      for (const j of junk) await add(j);
      // An entry that is not one report field: counted as not JSON.
      await evil.xadd(stream, '*', 'x', '1', 'y', '2');
      await until('the junk read', async () => (await rejected()).schema >= 6);
      // Stored junk a late viewer reads: a bad key value, and index entries with no key.
      await evil.set('threadboard:{shop}:node:evil', 'garbage');
      await evil.zadd('threadboard:{shop}:nodes', Date.now(), 'evil', Date.now(), 'nobody');
      // Well-formed reports from 40 made-up nodes: accepted while there is room (anyone who can
      // publish can add a node), then counted and dropped past maxNodes.
      for (let i = 0; i < 40; i++) await add(good.replace('forged-0', 'forged-' + i));
      const before = await until('the forged nodes read', async () => { const r = await rejected(); return r['too-many-nodes'] >= 21 ? r : null; });
      // A flood of junk (about 17 MB), then one more forged node: when the viewer has read that,
      // it has read the flood, or what of it the real node's cap left in the stream. The viewer
      // reads at most a few hundred entries at a time: its memory stays flat; and Redis's too.
      global.gc(); const heap0 = process.memoryUsage().heapUsed;
      for (let i = 0; i < 10_000; i++) add(i % 20 === 0 ? 'x'.repeat(33_000) : '{"v":1,"cluster":"shop"}').catch(() => {});
      await add(good.replace('forged-0', 'forged-last'));
      const f = await until('the flood read', async () => { const f = await dash.getFleet(); return f.transport.rejected['too-many-nodes'] >= 22 ? f : null; }, 20_000);
      global.gc(); const heapGrowthMiB = (process.memoryUsage().heapUsed - heap0) / 1048576;
      const floodRead = { schema: f.transport.rejected.schema - before.schema, oversized: f.transport.rejected.oversized - before.oversized };
      // The real node's next report trims the stream to its cap.
      const published = f.transport.published;
      await until('a report after the flood', async () => (await dash.getFleet()).transport.published > published);
      const streamLength = await evil.xlen(stream);
      const late = await startDashboard({ builtins: ['requests'], httpProbe: false, cluster: { redis: url, name: 'shop', publish: false } });
      const l = await late.getFleet();
      print({ names: f.nodes.map((n) => n.node + ':' + n.status).join(','), rejected: f.transport.rejected, received: f.transport.received, nodes: f.nodes.length, real: f.nodes.find((n) => n.node === 'real')?.requests.total, heapGrowthMiB, floodRead, streamLength, lateRejected: l.transport.rejected, lateNodes: l.nodes.map((n) => n.node) });
      evil.disconnect();
      await late.stop();
      await dash.stop();
      `,
      { nodeArgs: ['--expose-gc'], timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.printed[0] as {
      rejected: Record<string, number>;
      nodes: number;
      real: number;
      heapGrowthMiB: number;
      floodRead: { schema: number; oversized: number };
      streamLength: number;
      lateRejected: Record<string, number>;
      lateNodes: string[];
    };
    // '{}' has no version: it counts as one of another version.
    // The entry without a report field is handed on as an empty report: not JSON.
    expect(out.rejected).toMatchObject({ 'not-json': 2, foreign: 1, version: 2, 'too-many-nodes': 22 });
    // Of the flood, what was read was counted, nothing more (the rest was trimmed unread).
    expect(out.rejected.oversized).toBe(1 + out.floodRead.oversized);
    expect(out.rejected.schema).toBe(6 + out.floodRead.schema);
    expect(out.floodRead.oversized).toBeLessThanOrEqual(500);
    expect(out.floodRead.schema).toBeLessThanOrEqual(9_500);
    expect(out.floodRead.schema + out.floodRead.oversized).toBeGreaterThan(0);
    // Redis holds a capped stream whatever is written to it: 128 reports, plus what approximate
    // trimming leaves (up to a macro node, 100 entries).
    expect(out.streamLength).toBeLessThanOrEqual(400);
    expect(out.nodes).toBe(20);
    expect(out.real).toBe(1);
    expect(out.heapGrowthMiB).toBeLessThan(8);
    // The late viewer read the bad key and dropped it; the index entry without a key costs nothing.
    expect(out.lateRejected.schema).toBeGreaterThanOrEqual(0);
    expect(out.lateRejected['not-json']).toBe(1);
    expect(out.lateNodes).toContain('real');
  });

  it('starts with Redis down: startDashboard resolves at once, the local dashboard works, nothing queues up, and the fleet heals when Redis appears', async () => {
    const port = await freePort();
    let later: Promise<RedisServer> | null = null;
    const result = await runScenario(
      `
      const t0 = Date.now();
      const dash = await startDashboard({ builtins: ['requests'], intervalMs: 100, cluster: { redis: 'redis://127.0.0.1:${port}', name: 'shop', node: 'lonely' } });
      const startMs = Date.now() - t0;
      for (let i = 0; i < 100; i++) dash.recordRequest({ durationMs: 1, status: 200 });
      await dash.collect();
      const local = (await dash.getDashboard()).requests.total;
      const t1 = Date.now();
      const away = await dash.getFleet();
      const fleetMs = Date.now() - t1;
      // Two seconds of publishes with Redis away: each is skipped, none is queued.
      global.gc(); const heap0 = process.memoryUsage().heapUsed;
      await new Promise((r) => setTimeout(r, 2000));
      global.gc(); const heapGrowthMiB = (process.memoryUsage().heapUsed - heap0) / 1048576;
      const still = await dash.getFleet();
      print({ startMs, local, fleetMs, away: away.transport, still: still.transport, heapGrowthMiB });
      const healed = await until('the fleet to heal', async () => { const f = await dash.getFleet(); return f.nodes.some((n) => n.node === 'lonely') ? f : null; }, 25_000);
      print({ healed: healed.transport, total: healed.totals.requests.total });
      await dash.stop();
      `,
      {
        nodeArgs: ['--expose-gc'],
        timeoutMs: 60_000,
        onSpawn: () => {
          // Redis appears on that port a few seconds after the host started.
          setTimeout(() => {
            later = startRedis({ port });
            cleanup.push(async () => (await later)?.stop());
          }, 4000);
        },
      },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [first, second] = result.printed as [
      {
        startMs: number;
        local: number;
        fleetMs: number;
        away: FleetView['transport'];
        still: FleetView['transport'];
        heapGrowthMiB: number;
      },
      { healed: FleetView['transport']; total: number },
    ];
    expect(first.startMs).toBeLessThan(3000);
    expect(first.local).toBe(100);
    expect(first.fleetMs).toBeLessThan(3000);
    expect(first.away.status).not.toBe('connected');
    expect(first.still.lastError?.message).toMatch(/ECONNREFUSED/);
    expect(first.still.publishFailures).toBeGreaterThanOrEqual(5); // every 250 ms, the shortest report interval
    expect(first.heapGrowthMiB).toBeLessThan(4);
    expect(second.healed.status).toBe('connected');
    expect(second.total).toBe(100);
  });

  it('survives Redis being SIGKILLed and restarted under load: nodes reconnect with backoff, the viewer reads again, totals are exact again', async () => {
    const r = await redis();
    const a = await node({ redis: r.url, name: 'shop', node: 'web-1', intervalMs: 250, builtins: ['requests'] });
    const b = await node({ redis: r.url, name: 'shop', node: 'web-2', intervalMs: 250, builtins: ['requests'] });
    const dash: Dashboard = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      cluster: { redis: r.url, name: 'shop', publish: false },
    });
    cleanup.push(() => dash.stop());
    const load = new FleetLoad({ clients: 2, rate: 50 });
    load.start({ name: 'web-1', port: a.port });
    load.start({ name: 'web-2', port: b.port });
    await waitFor('both nodes', async () => (await dash.getFleet()).totals.up === 2);
    await r.kill();
    const away = await waitFor('the viewer to see Redis gone', async () => {
      const f = await dash.getFleet();
      return f.transport.status === 'reconnecting' ? f : null;
    });
    expect(away.transport.lastError).not.toBeNull();
    // Redis away for 2 s under load; then back, empty (no persistence), on the same port.
    await new Promise((res) => setTimeout(res, 2000));
    await r.restart();
    await waitFor('the viewer to reconnect', async () => (await dash.getFleet()).transport.status === 'connected', 15_000);
    await new Promise((res) => setTimeout(res, 500));
    await load.stop();
    const f = await waitFor(
      'exact totals again',
      async () => {
        const v = await dash.getFleet();
        return v.totals.requests.total === load.total() && v.totals.up === 2 ? v : null;
      },
      10_000,
    );
    expect(f.transport.reconnects).toBeGreaterThanOrEqual(1);
    expect(byName(f, 'web-1')?.requests.total).toBe(load.counts()['web-1']);
    // The nodes lived through it, and nothing reached their stderr.
    expect([a.child.exitCode, b.child.exitCode]).toEqual([null, null]);
    expect(a.stderr() + b.stderr()).toBe('');
  });

  it('a slow viewer never slows a publisher: readers that stop reading, and a viewer whose event loop is blocked', async () => {
    const r = await redis();
    const intervalMs = 250;
    const publisher = await startDashboard({ builtins: ['requests'], intervalMs, cluster: { redis: r.url, name: 'shop', node: 'pub' } });
    cleanup.push(() => publisher.stop());
    // Five raw readers that ask for the stream again and again and never read a byte of the answers.
    const stuck = await Promise.all(
      Array.from(
        { length: 5 },
        () =>
          new Promise<net.Socket>((resolve) => {
            const s = net.connect(r.port, '127.0.0.1', () => {
              s.write('XRANGE threadboard:{shop}:reports - +\r\n'.repeat(50), () => {
                s.pause();
                resolve(s);
              });
            });
            s.on('error', () => undefined);
          }),
      ),
    );
    cleanup.push(async () => stuck.forEach((s) => s.destroy()));
    // A flood into the stream makes those answers large (Redis holds what they do not read).
    const flood = new Redis(r.url);
    cleanup.push(async () => flood.disconnect());
    // A viewer process whose event loop is blocked for 3 s after it started reading.
    const blocked = runScenario(
      `
      const v = await startDashboard({ builtins: ['requests'], httpProbe: false, cluster: { redis: ${JSON.stringify(r.url)}, name: 'shop', publish: false } });
      await until('the publisher', async () => (await v.getFleet()).nodes.length === 1);
      const end = Date.now() + 3000;
      while (Date.now() < end) {}
      const f = await until('fresh reports after the block', async () => { const f = await v.getFleet(); return f.nodes[0].status === 'up' ? f : null; });
      print({ received: f.transport.received });
      await v.stop();
      `,
      { timeoutMs: 30_000 },
    );
    const t0 = Date.now();
    for (let i = 0; i < 2000; i++) flood.xadd('threadboard:{shop}:reports', '*', 'r', 'x'.repeat(8000)).catch(() => undefined);
    await new Promise((res) => setTimeout(res, 4000));
    const seconds = (Date.now() - t0) / 1000;
    const f = await publisher.getFleet();
    const blockedResult = await blocked;
    expect(blockedResult.code, blockedResult.stderr).toBe(0);
    // Every report went out: none was skipped for a publish still in flight. (How many the
    // publisher's timer fired is the machine's business: a loaded machine delays timers, and a
    // setInterval does not catch up; three quarters shows it kept publishing all along.)
    expect(f.transport.publishFailures, JSON.stringify(f.transport)).toBe(0);
    expect(f.transport.published, JSON.stringify(f.transport)).toBeGreaterThanOrEqual(Math.floor(((seconds * 1000) / intervalMs) * 0.75));
    expect((blockedResult.printed[0] as { received: number }).received).toBeGreaterThan(0);
  });

  it('Redis that stalls, refuses writes (OOM) and kills its clients: the node counts it, reports why, never throws, and publishes again after', async () => {
    const r = await startRedis({ args: ['--enable-debug-command', 'yes'] });
    cleanup.push(() => r.stop());
    const result = await runScenario(
      `
      ${REQUIRE_IOREDIS}
      const admin = new Redis(${JSON.stringify(r.url)});
      const dash = await startDashboard({ builtins: ['requests'], intervalMs: 250, cluster: { redis: ${JSON.stringify(r.url)}, name: 'shop', node: 'n1' } });
      const t = async () => (await dash.getFleet()).transport;
      await until('publishing', async () => (await t()).published >= 2);
      // Redis stops answering for 3 s: the publish in flight is given up after 2 s, the next ones skipped.
      await admin.call('DEBUG', 'SLEEP', '3');
      const stalled = await until('a stalled publish counted', async () => { const x = await t(); return x.publishFailures >= 1 ? x : null; });
      // Writes refused: XADD and SET fail with OOM (maxmemory 1 byte).
      await admin.config('SET', 'maxmemory', '1');
      await admin.config('SET', 'maxmemory-policy', 'noeviction');
      const oom = await until('OOM reported', async () => { const x = await t(); return /OOM/.test(x.lastError?.message ?? '') ? x : null; });
      await admin.config('SET', 'maxmemory', '0');
      // Every client killed, twice.
      await admin.client('KILL', 'TYPE', 'pubsub');
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      await admin.client('KILL', 'TYPE', 'normal', 'SKIPME', 'yes');
      const before = (await t()).published;
      const healed = await until('publishing again', async () => { const x = await t(); return x.status === 'connected' && x.published >= before + 3 ? x : null; }, 20000);
      const f = await dash.getFleet();
      print({ stalled: stalled.publishFailures, oom: oom.lastError.message, healed, node: f.nodes.find((n) => n.node === 'n1')?.status });
      admin.disconnect();
      await dash.stop();
      `,
      { timeoutMs: 60_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.printed[0] as { stalled: number; oom: string; healed: FleetView['transport']; node: string };
    expect(out.stalled).toBeGreaterThanOrEqual(1);
    expect(out.oom).toMatch(/OOM/);
    expect(out.healed.reconnects).toBeGreaterThanOrEqual(1);
    expect(out.node).toBe('up');
  });

  it('a stream key of the wrong type (anyone who can write the keys): publishes and reads fail, are counted and said, never thrown; both heal when it goes', async () => {
    const r = await redis();
    const result = await runScenario(
      `
      ${REQUIRE_IOREDIS}
      const evil = new Redis(${JSON.stringify(r.url)});
      const stream = 'threadboard:{shop}:reports';
      await evil.set(stream, 'not a stream');
      const dash = await startDashboard({ builtins: ['requests'], intervalMs: 250, cluster: { redis: ${JSON.stringify(r.url)}, name: 'shop', node: 'n1' } });
      dash.recordRequest({ durationMs: 2, status: 200 });
      const t = async () => (await dash.getFleet()).transport;
      const broken = await until('the failures said', async () => { const x = await t(); return x.publishFailures >= 2 && /WRONGTYPE/.test(x.lastError?.message ?? '') ? x : null; });
      await evil.del(stream);
      // The stored reports were read all along (only XADD failed in each pipeline).
      const stored = (await dash.getFleet()).nodes.find((n) => n.node === 'n1')?.requests.total;
      const healed = await until('reports through the stream again', async () => { const x = await t(); return x.received >= broken.received + 3 ? x : null; });
      const streamType = await evil.type(stream);
      print({ broken: { failures: broken.publishFailures, error: broken.lastError.message }, stored, received: healed.received - broken.received, streamType });
      evil.disconnect();
      await dash.stop();
      `,
      { timeoutMs: 40_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const out = result.printed[0] as { broken: { failures: number; error: string }; stored: number; received: number; streamType: string };
    expect(out.broken.error).toMatch(/WRONGTYPE/);
    expect(out.stored).toBe(1);
    expect(out.received).toBeGreaterThanOrEqual(3);
    expect(out.streamType).toBe('stream');
  });
});
