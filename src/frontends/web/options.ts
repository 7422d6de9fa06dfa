/**
 * The `web` option: its public shape, defaults and validation. Everything a user can get wrong
 * fails here, before a socket is opened, with an OptionsError naming `web.<option>`.
 */
import { isIP } from 'node:net';
import { OptionsError } from '../../errors.js';
import { describe, integer, isPlainObject, noUnknownKeys } from '../../validate.js';
import { isLoopbackHost } from './address.js';
import { DEFAULT_PER_OCTAVE, PER_OCTAVE_CHOICES, type PerOctave } from './metrics/latency-buckets.js';

export interface WebOptions {
  /** TCP port; 0 picks a free one. Default 7070. */
  port?: number;
  /** Address to bind. Default '127.0.0.1'. Anything that is not loopback requires `token`. */
  host?: string;
  /** Shared secret the page, the API and the WebSocket then require (16 to 512 URL-safe characters). */
  token?: string;
  /** Origins, besides the page's own, allowed to open the WebSocket, e.g. 'https://ops.example.com'. */
  allowOrigins?: string[];
  /** Show crash buttons and accept crash commands. Default false; needs `token`. */
  control?: boolean;
  /** Most WebSocket clients at once; more are answered 503. Default 100 (at most `maxConnections`). */
  maxClients?: number;
  /** WebSocket connections allowed per client address: `max` per `windowMs`. Default 20 per 10000 ms. */
  connectionRate?: { max?: number; windowMs?: number };
  /** Bytes the server may hold for one slow client before it drops that client's older frames. Default 65536. */
  maxBufferedBytes?: number;
  /** Ping interval; a client that has not answered the previous ping is disconnected. Default 30000. */
  pingIntervalMs?: number;
  /** Most TCP connections open at once, WebSockets included; more are closed at once. Default 256. */
  maxConnections?: number;
  /** Most TCP connections open at once from one client address (an IPv6 /64 is one address). Default 32. */
  maxConnectionsPerAddress?: number;
  /**
   * A connection must deliver a complete request head within this long of opening (or of the
   * first byte of a later request), and may sit idle between requests this long. Default 5000.
   */
  headersTimeoutMs?: number;
  /** Plain HTTP requests per client address: `max` per `windowMs`; more get 429. Default 200 per 10000 ms. */
  requestRate?: { max?: number; windowMs?: number };
  /**
   * Wrong tokens per client address (HTTP and WebSocket together): `max` per `windowMs`. Past it,
   * everything from that address gets 429 until the budget refills. Default 10 per 60000 ms.
   */
  authFailureRate?: { max?: number; windowMs?: number };
  /**
   * `le` edges per octave (doubling) of the latency histogram on /metrics, from 128 µs to 33.6 s:
   * 1, 2, 4, 8, 16 or 32. More edges, closer `histogram_quantile()` (a bucket's width bounds its
   * error), and more series: 18 × this + 4 per histogram. Default 4 (76 series).
   */
  latencyBucketsPerOctave?: number;
}

export interface ResolvedWebOptions {
  port: number;
  host: string;
  token: string | null;
  allowOrigins: string[];
  control: boolean;
  maxClients: number;
  connectionRate: { max: number; windowMs: number };
  maxBufferedBytes: number;
  pingIntervalMs: number;
  maxConnections: number;
  maxConnectionsPerAddress: number;
  headersTimeoutMs: number;
  requestRate: Rate;
  authFailureRate: Rate;
  /** Inbound WebSocket message cap: a crash command is well under 200 bytes. */
  maxPayloadBytes: number;
  latencyBucketsPerOctave: PerOctave;
}

export interface Rate {
  max: number;
  windowMs: number;
}

export const DEFAULT_WEB_PORT = 7070;
const KNOWN = [
  'port',
  'host',
  'token',
  'allowOrigins',
  'control',
  'maxClients',
  'connectionRate',
  'maxBufferedBytes',
  'pingIntervalMs',
  'maxConnections',
  'maxConnectionsPerAddress',
  'headersTimeoutMs',
  'requestRate',
  'authFailureRate',
  'latencyBucketsPerOctave',
];
/** URL-safe and cookie-safe, so one token works in a header, a query string and a cookie. */
const TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,512}$/;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const TOKEN_HINT = "e.g. the output of `openssl rand -base64 24` or crypto.randomBytes(24).toString('base64url')";

function perOctave(value: unknown): PerOctave {
  if (value === undefined) return DEFAULT_PER_OCTAVE;
  const found = PER_OCTAVE_CHOICES.find((k) => k === value);
  if (found === undefined) {
    throw new OptionsError('web.latencyBucketsPerOctave', `must be one of ${PER_OCTAVE_CHOICES.join(', ')}; got ${describe(value)}`);
  }
  return found;
}

function host(value: unknown): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value === 'string' && (isIP(value) !== 0 || HOSTNAME_PATTERN.test(value))) return value;
  throw new OptionsError(
    'web.host',
    `must be an IP address or host name to bind, such as '127.0.0.1' (the default: this machine only), '::1' or '0.0.0.0'; got ${describe(value)}`,
  );
}

function token(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !TOKEN_PATTERN.test(value)) {
    const got = typeof value === 'string' ? `a ${value.length}-character string` : describe(value);
    throw new OptionsError('web.token', `must be 16 to 512 characters from A-Z a-z 0-9 . _ ~ + / = -, ${TOKEN_HINT}; got ${got}`);
  }
  return value;
}

function allowOrigins(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value))
    throw new OptionsError('web.allowOrigins', `must be an array of origins such as 'https://ops.example.com'; got ${describe(value)}`);
  return value.map((o, i) => {
    const name = `web.allowOrigins[${i}]`;
    let url: URL | null;
    try {
      url = typeof o === 'string' ? new URL(o) : null;
    } catch {
      url = null;
    }
    // Browsers send the origin serialized exactly like URL#origin, so only that form can ever match.
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== o) {
      throw new OptionsError(
        name,
        `must be an origin: scheme, host and optional port, with no path or trailing slash, such as 'https://ops.example.com:8443'; got ${describe(o)}`,
      );
    }
    return url.origin;
  });
}

function rate(name: string, value: unknown, fallback: Rate): Rate {
  if (value === undefined) return fallback;
  if (!isPlainObject(value)) throw new OptionsError(name, `must be an object { max?, windowMs? }; got ${describe(value)}`);
  noUnknownKeys(name, value, ['max', 'windowMs']);
  return {
    max: integer(`${name}.max`, value.max, fallback.max, 1, 1_000_000),
    windowMs: integer(`${name}.windowMs`, value.windowMs, fallback.windowMs, 100, 3_600_000),
  };
}

/**
 * Validates the `web` option. `true` or `{}` means every default: 127.0.0.1:7070, no token, same
 * origin only, no control. Binding a non-loopback address, or turning control on, without a
 * token is refused: either would let people other than you read the dashboard or crash threads.
 */
export function resolveWebOptions(input: unknown): ResolvedWebOptions {
  if (input === undefined || input === true) input = {};
  if (!isPlainObject(input))
    throw new OptionsError('web', `must be true or an object { port?, host?, token?, ... }; got ${describe(input)}`);
  noUnknownKeys('web', input, KNOWN);
  const o = input;
  if (o.control !== undefined && typeof o.control !== 'boolean')
    throw new OptionsError('web.control', `must be true or false; got ${describe(o.control)}`);
  // 256 keeps a host with the common `ulimit -n` of 1024 far from running out of descriptors.
  const maxConnections = integer('web.maxConnections', o.maxConnections, 256, 1, 100_000);
  const resolved: ResolvedWebOptions = {
    port: integer('web.port', o.port, DEFAULT_WEB_PORT, 0, 65_535),
    host: host(o.host),
    token: token(o.token),
    allowOrigins: allowOrigins(o.allowOrigins),
    control: o.control === true,
    maxClients: integer('web.maxClients', o.maxClients, Math.min(100, maxConnections), 1, 100_000),
    connectionRate: rate('web.connectionRate', o.connectionRate, { max: 20, windowMs: 10_000 }),
    maxBufferedBytes: integer('web.maxBufferedBytes', o.maxBufferedBytes, 65_536, 1024, 1 << 30),
    pingIntervalMs: integer('web.pingIntervalMs', o.pingIntervalMs, 30_000, 100, 3_600_000),
    maxConnections,
    // A browser holds up to 6 connections per server plus one WebSocket per tab.
    maxConnectionsPerAddress: integer('web.maxConnectionsPerAddress', o.maxConnectionsPerAddress, 32, 1, 100_000),
    // At most Node's requestTimeout, which must not be shorter (server.ts).
    headersTimeoutMs: integer('web.headersTimeoutMs', o.headersTimeoutMs, 5_000, 500, 30_000),
    // A page load is 4 requests and a Prometheus scrape 1 every 5-15 s: neither comes near 20 a second.
    requestRate: rate('web.requestRate', o.requestRate, { max: 200, windowMs: 10_000 }),
    authFailureRate: rate('web.authFailureRate', o.authFailureRate, { max: 10, windowMs: 60_000 }),
    latencyBucketsPerOctave: perOctave(o.latencyBucketsPerOctave),
    maxPayloadBytes: 1024,
  };
  // Every WebSocket client holds a connection: past maxConnections, maxClients could never be reached.
  if (resolved.maxClients > resolved.maxConnections) {
    throw new OptionsError(
      'web.maxClients',
      `must be at most \`web.maxConnections\` (${resolved.maxConnections}), since every WebSocket client holds a connection; ` +
        `got ${resolved.maxClients}. Raise \`web.maxConnections\` too`,
    );
  }
  if (resolved.token === null && !isLoopbackHost(resolved.host)) {
    throw new OptionsError(
      'web.token',
      `is required to bind '${resolved.host}', which is not a loopback address: anyone who can reach it could read the dashboard. ` +
        `Pass a token of at least 16 characters (${TOKEN_HINT}), or bind '127.0.0.1'`,
    );
  }
  if (resolved.token === null && resolved.control) {
    throw new OptionsError(
      'web.token',
      `is required when \`web.control\` is on, because crash commands must come from someone who proves who they are; ` +
        `pass a token of at least 16 characters (${TOKEN_HINT})`,
    );
  }
  return resolved;
}
