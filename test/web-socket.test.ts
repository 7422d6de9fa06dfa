/**
 * The WebSocket side over real sockets: live frames, the Origin check, the token, the rate limit,
 * the client cap, inbound validation, control, heartbeat, and a client that never reads.
 */
import type { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type ServerFrame, type WebServer } from '../dist/src/frontends/web/index.js';
import { upsertPoint } from '../dist/src/frontends/web/page/series.js';
import { waitFor } from './helpers.js';
import {
  closeAll,
  closedByPeer,
  connectClient,
  FrameDecoder,
  rawHandshake,
  refusedWith,
  snapshotsOf,
  type RecordingClient,
} from './web-helpers.js';

const TOKEN = 'socket-token-0123456789abcdef';

describe('web: WebSocket', () => {
  let dash: Dashboard;
  const servers: WebServer[] = [];
  const clients: RecordingClient[] = [];
  const rawSockets: Socket[] = [];

  const serve = async (options: Parameters<typeof startWebServer>[1] = {}): Promise<WebServer> => {
    const s = await startWebServer(dash, { port: 0, ...options });
    servers.push(s);
    return s;
  };
  const wsUrl = (s: WebServer, query = ''): string => `${s.url.replace('http', 'ws')}/ws${query}`;
  const origin = (s: WebServer): string => s.url;
  const connect = async (s: WebServer, options: Parameters<typeof connectClient>[1] = {}, query = ''): Promise<RecordingClient> => {
    const c = await connectClient(wsUrl(s, query), { origin: origin(s), ...options });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    dash = await startDashboard({ httpProbe: false, intervalMs: 250 });
  });
  afterEach(async () => {
    await closeAll(clients.splice(0));
    for (const s of rawSockets.splice(0)) s.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  afterAll(async () => {
    await dash?.stop();
  });

  it('greets with hello, then pushes every new snapshot and every exit and restart', async () => {
    const server = await serve();
    const c = await connect(server);
    await waitFor('hello', () => c.frames.length > 0);
    const hello = c.frames[0]!;
    expect(hello.type).toBe('hello');
    if (hello.type !== 'hello') return;
    // The page's constants come from here: control, faults, the event log's size, units, spans.
    expect(hello).toMatchObject({ v: 3, fleet: null, control: false, faults: ['throw', 'exit', 'hang', 'oom', 'kill'], eventLogSize: 100 });
    expect(hello.series).toMatchObject({ cpu: { unit: '%' }, mem: { unit: '%' }, rps: { unit: 'req/s' }, p99: { unit: 'ms' } });
    expect(hello.history.map(({ span, stepMs, capacity }) => ({ span, stepMs, capacity }))).toEqual(
      (['2m', '30m', '3h'] as const).map((span) => {
        const { stepMs, capacity } = dash.history(span);
        return { span, stepMs, capacity };
      }),
    );
    await waitFor('three snapshots', () => snapshotsOf(c.frames).length >= 3);
    const snaps = snapshotsOf(c.frames);
    for (let i = 1; i < snaps.length; i++) expect(snaps[i]!.seq).toBeGreaterThan(snaps[i - 1]!.seq);
    expect(snaps[0]!.snapshot.workers.map((w) => w.name)).toEqual(['cpu', 'memory', 'requests']);
    expect(snaps[0]!.t).toBeGreaterThan(Date.now() - 60_000);
    expect(Object.keys(snaps[0]!.history).sort()).toEqual(['2m', '30m', '3h']);

    await dash.crash('memory', 'kill');
    await waitFor('exit, restart and recovered events', () => {
      const kinds = c.frames
        .filter((f): f is Extract<ServerFrame, { type: 'event' }> => f.type === 'event')
        .map((f) => `${f.event.kind}:${'target' in f.event.event ? f.event.event.target : f.event.event.group}`);
      return kinds.includes('exit:memory') && kinds.includes('restart:memory') && kinds.includes('recovered:memory');
    });
    // A page that connects now sees the same events in its hello.
    const late = await connect(server);
    await waitFor('late hello', () => late.frames.length > 0);
    const lateHello = late.frames[0] as Extract<ServerFrame, { type: 'hello' }>;
    expect(lateHello.events.map((e) => `${e.kind}:${'target' in e.event ? e.event.target : e.event.group}`)).toEqual(
      expect.arrayContaining(['exit:memory', 'restart:memory', 'recovered:memory']),
    );
    expect(lateHello.snapshot).not.toBeNull();
  });

  it("carries the engine's history: hello has dash.history(span), each snapshot frame dash.historyTails(); upserting them by t is the engine's history", async () => {
    // What the engine's tails were at each push, read by a listener beside the server's.
    const tails = new Set<string>();
    const onSnapshot = (): void => void tails.add(JSON.stringify(dash.historyTails()));
    dash.on('snapshot', onSnapshot);
    try {
      const server = await serve();
      const c = await connect(server);
      await waitFor('hello and six snapshots', () => snapshotsOf(c.frames).length >= 6);
      for (const f of snapshotsOf(c.frames)) expect(tails.has(JSON.stringify(f.history))).toBe(true);
      // The page's rule, replayed on the frames received so far, gives the engine's history.
      const replay = () => {
        const views = structuredClone((c.frames[0] as Extract<ServerFrame, { type: 'hello' }>).history);
        for (const f of snapshotsOf(c.frames)) for (const v of views) upsertPoint(v, f.history[v.span]);
        return views;
      };
      // Across three 2m points at least, so both rules are at work: same t replaces, newer appends.
      await waitFor('the copy to hold three 2m points and equal dash.history() for every span', () => {
        const views = replay();
        return (
          views.find((v) => v.span === '2m')!.points.length >= 3 &&
          views.every((v) => JSON.stringify(v) === JSON.stringify(dash.history(v.span)))
        );
      });
    } finally {
      dash.off('snapshot', onSnapshot);
    }
  });

  it('answers a cross-origin handshake 403 on the raw socket, before any connection exists', async () => {
    const server = await serve({ allowOrigins: ['https://ops.example.com'] });
    const before = server.stats().clients;
    const r = await rawHandshake(server.port, { Origin: 'http://evil.example' });
    rawSockets.push(r.socket);
    expect(r.status).toBe(403);
    expect(r.head).not.toMatch(/Upgrade: websocket/i);
    expect(r.head).toMatch(/Connection: close/i);
    await closedByPeer(r.socket);
    expect(server.stats().clients).toBe(before);
    expect(server.stats().rejected.origin).toBe(1);
    expect((await refusedWith(wsUrl(server), { origin: 'null' })).status).toBe(403);
    expect((await refusedWith(wsUrl(server), { origin: `http://127.0.0.1:${server.port + 1}` })).status).toBe(403);
    // Same origin, a listed origin, and a non-browser client without Origin are let in.
    await connect(server);
    await connect(server, { origin: 'https://ops.example.com' });
    const noOrigin = await connectClient(wsUrl(server));
    clients.push(noOrigin);
    expect(server.stats().clients).toBe(3);
  });

  it('refuses a Host that does not name loopback when there is no token', async () => {
    const server = await serve();
    const r = await rawHandshake(server.port, { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` });
    rawSockets.push(r.socket);
    expect(r.status).toBe(403);
    expect(server.stats().rejected.host).toBe(1);
  });

  it('with a token, requires it on the WebSocket: header, cookie or query', async () => {
    const server = await serve({ token: TOKEN });
    const refused = await refusedWith(wsUrl(server), { origin: origin(server) });
    expect(refused.status).toBe(401);
    expect(
      (await refusedWith(wsUrl(server), { origin: origin(server), headers: { Authorization: 'Bearer not-the-token-0123' } })).status,
    ).toBe(401);
    await connect(server, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await connect(server, { headers: { Cookie: `threadboard_token_${server.port}=${TOKEN}` } });
    await connect(server, {}, `?token=${encodeURIComponent(TOKEN)}`);
    expect(server.stats().clients).toBe(3);
    expect(server.stats().rejected.auth).toBe(2);
  });

  it('rate-limits handshakes per client address with 429 and Retry-After', async () => {
    const server = await serve({ connectionRate: { max: 3, windowMs: 60_000 } });
    for (let i = 0; i < 3; i++) await connect(server);
    const r = await rawHandshake(server.port, { Origin: origin(server) });
    rawSockets.push(r.socket);
    expect(r.status).toBe(429);
    expect(r.head).toMatch(/Retry-After: (\d+)/);
    expect(Number(/Retry-After: (\d+)/.exec(r.head)![1])).toBeGreaterThanOrEqual(1);
    await closedByPeer(r.socket);
    expect(server.stats().clients).toBe(3);
    // Another address has its own budget (Linux routes all of 127/8 to loopback).
    const other = await connectClient(wsUrl(server), { origin: origin(server), localAddress: '127.0.0.2' });
    clients.push(other);
    expect(server.stats().rejected.rate).toBe(1);
  });

  it('caps the number of clients with 503, and frees the slot when a client leaves', async () => {
    const server = await serve({ maxClients: 2 });
    const a = await connect(server);
    await connect(server);
    const refused = await refusedWith(wsUrl(server), { origin: origin(server) });
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    a.ws.close();
    await waitFor('the slot to free up', () => server.stats().clients === 1);
    await connect(server);
    expect(server.stats().clients).toBe(2);
    expect(server.stats().rejected.cap).toBe(1);
  });

  it('closes a client that sends anything but a valid command, and only that client', async () => {
    const server = await serve();
    const bystander = await connect(server);
    const cases: Array<[string, (c: RecordingClient) => void, number]> = [
      ['binary', (c) => c.ws.send(Buffer.from([1, 2, 3])), 1003],
      ['not JSON', (c) => c.ws.send('{oops'), 1007],
      ['unknown type', (c) => c.ws.send(JSON.stringify({ type: 'subscribe' })), 1008],
      ['crash while control is off', (c) => c.ws.send(JSON.stringify({ type: 'crash', id: 1, target: 'cpu', how: 'kill' })), 1008],
      ['oversized', (c) => c.ws.send('x'.repeat(4096)), 1009],
    ];
    for (const [what, send, code] of cases) {
      const c = await connect(server);
      send(c);
      const closed = await c.closed;
      expect(closed.code, what).toBe(code);
    }
    const seen = snapshotsOf(bystander.frames).length;
    await waitFor('the bystander to keep receiving', () => snapshotsOf(bystander.frames).length > seen);
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
    await waitFor('only the bystander left', () => server.stats().clients === 1);
  });

  it('with control on, runs a validated crash command and answers it', async () => {
    const server = await serve({ token: TOKEN, control: true });
    const c = await connect(server, { headers: { Authorization: `Bearer ${TOKEN}` } });
    await waitFor('hello', () => c.frames[0]?.type === 'hello');
    expect((c.frames[0] as Extract<ServerFrame, { type: 'hello' }>).control).toBe(true);
    c.ws.send(JSON.stringify({ type: 'crash', id: 7, target: 'cpu', how: 'kill' }));
    const result = await waitFor('crash result', () => c.frames.find((f) => f.type === 'crash-result'));
    expect(result).toMatchObject({ type: 'crash-result', id: 7, ok: true, report: { target: 'cpu', how: 'kill' } });
    await waitFor('cpu restart event', () =>
      c.frames.some((f) => f.type === 'event' && f.event.kind === 'restart' && f.event.event.target === 'cpu'),
    );
    c.ws.send(JSON.stringify({ type: 'crash', id: 8, target: 'nosuch', how: 'kill' }));
    const refused = await waitFor('refusal', () => c.frames.find((f) => f.type === 'crash-result' && f.id === 8));
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/target must be one of 'coordinator', 'cpu'/) });
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('cuts off a client that stops answering pings', async () => {
    const server = await serve({ pingIntervalMs: 200 });
    const r = await rawHandshake(server.port, { Origin: origin(server) });
    rawSockets.push(r.socket);
    expect(r.status).toBe(101);
    await waitFor('the server to see the client', () => server.stats().clients === 1);
    // The raw socket is paused: it never reads, so it never answers a ping.
    await closedByPeer(r.socket);
    await waitFor('the client to be gone', () => server.stats().clients === 0);
  });

  it('says goodbye with 1001 on close()', async () => {
    const server = await serve();
    const c = await connect(server);
    servers.splice(servers.indexOf(server), 1);
    await server.close();
    expect((await c.closed).code).toBe(1001);
    expect(server.stats().clients).toBe(0);
  });

  it('never holds more than its bound for a client that stops reading; that client alone misses frames, then catches up', async () => {
    const maxBufferedBytes = 65_536;
    const server = await serve({ maxBufferedBytes });
    const slow = await rawHandshake(server.port, { Origin: origin(server) });
    rawSockets.push(slow.socket);
    expect(slow.status).toBe(101);
    const fast = await connect(server);
    await waitFor('both clients registered', () => server.stats().clients === 2);

    const base = await dash.getDashboard();
    const pad = 'x'.repeat(64 * 1024);
    const pushes = 400; // ~26 MB in total: far more than the kernel's socket buffers hold
    let frameBytes = 0;
    let peakHeld = 0;
    let lastSeq = 0;
    for (let i = 0; i < pushes; i++) {
      dash.emit('snapshot', { ...base, custom: { pad, i } });
      lastSeq = server.stats().snapshotsPublished;
      frameBytes = Math.max(frameBytes, pad.length + 2048);
      // Pace on the reading client, so only the stuck one falls behind.
      await waitFor(`fast client to get push ${i}`, () => snapshotsOf(fast.frames).some((f) => f.seq === lastSeq));
      for (const p of server.stats().perClient) peakHeld = Math.max(peakHeld, p.bufferedBytes);
    }
    const stats = server.stats();
    const held = stats.perClient.map((p) => p.bufferedBytes);
    const peaks = stats.perClient.map((p) => p.peakBufferedBytes);
    const dropped = stats.perClient.map((p) => p.framesDropped);
    // The bound: maxBufferedBytes plus the one frame that may be in flight when it is crossed.
    expect(Math.max(...held, ...peaks, peakHeld)).toBeLessThanOrEqual(maxBufferedBytes + frameBytes);
    // Exactly one client fell behind and lost frames; the reading client lost none.
    expect(dropped.filter((d) => d > 0)).toHaveLength(1);
    expect(Math.max(...dropped)).toBeGreaterThan(pushes / 2);
    const fastGot = new Set(snapshotsOf(fast.frames).map((f) => f.seq));
    expect(fastGot.size).toBeGreaterThanOrEqual(pushes);
    if (process.env.WEB_TEST_VERBOSE) console.log({ peakHeld, peaks, dropped, frameBytes });

    // Once it reads again, the stuck client catches up with the newest snapshot.
    const decoder = new FrameDecoder();
    decoder.push(slow.rest);
    slow.socket.on('data', (chunk: Buffer) => decoder.push(chunk));
    slow.socket.resume();
    await waitFor(
      'the slow client to receive the newest snapshot',
      () => decoder.texts.some((t) => t.startsWith('{"type":"snapshot"') && (JSON.parse(t) as { seq: number }).seq >= lastSeq),
      30_000,
    );
    const received = decoder.texts.filter((t) => t.startsWith('{"type":"snapshot"')).length;
    expect(received).toBeLessThan(pushes);
  });
});
