/** The web server's limits as plain functions: caps, budgets, admission order, defaults, timeouts, counters in /metrics. */
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../../dist/src/errors.js';
import { RequestCounters } from '../../dist/src/shared/request-counters.js';
import type { DashboardSnapshot } from '../../dist/src/index.js';
import { addressKey } from '../../dist/src/frontends/web/address.js';
import { AddressCounts } from '../../dist/src/frontends/web/address-counts.js';
import { AuthFailures } from '../../dist/src/frontends/web/auth-failures.js';
import { clientErrorVerdict } from '../../dist/src/frontends/web/client-error.js';
import { snapshotFamilies } from '../../dist/src/frontends/web/metrics/families.js';
import { resolveWebOptions } from '../../dist/src/frontends/web/options.js';
import { RateLimiter, retryAfterSeconds } from '../../dist/src/frontends/web/rate-limiter.js';
import { headerCount } from '../../dist/src/frontends/web/raw-headers.js';
import { DROP_REASONS, REQUEST_REJECT_REASONS, zeroCounts } from '../../dist/src/frontends/web/refusals.js';
import { admitRequest } from '../../dist/src/frontends/web/request-admission.js';
import { serverTimeouts } from '../../dist/src/frontends/web/timeouts.js';
import { admitUpgrade } from '../../dist/src/frontends/web/upgrade.js';

const TOKEN = 'abcdefghijklmnop+/=_-.~0123';

function optionsError(fn: () => unknown): OptionsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(OptionsError);
    return err as OptionsError;
  }
  throw new Error('expected an OptionsError');
}

describe('connections per address', () => {
  it('admits up to max per key, each key apart, and forgets a key once its last connection closes', () => {
    const c = new AddressCounts();
    for (let i = 0; i < 3; i++) expect(c.tryAdd('a', 3)).toBe(true);
    expect(c.tryAdd('a', 3)).toBe(false);
    expect(c.tryAdd('b', 3)).toBe(true);
    expect([c.of('a'), c.total, c.addresses]).toEqual([3, 4, 2]);
    c.remove('a');
    expect(c.tryAdd('a', 3)).toBe(true);
    for (let i = 0; i < 3; i++) c.remove('a');
    c.remove('b');
    expect([c.total, c.addresses]).toEqual([0, 0]);
    // A stray remove (a key never added) changes nothing.
    c.remove('zzz');
    expect(c.total).toBe(0);
  });

  it('counts a whole IPv6 /64 as one address, and IPv4-mapped addresses as IPv4', () => {
    const c = new AddressCounts();
    expect(c.tryAdd(addressKey('2001:db8:1:2::1'), 2)).toBe(true);
    expect(c.tryAdd(addressKey('2001:db8:1:2:ffff::9'), 2)).toBe(true);
    expect(c.tryAdd(addressKey('2001:db8:1:2:abcd::5'), 2)).toBe(false);
    expect(c.tryAdd(addressKey('2001:db8:1:3::1'), 2)).toBe(true);
    expect(c.tryAdd(addressKey('::ffff:10.0.0.1'), 1)).toBe(true);
    expect(c.tryAdd(addressKey('10.0.0.1'), 1)).toBe(false);
  });
});

describe('raw headers', () => {
  it('counts a header by name in any case, never by value', () => {
    expect(headerCount(['Host', 'a', 'host', 'b', 'X-Host', 'host'], 'host')).toBe(2);
    expect(headerCount(['HOST', 'a'], 'host')).toBe(1);
    expect(headerCount([], 'host')).toBe(0);
  });
});

describe('budgets', () => {
  it('peek() tells what take() would answer without spending', () => {
    let now = 0;
    const rl = new RateLimiter(2, 2000, 100, () => now);
    expect(rl.peek('a')).toEqual({ ok: true });
    rl.take('a');
    expect(rl.peek('a')).toEqual({ ok: true });
    expect(rl.peek('a')).toEqual({ ok: true });
    rl.take('a');
    expect(rl.peek('a')).toEqual({ ok: false, retryAfterMs: 1000 });
    now = 600;
    expect(rl.peek('a')).toEqual({ ok: false, retryAfterMs: 400 });
    now = 1000;
    expect(rl.peek('a').ok).toBe(true);
  });

  it('Retry-After is whole seconds, at least 1', () => {
    expect([0, 1, 999, 1000, 1001, 5950].map(retryAfterSeconds)).toEqual(['1', '1', '1', '1', '2', '6']);
  });

  it('blocks an address after max wrong tokens until one refills, other addresses untouched', () => {
    let now = 0;
    const f = new AuthFailures(3, 60_000, 100, () => now);
    for (let i = 0; i < 3; i++) {
      expect(f.blockedForMs('a')).toBe(0);
      f.record('a');
    }
    expect(f.blockedForMs('a')).toBe(20_000);
    expect(f.blockedForMs('b')).toBe(0);
    now = 19_999;
    expect(f.blockedForMs('a')).toBe(1);
    now = 20_000;
    expect(f.blockedForMs('a')).toBe(0);
    f.record('a');
    expect(f.blockedForMs('a')).toBe(20_000);
  });
});

describe('request admission', () => {
  const limits = (requests = 100, failures = 100) => ({
    requests: new RateLimiter(requests, 1000),
    authFailures: new AuthFailures(failures, 60_000),
  });

  it('spends the request budget first, then refuses a blocked address, then a duplicate Host', () => {
    expect(admitRequest({ addressKey: 'a', hostHeaders: 1 }, limits())).toEqual({ ok: true });
    expect(admitRequest({ addressKey: 'a', hostHeaders: 0 }, limits())).toEqual({ ok: true });
    expect(admitRequest({ addressKey: 'a', hostHeaders: 2 }, limits())).toMatchObject({ status: 400, reason: 'duplicate_host' });

    const l = limits(100, 1);
    l.authFailures.record('a');
    const blocked = admitRequest({ addressKey: 'a', hostHeaders: 2 }, l);
    expect(blocked).toMatchObject({ status: 429, reason: 'auth_failures', headers: { 'Retry-After': '60' } });
    expect(admitRequest({ addressKey: 'b', hostHeaders: 1 }, l)).toEqual({ ok: true });

    const one = limits(1, 1);
    one.authFailures.record('a');
    // The request budget is spent even by requests that are then refused for another reason.
    expect(admitRequest({ addressKey: 'a', hostHeaders: 1 }, one)).toMatchObject({ reason: 'auth_failures' });
    expect(admitRequest({ addressKey: 'a', hostHeaders: 1 }, one)).toMatchObject({
      status: 429,
      reason: 'rate',
      headers: { 'Retry-After': '1' },
    });
  });

  it('on the WebSocket handshake: a duplicate Host is 400, a blocked address 429, and only a wrong token spends the budget', () => {
    const open = resolveWebOptions({ port: 7070 });
    const locked = resolveWebOptions({ port: 7070, token: TOKEN });
    const base = {
      pathname: '/ws',
      host: '127.0.0.1:7070',
      hostHeaders: 1,
      origin: 'http://127.0.0.1:7070',
      tokens: [] as string[],
      addressKey: 'a',
    };
    const lim = () => ({ handshakes: new RateLimiter(100, 1000), authFailures: new AuthFailures(2, 60_000) });
    expect(admitUpgrade({ ...base, hostHeaders: 2 }, open, lim(), 0)).toMatchObject({ status: 400, reason: 'duplicate_host' });

    const l = lim();
    for (let i = 0; i < 5; i++) expect(admitUpgrade(base, locked, l, 0)).toMatchObject({ status: 401, reason: 'auth' });
    expect(l.authFailures.blockedForMs('a')).toBe(0);
    expect(admitUpgrade({ ...base, tokens: ['wrong-token-0123456789'] }, locked, l, 0)).toMatchObject({ status: 401 });
    expect(admitUpgrade({ ...base, tokens: ['wrong-token-0123456789'] }, locked, l, 0)).toMatchObject({ status: 401 });
    const blocked = admitUpgrade({ ...base, tokens: [TOKEN] }, locked, l, 0);
    expect(blocked).toMatchObject({ status: 429, reason: 'auth_failures', headers: { 'Retry-After': '30' } });
  });

  it('with the default budgets, a Prometheus scraper and a page reloaded every second for an hour are never refused', () => {
    const o = resolveWebOptions({});
    let now = 0;
    const requests = new RateLimiter(o.requestRate.max, o.requestRate.windowMs, 100, () => now);
    const handshakes = new RateLimiter(o.connectionRate.max, o.connectionRate.windowMs, 100, () => now);
    let refused = 0;
    for (now = 0; now < 3_600_000; now += 1000) {
      if (now % 5000 === 0 && !requests.take('prometheus').ok) refused++;
      // A page load: the page, its script, its stylesheet, the favicon, then its WebSocket.
      for (let i = 0; i < 4; i++) if (!requests.take('browser').ok) refused++;
      if (!handshakes.take('browser').ok) refused++;
    }
    expect(refused).toBe(0);
    // A scraper configured with a wrong token, every 15 s, keeps getting 401 (not 429): the operator sees why.
    const failures = new AuthFailures(o.authFailureRate.max, o.authFailureRate.windowMs, 100, () => now);
    let blocked = 0;
    for (now = 0; now < 3_600_000; now += 15_000) {
      if (failures.blockedForMs('prometheus') > 0) blocked++;
      else failures.record('prometheus');
    }
    expect(blocked).toBe(0);
  });
});

describe('limit options', () => {
  it('defaults: 256 connections, 32 per address, a 5 s header deadline, 200 requests per 10 s, 10 wrong tokens per minute', () => {
    expect(resolveWebOptions({})).toMatchObject({
      maxConnections: 256,
      maxConnectionsPerAddress: 32,
      headersTimeoutMs: 5000,
      requestRate: { max: 200, windowMs: 10_000 },
      authFailureRate: { max: 10, windowMs: 60_000 },
      maxClients: 100,
    });
    // Fewer connections than the default client cap bring the client cap down with them.
    expect(resolveWebOptions({ maxConnections: 8 }).maxClients).toBe(8);
  });

  it('names each bad limit and what it accepts', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ maxConnections: 0 }, 'web.maxConnections', /whole number from 1 to 100000/],
      [{ maxConnections: 1.5 }, 'web.maxConnections', /whole number/],
      [{ maxConnectionsPerAddress: 0 }, 'web.maxConnectionsPerAddress', /from 1 to 100000/],
      [{ headersTimeoutMs: 100 }, 'web.headersTimeoutMs', /from 500 to 30000/],
      [{ headersTimeoutMs: 60_000 }, 'web.headersTimeoutMs', /from 500 to 30000/],
      [{ requestRate: 5 }, 'web.requestRate', /object \{ max\?, windowMs\? \}/],
      [{ requestRate: { max: 0 } }, 'web.requestRate.max', /from 1 to 1000000/],
      [{ requestRate: { windowMs: 10 } }, 'web.requestRate.windowMs', /from 100 to 3600000/],
      [{ authFailureRate: { max: -1 } }, 'web.authFailureRate.max', /from 1 to/],
      [{ authFailureRate: { per: 1 } }, 'web.authFailureRate.per', /not an option/],
      [{ maxClients: 300 }, 'web.maxClients', /at most `web\.maxConnections` \(256\).*got 300/],
    ];
    for (const [input, option, message] of cases) {
      const err = optionsError(() => resolveWebOptions(input));
      expect(err.option, JSON.stringify(input)).toBe(option);
      expect(err.message, JSON.stringify(input)).toMatch(message);
    }
    expect(resolveWebOptions({ maxClients: 300, maxConnections: 400 }).maxClients).toBe(300);
  });
});

describe('server timeouts', () => {
  it('checks often enough that no socket outlives 1.2 header deadlines, and never more often than every 100 ms', () => {
    for (const ms of [500, 1000, 5000, 30_000]) {
      const t = serverTimeouts(ms);
      expect(t.headersTimeout).toBe(ms);
      expect(t.keepAliveTimeout).toBe(ms);
      // Node refuses a headersTimeout longer than requestTimeout.
      expect(t.requestTimeout).toBeGreaterThanOrEqual(ms);
      expect(t.connectionsCheckingInterval).toBeLessThanOrEqual(Math.max(100, ms / 5));
      expect(t.connectionsCheckingInterval).toBeGreaterThanOrEqual(100);
    }
    expect(serverTimeouts(5000).connectionsCheckingInterval).toBe(1000);
  });

  it("keeps Node's answers to client errors and names what to count", () => {
    expect(clientErrorVerdict('ERR_HTTP_REQUEST_TIMEOUT')).toEqual({
      reason: 'timeout',
      response: 'HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n',
    });
    expect(clientErrorVerdict('HPE_HEADER_OVERFLOW').response).toMatch(/^HTTP\/1\.1 431 /);
    expect(clientErrorVerdict('HPE_INVALID_METHOD')).toMatchObject({
      reason: 'malformed',
      response: expect.stringMatching(/^HTTP\/1\.1 400 /),
    });
    expect(clientErrorVerdict('ECONNRESET')).toEqual({ reason: null, response: null });
    expect(clientErrorVerdict(undefined)).toEqual({ reason: null, response: null });
  });
});

describe('refusals in /metrics', () => {
  it('exposes every refusal reason from 0, and the open connections', () => {
    const snap = {
      cpu: null,
      memory: null,
      requests: null,
      custom: {},
      lastUpdated: null,
      collectionCount: 0,
      accessLog: null,
      channel: { received: 0, rejected: 0 },
      coordinator: { status: 'running', restarts: 0, threadId: 1, startedAt: null, lastExit: null },
      workers: [],
    } as unknown as DashboardSnapshot;
    const droppedConnections = { ...zeroCounts(DROP_REASONS), address_cap: 3 };
    const { families } = snapshotFamilies(snap, new RequestCounters().read(), {
      clients: 0,
      framesSent: 0,
      framesDropped: 0,
      rejected: {},
      rejectedRequests: zeroCounts(REQUEST_REJECT_REASONS),
      droppedConnections,
      openConnections: 7,
    });
    const get = (name: string) => families.find((f) => f.name === name)!;
    expect(get('threadboard_web_dropped_connections_total')).toMatchObject({ type: 'counter', labelNames: ['reason'] });
    expect(get('threadboard_web_dropped_connections_total').samples).toEqual([
      { labels: { reason: 'total_cap' }, value: 0 },
      { labels: { reason: 'address_cap' }, value: 3 },
      { labels: { reason: 'timeout' }, value: 0 },
      { labels: { reason: 'accept_error' }, value: 0 },
    ]);
    expect(get('threadboard_web_rejected_requests_total').samples.map((s) => s.labels.reason)).toEqual([
      'rate',
      'auth_failures',
      'duplicate_host',
      'malformed',
      'host',
      'auth',
    ]);
    expect(get('threadboard_web_open_connections')).toMatchObject({ type: 'gauge', samples: [{ labels: {}, value: 7 }] });
  });
});
