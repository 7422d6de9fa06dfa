/**
 * The web server's pure logic, called directly: options, addresses, tokens, origins, rate limit,
 * frames, metrics mapping, and the page's own functions (what it writes, how it keeps and draws history).
 */
import { describe, expect, it } from 'vitest';
import { OptionsError } from '../dist/src/errors.js';
import { bucketIndex, BUCKET_COUNT } from '../dist/src/shared/histogram.js';
import { RequestCounters } from '../dist/src/shared/request-counters.js';
import type { DashboardSnapshot, HistoryPoint, HistoryView } from '../dist/src/index.js';
import { addressKey, ipv6Groups, isLoopbackHost, isLoopbackHostHeader } from '../dist/src/frontends/web/address.js';
import { CLOSE, parseClientMessage } from '../dist/src/frontends/web/frames.js';
import { edgeIndex, latencyBuckets, latencyEdges, leLabel, PER_OCTAVE_CHOICES } from '../dist/src/frontends/web/metrics/latency-buckets.js';
import { snapshotFamilies } from '../dist/src/frontends/web/metrics/families.js';
import { resolveWebOptions } from '../dist/src/frontends/web/options.js';
import { originAllowed, ownOrigin } from '../dist/src/frontends/web/origin.js';
import {
  axisLabels,
  axisNumber,
  clock,
  duration,
  eventText,
  exitText,
  fixed,
  statsText,
  threadRows,
  UNKNOWN,
  withUnit,
} from '../dist/src/frontends/web/page/format.js';
import { chart, CHART_BOX, niceCeil, seriesStats, upsertPoint } from '../dist/src/frontends/web/page/series.js';
import { RateLimiter } from '../dist/src/frontends/web/rate-limiter.js';
import { isAuthorized, presentedTokens, queryParam, readCookie, tokensEqual } from '../dist/src/frontends/web/token.js';
import { AuthFailures } from '../dist/src/frontends/web/auth-failures.js';
import { admitUpgrade } from '../dist/src/frontends/web/upgrade.js';

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

describe('resolveWebOptions', () => {
  it('defaults to loopback, port 7070, no token, same origin only, no control', () => {
    const o = resolveWebOptions(undefined);
    expect(o).toMatchObject({ host: '127.0.0.1', port: 7070, token: null, allowOrigins: [], control: false, maxClients: 100 });
    expect(resolveWebOptions(true)).toEqual(o);
    expect(resolveWebOptions({})).toEqual(o);
  });

  it('refuses a non-loopback bind without a token, naming web.token and how to fix it', () => {
    for (const host of ['0.0.0.0', '::', '192.168.1.10', 'example.com']) {
      const err = optionsError(() => resolveWebOptions({ host }));
      expect(err.option).toBe('web.token');
      expect(err.message).toContain(`'${host}'`);
      expect(err.message).toMatch(/not a loopback address/);
      expect(err.message).toMatch(/127\.0\.0\.1/);
    }
    expect(resolveWebOptions({ host: '0.0.0.0', token: TOKEN }).host).toBe('0.0.0.0');
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost']) expect(resolveWebOptions({ host }).host).toBe(host);
  });

  it('refuses control without a token', () => {
    expect(optionsError(() => resolveWebOptions({ control: true })).option).toBe('web.token');
    expect(resolveWebOptions({ control: true, token: TOKEN }).control).toBe(true);
  });

  it('names each bad option and what it accepts', () => {
    const cases: Array<[unknown, string, RegExp]> = [
      [{ port: 70000 }, 'web.port', /0 to 65535/],
      [{ port: '80' }, 'web.port', /whole number/],
      [{ host: 'not a host!' }, 'web.host', /IP address or host name/],
      [{ host: 42 }, 'web.host', /IP address/],
      [{ token: 'short' }, 'web.token', /16 to 512 characters/],
      [{ token: 'has space in it 1234567' }, 'web.token', /16 to 512/],
      [{ allowOrigins: 'http://x' }, 'web.allowOrigins', /array of origins/],
      [{ allowOrigins: ['http://x.com/'] }, 'web.allowOrigins[0]', /no path or trailing slash/],
      [{ allowOrigins: ['ftp://x.com'] }, 'web.allowOrigins[0]', /origin/],
      [{ control: 'yes' }, 'web.control', /true or false/],
      [{ maxClients: 0 }, 'web.maxClients', /1 to/],
      [{ connectionRate: { max: 0 } }, 'web.connectionRate.max', /1 to/],
      [{ connectionRate: { perSecond: 1 } }, 'web.connectionRate.perSecond', /not an option/],
      [{ maxBufferedBytes: 10 }, 'web.maxBufferedBytes', /1024 to/],
      [{ colour: 'red' }, 'web.colour', /not an option; known options: port, host/],
      ['yes', 'web', /true or an object/],
    ];
    for (const [input, option, message] of cases) {
      const err = optionsError(() => resolveWebOptions(input));
      expect(err.option, JSON.stringify(input)).toBe(option);
      expect(err.message, JSON.stringify(input)).toMatch(message);
      expect(err.message.startsWith(`threadboard: option \`${option}\``)).toBe(true);
    }
  });
});

describe('addresses', () => {
  it('knows loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.255.0.9', '::1', '0:0:0:0:0:0:0:1', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 'app.localhost']) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'example.com', 'localhost.example.com', '128.0.0.1']) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });

  it('checks Host headers for loopback (the DNS-rebinding guard)', () => {
    for (const h of ['127.0.0.1:7070', 'localhost:1', '[::1]:8080', 'localhost']) expect(isLoopbackHostHeader(h), h).toBe(true);
    for (const h of [undefined, '', 'evil.example:7070', 'evil.example', '127.0.0.1.nip.io:80', 'a b'])
      expect(isLoopbackHostHeader(h), String(h)).toBe(false);
  });

  it('expands IPv6 and keys clients by IPv4 address or IPv6 /64', () => {
    expect(ipv6Groups('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x102, 0x304]);
    expect(ipv6Groups('1.2.3.4')).toBeNull();
    expect(addressKey('10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb::9')).toBe(addressKey('2001:db8:1:2:aaaa::1'));
    expect(addressKey('2001:db8:1:3::1')).not.toBe(addressKey('2001:db8:1:2::1'));
    expect(addressKey(undefined)).toBe('unknown');
  });
});

describe('tokens', () => {
  it('compares in constant time over digests, so any length compares', () => {
    expect(tokensEqual(TOKEN, TOKEN)).toBe(true);
    expect(tokensEqual(TOKEN, `${TOKEN}x`)).toBe(false);
    expect(tokensEqual('', TOKEN)).toBe(false);
  });

  it('finds the token in the Authorization header, the per-port cookie or the query (keeping +)', () => {
    const url = new URL(`http://h/?a=1&token=${TOKEN}`);
    expect(queryParam(url, 'token')).toBe(TOKEN);
    expect(queryParam(new URL('http://h/?token=a%2Bb'), 'token')).toBe('a+b');
    expect(queryParam(new URL('http://h/?token=%E0%A4%A'), 'token')).toBeNull();
    expect(readCookie('x=1; threadboard_token_80=abc; y=2', 'threadboard_token_80')).toBe('abc');
    expect(readCookie('threadboard_token_81=abc', 'threadboard_token_80')).toBeNull();
    const found = presentedTokens({ authorization: 'Bearer hdr', cookie: 'threadboard_token_80=ck' }, url, 'threadboard_token_80');
    expect(found).toEqual(['hdr', 'ck', TOKEN]);
    expect(presentedTokens({ authorization: 'Basic abc' }, new URL('http://h/'), 'c')).toEqual([]);
  });

  it('authorizes when no token is set, or when any presented token matches', () => {
    expect(isAuthorized(null, [])).toBe(true);
    expect(isAuthorized(TOKEN, [])).toBe(false);
    expect(isAuthorized(TOKEN, ['wrong', TOKEN])).toBe(true);
    expect(isAuthorized(TOKEN, ['wrong'])).toBe(false);
  });
});

describe('origin check', () => {
  it('accepts the same origin as the Host, listed origins, and no Origin (non-browser clients)', () => {
    expect(ownOrigin('127.0.0.1:7070')).toBe('http://127.0.0.1:7070');
    expect(ownOrigin('Example.COM:80')).toBe('http://example.com');
    expect(ownOrigin('x/y')).toBeNull();
    expect(originAllowed('http://127.0.0.1:7070', '127.0.0.1:7070', [])).toBe(true);
    expect(originAllowed('http://example.com', 'EXAMPLE.com:80', [])).toBe(true);
    expect(originAllowed(undefined, '127.0.0.1:7070', [])).toBe(true);
    expect(originAllowed('https://ops.example.com', '127.0.0.1:7070', ['https://ops.example.com'])).toBe(true);
  });

  it('refuses other origins, a different port or scheme, the null origin and junk', () => {
    expect(originAllowed('http://evil.example', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('http://127.0.0.1:7071', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('https://127.0.0.1:7070', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('null', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('file://', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('not a url', '127.0.0.1:7070', [])).toBe(false);
    expect(originAllowed('http://127.0.0.1:7070', undefined, [])).toBe(false);
  });
});

describe('rate limiter', () => {
  it('allows a burst of max, then refills at max per window, per key', () => {
    let now = 0;
    const rl = new RateLimiter(3, 3000, 100, () => now);
    expect([rl.take('a'), rl.take('a'), rl.take('a')].every((v) => v.ok)).toBe(true);
    const refused = rl.take('a');
    expect(refused).toEqual({ ok: false, retryAfterMs: 1000 });
    expect(rl.take('b').ok).toBe(true);
    now = 999;
    expect(rl.take('a').ok).toBe(false);
    // Refused attempts cost nothing; 2.1 s refills 2.1 connections.
    now = 2100;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
  });

  it('holds at most maxKeys addresses, forgetting the least recently used', () => {
    const rl = new RateLimiter(1, 60_000, 3, () => 0);
    for (const k of ['a', 'b', 'c']) expect(rl.take(k).ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
    expect(rl.take('d').ok).toBe(true);
    expect(rl.size).toBe(3);
    // 'b' was least recently used and is forgotten: a full bucket again.
    expect(rl.take('b').ok).toBe(true);
  });
});

describe('upgrade admission', () => {
  const base = {
    pathname: '/ws',
    host: '127.0.0.1:7070',
    origin: 'http://127.0.0.1:7070',
    tokens: [] as string[],
    addressKey: '127.0.0.1',
    hostHeaders: 1,
  };
  it('checks path, rate, host, origin, token and client cap, in that order', () => {
    const open = resolveWebOptions({ port: 7070 });
    const locked = resolveWebOptions({ port: 7070, token: TOKEN, maxClients: 2 });
    const rl = () => ({ handshakes: new RateLimiter(100, 1000), authFailures: new AuthFailures(100, 1000) });
    expect(admitUpgrade(base, open, rl(), 0)).toEqual({ ok: true });
    expect(admitUpgrade({ ...base, pathname: '/' }, open, rl(), 0)).toMatchObject({ ok: false, status: 404, reason: 'path' });
    expect(admitUpgrade({ ...base, host: 'evil.example:7070', origin: 'http://evil.example:7070' }, open, rl(), 0)).toMatchObject({
      status: 403,
      reason: 'host',
    });
    expect(admitUpgrade({ ...base, origin: 'http://evil.example' }, open, rl(), 0)).toMatchObject({ status: 403, reason: 'origin' });
    expect(admitUpgrade(base, locked, rl(), 0)).toMatchObject({ status: 401, reason: 'auth' });
    expect(admitUpgrade({ ...base, tokens: [TOKEN] }, locked, rl(), 1)).toEqual({ ok: true });
    expect(admitUpgrade({ ...base, tokens: [TOKEN] }, locked, rl(), 2)).toMatchObject({ status: 503, reason: 'cap' });
    // With a token, a rebinding page gains nothing, so the Host is not restricted.
    expect(
      admitUpgrade({ ...base, host: 'dash.example.com', origin: 'http://dash.example.com', tokens: [TOKEN] }, locked, rl(), 0),
    ).toEqual({ ok: true });
    const one = { handshakes: new RateLimiter(1, 60_000), authFailures: new AuthFailures(100, 1000) };
    expect(admitUpgrade({ ...base, origin: 'http://evil.example' }, open, one, 0)).toMatchObject({ reason: 'origin' });
    const limited = admitUpgrade(base, open, one, 0);
    expect(limited).toMatchObject({ ok: false, status: 429, reason: 'rate' });
    expect((limited as { headers: Record<string, string> }).headers['Retry-After']).toBe('60');
  });
});

describe('inbound frames', () => {
  const crash = (o: object): Buffer => Buffer.from(JSON.stringify(o));
  const good = { type: 'crash', id: 1, target: 'cpu', how: 'kill' };
  it('accepts exactly a crash command, and only when control is on', () => {
    expect(parseClientMessage(crash(good), false, true)).toEqual({ ok: true, command: good });
    expect(parseClientMessage(crash(good), false, false)).toMatchObject({ ok: false, code: CLOSE.policy, reason: /control is disabled/ });
  });
  it('rejects everything else with a close code', () => {
    expect(parseClientMessage(crash(good), true, true)).toMatchObject({ ok: false, code: CLOSE.unsupportedData });
    expect(parseClientMessage(Buffer.from('{nope'), false, true)).toMatchObject({ ok: false, code: CLOSE.invalidPayload });
    const bad: object[] = [
      [],
      { type: 'hello' },
      { ...good, extra: 1 },
      { type: 'crash', id: 1, target: 'cpu' },
      { ...good, id: -1 },
      { ...good, id: 1.5 },
      { ...good, id: '1' },
      { ...good, target: '' },
      { ...good, target: '../cpu' },
      { ...good, target: 'x'.repeat(65) },
      { ...good, how: 'explode' },
    ];
    for (const b of bad)
      expect(parseClientMessage(crash(b), false, true), JSON.stringify(b)).toMatchObject({ ok: false, code: CLOSE.policy });
    expect(parseClientMessage(Buffer.from('null'), false, true)).toMatchObject({ ok: false, code: CLOSE.policy });
  });
});

describe('latency buckets for Prometheus', () => {
  it('uses only edges of the fine histogram, so every le count is exact, at every resolution offered', () => {
    for (const k of PER_OCTAVE_CHOICES) {
      const edges = latencyEdges(k);
      expect(edges).toHaveLength(18 * k + 1);
      for (const e of edges) expect(() => edgeIndex(e)).not.toThrow();
    }
    expect(() => edgeIndex(1000)).toThrow(/not a histogram bucket edge/);
    expect(latencyEdges(1).map(leLabel).slice(0, 3)).toEqual(['0.000127', '0.000255', '0.000511']);
    expect(latencyEdges().map(leLabel).slice(0, 5)).toEqual(['0.000127', '0.000159', '0.000191', '0.000223', '0.000255']);
    expect(leLabel(2 ** 25)).toBe('33.554431');
  });

  it.each(PER_OCTAVE_CHOICES)('counts, at each le, exactly the recorded latencies at or below it (%i per octave)', (k) => {
    const EDGE_MICROS = latencyEdges(k);
    const counters = new RequestCounters();
    const values: number[] = [];
    let seed = 42;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    for (const e of EDGE_MICROS) values.push(e - 1, e, e + 1);
    for (let i = 0; i < 5000; i++) values.push(Math.floor(2 ** (rand() * 26)));
    values.push(0, 4_294_967_295);
    for (const us of values) counters.record(us / 1000, 200);
    const reading = counters.read();
    const { buckets, count } = latencyBuckets(reading.histogram, EDGE_MICROS);
    expect(count).toBe(values.length);
    buckets.forEach(([le, cumulative], i) => {
      const bound = EDGE_MICROS[i]! - 1;
      expect(le).toBe(leLabel(EDGE_MICROS[i]!));
      expect(cumulative, `le=${le}`).toBe(values.filter((v) => v <= bound).length);
    });
    // Direct check that the fine layout agrees: the edge value starts a new bucket.
    expect(bucketIndex(EDGE_MICROS[0]!)).toBe(bucketIndex(EDGE_MICROS[0]! - 1) + 1);
    expect(reading.histogram.length).toBe(BUCKET_COUNT);
  });
});

describe('snapshot to metric families', () => {
  const snap: DashboardSnapshot = {
    cpu: { usage: 42.5, windowMs: 1000, cores: 2, loadAvg: [0.5, 0.25, 0.125], perCore: [40, 45] },
    memory: { totalMiB: 1024, usedMiB: 256, freeMiB: 768, usagePercent: 25 },
    requests: null,
    process: null,
    app: {},
    health: { status: 'ok', checks: [], areas: { process: 'ok', requests: 'ok', threads: 'ok' } },
    custom: {},
    stale: [],
    lastUpdated: '2025-01-02T03:04:05.678Z',
    collectionCount: 7,
    accessLog: null,
    channel: { received: 10, rejected: 1 },
    coordinator: {
      status: 'running',
      restarts: 2,
      threadId: 1,
      startedAt: '2025-01-02T03:04:00.000Z',
      lastExit: null,
      eventLoopUtilization: null,
      heapUsedMiB: null,
      cpuPercent: null,
    },
    workers: [
      {
        name: 'cpu',
        status: 'restarting',
        restarts: 1,
        threadId: null,
        lastSampleAt: null,
        lastExit: { reason: 'killed', message: 'x', at: '2025-01-02T03:04:05.000Z' },
        startedAt: null,
        group: 'builtin',
        sampleErrors: 0,
        lastSampleError: null,
        eventLoopUtilization: null,
        heapUsedMiB: null,
        cpuPercent: null,
      },
    ],
  };

  it('maps sections to gauges and counters in base units', () => {
    const counters = new RequestCounters();
    counters.record(1, 200);
    counters.record(2, 503);
    const { families, histograms } = snapshotFamilies(snap, counters.read(), {
      clients: 3,
      framesSent: 9,
      framesDropped: 1,
      rejected: { origin: 2 },
      rejectedRequests: {},
      droppedConnections: {},
      openConnections: 4,
    });
    const get = (name: string) => families.find((f) => f.name === name)!;
    expect(get('threadboard_cpu_usage_ratio').samples).toEqual([{ labels: {}, value: 0.425 }]);
    expect(get('threadboard_cpu_core_usage_ratio').samples.map((s) => s.labels.core)).toEqual(['0', '1']);
    expect(get('threadboard_cpu_load_average').samples.map((s) => [s.labels.window, s.value])).toEqual([
      ['1m', 0.5],
      ['5m', 0.25],
      ['15m', 0.125],
    ]);
    expect(get('threadboard_memory_used_bytes').samples[0]!.value).toBe(256 * 1024 * 1024);
    expect(get('threadboard_http_requests_total')).toMatchObject({ type: 'counter', samples: [{ value: 2 }] });
    expect(get('threadboard_http_responses_total').samples.find((s) => s.labels.code_class === '5xx')!.value).toBe(1);
    expect(get('threadboard_thread_restarts_total').samples).toEqual([
      { labels: { thread: 'coordinator' }, value: 2 },
      { labels: { thread: 'cpu' }, value: 1 },
    ]);
    const status = get('threadboard_thread_status')
      .samples.filter((s) => s.value === 1)
      .map((s) => `${s.labels.thread}=${s.labels.status}`);
    expect(status).toEqual(['coordinator=running', 'cpu=restarting']);
    expect(get('threadboard_last_sample_timestamp_seconds').samples[0]!.value).toBe(Date.parse(snap.lastUpdated!) / 1000);
    expect(get('threadboard_web_rejected_connections_total').samples).toEqual([{ labels: { reason: 'origin' }, value: 2 }]);
    const histogram = histograms[0]!.series[0]!;
    expect(histogram.count).toBe(2);
    expect(histogram.sum).toBeCloseTo(0.003, 9);
  });

  it('leaves a section without samples until its first sample, rather than reporting 0', () => {
    const { families } = snapshotFamilies({ ...snap, cpu: null, memory: null, lastUpdated: null }, new RequestCounters().read(), {
      clients: 0,
      framesSent: 0,
      framesDropped: 0,
      rejected: {},
      rejectedRequests: {},
      droppedConnections: {},
      openConnections: 0,
    });
    for (const name of ['threadboard_cpu_usage_ratio', 'threadboard_memory_total_bytes', 'threadboard_last_sample_timestamp_seconds']) {
      expect(families.find((f) => f.name === name)!.samples).toEqual([]);
    }
  });
});

describe('the page: what it writes', () => {
  it('shows unknown values as – (never 0, NaN or a unit on nothing)', () => {
    for (const x of [null, undefined, NaN, Infinity, -Infinity]) {
      expect(fixed(x, 2)).toBe(UNKNOWN);
      expect(withUnit(x, 2, 'ms')).toBe('–');
    }
    expect(withUnit(0, 2, 'ms')).toBe('0.00 ms');
    expect(withUnit(12.345, 1, '%')).toBe('12.3%');
    expect(withUnit(20, 1, 'req/s')).toBe('20.0 req/s');
    expect(statsText({ current: null, min: null, max: null }, 2, 'ms')).toBe('now – · min – · max –');
    expect(statsText({ current: null, min: 1, max: 4.5 }, 2, 'ms')).toBe('now – · min 1.00 ms · max 4.50 ms');
  });

  it('writes times, durations and axis numbers for people', () => {
    const at = new Date(2025, 0, 2, 3, 4, 5, 67);
    expect(clock(at.toISOString())).toBe('03:04:05.067');
    expect(clock(at.getTime(), 's')).toBe('03:04:05');
    expect(clock(at.getTime(), 'min')).toBe('03:04');
    expect(clock(null)).toBe(UNKNOWN);
    expect(clock('not a time')).toBe(UNKNOWN);
    expect([850, 1000, 120_000, 1_800_000, 10_800_000].map(duration)).toEqual(['850 ms', '1 s', '2 min', '30 min', '3 h']);
    expect([0, 0.05, 2.5, 12.5, 120, 1500].map(axisNumber)).toEqual(['0', '0.05', '2.5', '13', '120', '1500']);
  });

  it('takes the threads table from the snapshot alone: the coordinator first, then the workers', () => {
    const exit = { reason: 'killed' as const, message: 'terminated from outside', at: '2025-01-02T03:04:05.000Z' };
    const worker = {
      name: 'cpu',
      group: 'builtin',
      status: 'restarting' as const,
      restarts: 2,
      threadId: null,
      startedAt: null,
      lastSampleAt: '2025-01-02T03:04:04.000Z',
      lastExit: exit,
      sampleErrors: 0,
      lastSampleError: null,
      eventLoopUtilization: 0.25,
      heapUsedMiB: 6.5,
      cpuPercent: null,
    };
    const s = {
      coordinator: {
        status: 'failed' as const,
        restarts: 3,
        threadId: null,
        startedAt: '2025-01-02T03:00:00.000Z',
        lastExit: exit,
        eventLoopUtilization: null,
        heapUsedMiB: null,
        cpuPercent: null,
      },
      workers: [worker],
    } as Pick<DashboardSnapshot, 'coordinator' | 'workers'> as DashboardSnapshot;
    expect(threadRows(s)).toEqual([
      {
        name: 'coordinator',
        status: 'failed',
        restarts: 3,
        threadId: null,
        startedAt: '2025-01-02T03:00:00.000Z',
        lastSampleAt: null,
        lastExit: exit,
        elu: null,
        heapMiB: null,
      },
      {
        name: 'cpu',
        status: 'restarting',
        restarts: 2,
        threadId: null,
        startedAt: null,
        lastSampleAt: worker.lastSampleAt,
        lastExit: exit,
        elu: 0.25,
        heapMiB: 6.5,
      },
    ]);
    expect(exitText(exit)).toMatch(/^killed: terminated from outside \(\d\d:\d\d:\d\d\.000\)$/);
    expect(exitText(null)).toBe(UNKNOWN);
  });

  it('writes one line per event kind, a recovery included', () => {
    const at = '2025-01-02T03:04:05.000Z';
    expect(
      eventText({ seq: 1, kind: 'exit', event: { target: 'cpu', threadId: 7, reason: 'oom', message: 'heap', at, willRestart: true } }),
    ).toBe('cpu exited (oom): heap, restarting');
    expect(
      eventText({
        seq: 2,
        kind: 'restart',
        event: { target: 'cpu', restarts: 1, oldThreadId: 7, newThreadId: 9, delayMs: 0, downtimeMs: 41, at },
      }),
    ).toBe('cpu restarted (#1): thread 7 → 9, down 41 ms');
    expect(eventText({ seq: 3, kind: 'recovered', event: { target: 'cpu', threadId: 9, diedAt: at, at, ms: 530 } })).toBe(
      'cpu recovered: thread 9 delivered a fresh sample 530 ms after the crash',
    );
    expect(eventText({ seq: 4, kind: 'failed', event: { target: 'coordinator', message: 'restart intensity exceeded', at } })).toBe(
      'coordinator failed: restart intensity exceeded',
    );
    expect(eventText({ seq: 5, kind: 'group-failed', event: { group: 'g', workers: ['a', 'b'], message: 'gave up', at } })).toBe(
      'a, b gave up: gave up; the built-in workers carry on',
    );
  });
});

describe('the page: history kept from the engine, and drawn', () => {
  const pt = (t: number, cpu: number | null = t, p99: number | null = null): HistoryPoint => ({
    t,
    cpu,
    mem: null,
    rps: null,
    p99,
    procCpu: null,
    rss: null,
    heap: null,
    loopP99: null,
  });
  const view = (points: HistoryPoint[], capacity = 4, stepMs = 1000): HistoryView => ({ span: '2m', stepMs, capacity, points });

  it('upserts the newest point by t: same t replaces, newer appends up to capacity, older and none are ignored', () => {
    const v = view([pt(1000), pt(2000)], 3);
    upsertPoint(v, pt(2000, 99));
    expect(v.points).toEqual([pt(1000), pt(2000, 99)]);
    upsertPoint(v, pt(3000));
    upsertPoint(v, pt(4000));
    expect(v.points.map((p) => p.t)).toEqual([2000, 3000, 4000]);
    upsertPoint(v, pt(2500));
    upsertPoint(v, null);
    upsertPoint(v, undefined);
    expect(v.points.map((p) => p.t)).toEqual([2000, 3000, 4000]);
  });

  it('reads current, min and max, with null where a span has no value', () => {
    expect(seriesStats([pt(1000, 5, 2), pt(2000, 1, null), pt(3000, 3, null)], 'cpu', 1000)).toEqual({ current: 3, min: 1, max: 5 });
    // Two intervals without a request: no latency now.
    expect(seriesStats([pt(1000, 5, 2), pt(2000, 1, null), pt(3000, 1, null)], 'p99', 1000)).toEqual({ current: null, min: 2, max: 2 });
    expect(seriesStats([], 'cpu', 1000)).toEqual({ current: null, min: null, max: null });
  });

  it('reads a series the newest point lacks yet from the point just before it, not across a gap', () => {
    // Main's process figures opened the newest point; the coordinator's sample for it is still to come.
    expect(seriesStats([pt(1000, 5, 2), pt(2000, null, null)], 'cpu', 1000)).toEqual({ current: 5, min: 5, max: 5 });
    expect(seriesStats([pt(1000, 5, 2), pt(2000, null, null)], 'p99', 1000)).toEqual({ current: 2, min: 2, max: 2 });
    expect(seriesStats([pt(1000, 5, 2), pt(3000, null, null)], 'cpu', 1000)).toEqual({ current: null, min: 5, max: 5 });
  });

  it('rounds an axis top up to 1, 2, 2.5 or 5 times a power of ten', () => {
    expect([0.3, 0.04, 1, 1.2, 2.2, 3, 7, 10, 101, 420].map(niceCeil)).toEqual([0.5, 0.05, 1, 2, 2.5, 5, 10, 10, 200, 500]);
  });

  it('draws each point at its time, ending at the newest; percentages on 0–100, others on a round top', () => {
    const { width, height, margin } = CHART_BOX;
    const c = chart(view([pt(3000, 0), pt(4000, 100)]), 'cpu', '%');
    // Capacity 4 at 1 s: the axis runs from 1 s to 4 s, so the first point sits two thirds in.
    expect(c).toMatchObject({ from: 1000, to: 4000, yMax: 100, stats: { current: 100, min: 0, max: 100 } });
    expect(c.d).toBe(`M${((2 / 3) * width).toFixed(1)},${(height - margin).toFixed(1)}L${width.toFixed(1)},${margin.toFixed(1)}`);
    expect(chart(view([pt(1000, 3)]), 'cpu', 'req/s').yMax).toBe(5);
    expect(chart(view([pt(1000, 0)]), 'cpu', 'req/s').yMax).toBe(1);
    expect(chart(view([]), 'cpu', '%')).toEqual({ d: '', yMax: 100, from: null, to: null, stats: { current: null, min: null, max: null } });
  });

  it('breaks the line at unknown values and long gaps, draws a lone point as a dot, and widens for spread-out points', () => {
    const c = chart(view([pt(1000, 1, 1), pt(2000, 1, null), pt(3000, 1, 4), pt(4000, 1, 4), pt(9000, 1, 2)], 10), 'p99', 'ms');
    const runs = c.d.split('M').filter(Boolean);
    expect(runs).toHaveLength(3);
    expect(runs[0]).toMatch(/h0$/);
    expect(runs[1]).toContain('L');
    expect(runs[2]).toMatch(/h0$/);
    // Ten points of 1 s would reach back to 0 s; the engine's points start at 1 s, so 0 s it is.
    expect([c.from, c.to]).toEqual([0, 9000]);
    const spread = chart(view([pt(0), pt(20_000)], 4), 'cpu', '%');
    expect(spread.from).toBe(0);
    expect(axisLabels(spread, '%', 1000).y).toEqual(['100%', '50%', '0%']);
    expect(axisLabels(c, 'ms', 1000).y).toEqual(['5 ms', '2.5 ms', '0 ms']);
    expect(axisLabels(c, 'ms', 1000).x.every((l) => /^\d\d:\d\d:\d\d$/.test(l))).toBe(true);
    expect(axisLabels(c, 'ms', 60_000).x.every((l) => /^\d\d:\d\d$/.test(l))).toBe(true);
    expect(axisLabels(chart(view([]), 'cpu', '%'), '%', 1000).x).toEqual(['', '', '']);
  });
});

describe('per-client backpressure', () => {
  /** Stands in for a ws socket whose peer reads nothing until drain(). */
  class StuckSocket {
    readyState = 1;
    bufferedAmount = 0;
    sent: string[] = [];
    private callbacks: Array<(err?: Error) => void> = [];
    send(frame: Buffer, _opts: unknown, cb: (err?: Error) => void): void {
      this.sent.push(frame.toString());
      this.bufferedAmount += frame.length;
      this.callbacks.push(cb);
    }
    drain(): void {
      this.bufferedAmount = 0;
      for (const cb of this.callbacks.splice(0)) cb();
    }
  }
  const frame = (name: string): Buffer => Buffer.from(name.padEnd(60, '.'));
  const event = (seq: number) => ({ seq, kind: 'failed' as const, event: { target: 'coordinator' as const, message: `m${seq}`, at: 'x' } });

  it('sends while under the bound, then keeps only the newest snapshot and catches up with missed events on drain', async () => {
    const { HubClient } = await import('../dist/src/frontends/web/client.js');
    const sock = new StuckSocket();
    const log = [event(1), event(2)];
    const client = new HubClient(sock as never, '127.0.0.1', 100, (seq: number) => log.filter((e) => e.seq > seq), 0);
    client.offerSnapshot(frame('A'));
    client.offerSnapshot(frame('B'));
    expect(sock.sent.map((s) => s[0])).toEqual(['A', 'B']);
    // 120 bytes held > 100: from now on nothing new is written.
    client.offerSnapshot(frame('C'));
    client.offerEvent(log[0]!, frame('E1'));
    client.offerSnapshot(frame('D'));
    client.offerEvent(log[1]!, frame('E2'));
    expect(sock.sent).toHaveLength(2);
    expect(sock.bufferedAmount).toBe(120);
    // Drained: first the missed events in one frame (which fills the buffer again), then the newest snapshot.
    sock.drain();
    expect(sock.sent).toHaveLength(3);
    expect(JSON.parse(sock.sent[2]!)).toMatchObject({ type: 'events', events: [{ seq: 1 }, { seq: 2 }] });
    sock.drain();
    expect(sock.sent.slice(3).map((s) => s[0])).toEqual(['D']);
    expect(client.stats()).toMatchObject({ framesSent: 4, framesDropped: 3 });
    // Caught up: the next frames go straight out again.
    sock.drain();
    client.offerEvent(event(3), frame('E3'));
    expect(sock.sent.at(-1)![0]).toBe('E');
  });
});
