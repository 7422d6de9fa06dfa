/**
 * Command-line arguments as a pure function: argv in, options (or a CliArgsError) out.
 *
 * Every flag is one entry of FLAGS, which also writes the --help text, so a new flag (such as
 * `--web [host:]port`) is one entry and one field of CliOptions, nothing else.
 */
import { ThreadboardError } from '../../errors.js';
import { closestName } from './closest-name.js';
import { parseDurationMs } from './duration.js';

export interface CliOptions {
  intervalMs: number;
  /** A combined-format access log to follow, or null. */
  accessLog: { path: string; from: 'start' | 'end' } | null;
  /** Serve a built-in app under synthetic load so the request figures move. */
  demoTraffic: boolean;
  /** Collect once, print the snapshot as JSON, exit. */
  json: boolean;
  /** Print plain text lines even when standard output is a terminal. */
  plain: boolean;
  hangTimeoutMs: number;
  /** Serve the live page, /api/dashboard and /metrics here, or null. */
  web: { host: string; port: number } | null;
  /** Crash buttons on the page (needs THREADBOARD_WEB_TOKEN). */
  webControl: boolean;
  /**
   * Cluster mode: this machine is a node of a fleet over Redis (or, with `viewer`, only watches
   * it); plain and JSON output gain the fleet. null without --cluster.
   */
  cluster: { redis: string; name: string; node: string | null; viewer: boolean } | null;
  help: boolean;
  version: boolean;
}

/** A bad command line. `flag` names the offending flag (or argument) as the user typed it. */
export class CliArgsError extends ThreadboardError {
  readonly flag: string;
  constructor(flag: string, message: string) {
    super('ERR_THREADBOARD_CLI_ARGS', message);
    this.flag = flag;
  }
}

export const INTERVAL_RANGE = { min: 50, max: 3_600_000 } as const;
export const HANG_TIMEOUT_RANGE = { min: 200, max: 600_000 } as const;

/** Defaults of the CLI. The hang timeout is shorter than the engine's so a hang shows within about a second. */
export function defaultCliOptions(): CliOptions {
  return {
    intervalMs: 1000,
    accessLog: null,
    demoTraffic: false,
    json: false,
    plain: false,
    hangTimeoutMs: 1000,
    web: null,
    webControl: false,
    cluster: null,
    help: false,
    version: false,
  };
}

interface FlagBase {
  /** Long name without the leading dashes. */
  name: string;
  short?: string;
  help: string;
}

interface SwitchFlag extends FlagBase {
  kind: 'switch';
  /** Also accept --no-<name>. */
  negatable?: boolean;
  set: (o: CliOptions, on: boolean) => void;
}

interface ValueFlag extends FlagBase {
  kind: 'value';
  /** Placeholder shown in help, e.g. '<ms>'. */
  value: string;
  /** What is accepted, in words; used in help and in every error about this flag. */
  accepts: string;
  /** Returns an error message (without the flag name) for a bad value. */
  set: (o: CliOptions, raw: string) => string | null;
}

type Flag = SwitchFlag | ValueFlag;

/** `7070`, `host:7070` or `[v6]:7070`; the host defaults to loopback. */
export function parseHostPort(raw: string): { host: string; port: number } | null {
  const m = /^(?:(\[[0-9A-Fa-f:.]+\]|[^:[\]]+):)?(\d{1,5})$/.exec(raw.trim());
  if (!m) return null;
  const port = Number(m[2]);
  if (port > 65535) return null;
  const host = m[1] ? m[1].replace(/^\[|\]$/g, '') : '127.0.0.1';
  return { host, port };
}

function durationSetter(key: 'intervalMs' | 'hangTimeoutMs', range: { min: number; max: number }) {
  return (o: CliOptions, raw: string): string | null => {
    const ms = parseDurationMs(raw);
    if (ms === null || ms < range.min || ms > range.max) return `got '${raw}'`;
    o[key] = ms;
    return null;
  };
}

/** The fleet name when --cluster comes without --cluster-name. */
export const DEFAULT_CLUSTER_NAME = 'default';

/** Fills the cluster part of the options as flags arrive in any order; --cluster's URL is checked after the loop. */
function clusterPart(o: CliOptions): NonNullable<CliOptions['cluster']> {
  o.cluster ??= { redis: '', name: DEFAULT_CLUSTER_NAME, node: null, viewer: false };
  return o.cluster;
}

function isRedisUrl(raw: string): boolean {
  try {
    const u = new URL(raw);
    return (u.protocol === 'redis:' || u.protocol === 'rediss:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export const FLAGS: readonly Flag[] = [
  {
    kind: 'value',
    name: 'interval',
    short: 'i',
    value: '<ms>',
    accepts: `milliseconds from ${INTERVAL_RANGE.min} to ${INTERVAL_RANGE.max}, as 500, 500ms or 2s`,
    help: 'sampling interval of every metric worker (default 1000)',
    set: durationSetter('intervalMs', INTERVAL_RANGE),
  },
  {
    kind: 'value',
    name: 'access-log',
    short: 'l',
    value: '<path>',
    accepts: 'the path of an nginx/Apache combined-format access log',
    help: 'follow this access log: its requests feed the REQ figures',
    set: (o, raw) => {
      if (raw.trim() === '') return 'got an empty path';
      o.accessLog = { path: raw, from: o.accessLog?.from ?? 'end' };
      return null;
    },
  },
  {
    kind: 'value',
    name: 'access-log-from',
    value: '<start|end>',
    accepts: "'start' (the whole file first) or 'end' (new lines only)",
    help: 'where to start reading the access log (default end)',
    set: (o, raw) => {
      if (raw !== 'start' && raw !== 'end') return `got '${raw}'`;
      o.accessLog = { path: o.accessLog?.path ?? '', from: raw };
      return null;
    },
  },
  {
    kind: 'switch',
    name: 'demo-traffic',
    negatable: true,
    help: 'serve a built-in demo app on 127.0.0.1 under light synthetic load (default off)',
    set: (o, on) => (o.demoTraffic = on),
  },
  {
    kind: 'value',
    name: 'hang-timeout',
    value: '<ms>',
    accepts: `milliseconds from ${HANG_TIMEOUT_RANGE.min} to ${HANG_TIMEOUT_RANGE.max}, as 1000, 1000ms or 1s`,
    help: 'a thread silent this long is restarted as hung (default 1000)',
    set: durationSetter('hangTimeoutMs', HANG_TIMEOUT_RANGE),
  },
  {
    kind: 'value',
    name: 'web',
    short: 'w',
    value: '<[host:]port>',
    accepts: 'a port from 0 to 65535, optionally after a host: 7070, 127.0.0.1:7070, 0.0.0.0:7070, [::1]:7070',
    help: 'serve the live page, /api/dashboard and /metrics (a non-loopback host needs THREADBOARD_WEB_TOKEN)',
    set: (o, raw) => {
      const web = parseHostPort(raw);
      if (!web) return `got '${raw}'`;
      o.web = web;
      return null;
    },
  },
  {
    kind: 'switch',
    name: 'web-control',
    help: 'crash buttons on the web page (needs THREADBOARD_WEB_TOKEN)',
    set: (o, on) => (o.webControl = on),
  },
  {
    kind: 'value',
    name: 'cluster',
    value: '<redis-url>',
    accepts: 'a redis:// or rediss:// URL, as redis://127.0.0.1:6379 or rediss://user:password@redis.internal:6380',
    help: 'join a fleet over Redis: this process is a node, and plain/JSON output shows the whole fleet',
    set: (o, raw) => {
      if (!isRedisUrl(raw)) return `got '${raw.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')}'`;
      clusterPart(o).redis = raw;
      return null;
    },
  },
  {
    kind: 'value',
    name: 'cluster-name',
    value: '<name>',
    accepts: 'a letter or digit, then up to 63 letters, digits, ., _ or -',
    help: `the fleet's name: every process started with it is one fleet (default ${DEFAULT_CLUSTER_NAME})`,
    set: (o, raw) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(raw)) return `got '${raw}'`;
      clusterPart(o).name = raw;
      return null;
    },
  },
  {
    kind: 'value',
    name: 'cluster-node',
    value: '<name>',
    accepts: 'a letter or digit, then up to 127 letters, digits, ., _, :, @ or -',
    help: "this node's name in the fleet (default hostname:pid)",
    set: (o, raw) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/.test(raw)) return `got '${raw}'`;
      clusterPart(o).node = raw;
      return null;
    },
  },
  {
    kind: 'switch',
    name: 'cluster-viewer',
    help: 'watch the fleet without joining it (a viewer only: this process publishes nothing)',
    set: (o, on) => (clusterPart(o).viewer = on),
  },
  {
    kind: 'switch',
    name: 'json',
    help: 'collect once, print the snapshot as JSON, exit',
    set: (o, on) => (o.json = on),
  },
  {
    kind: 'switch',
    name: 'plain',
    help: 'print plain text lines per interval, even on a terminal',
    set: (o, on) => (o.plain = on),
  },
  { kind: 'switch', name: 'help', short: 'h', help: 'show this help', set: (o, on) => (o.help = on) },
  { kind: 'switch', name: 'version', short: 'v', help: 'print the version', set: (o, on) => (o.version = on) },
];

function display(flag: Flag): string {
  return `--${flag.name}`;
}

function findFlag(token: string): { flag: Flag; negated: boolean } | null {
  if (token.startsWith('--')) {
    const name = token.slice(2);
    const direct = FLAGS.find((f) => f.name === name);
    if (direct) return { flag: direct, negated: false };
    if (name.startsWith('no-')) {
      const neg = FLAGS.find((f) => f.kind === 'switch' && f.negatable && f.name === name.slice(3));
      if (neg) return { flag: neg, negated: true };
    }
    return null;
  }
  const short = FLAGS.find((f) => f.short !== undefined && `-${f.short}` === token);
  return short ? { flag: short, negated: false } : null;
}

function allNames(): string[] {
  const names: string[] = [];
  for (const f of FLAGS) {
    names.push(`--${f.name}`);
    if (f.kind === 'switch' && f.negatable) names.push(`--no-${f.name}`);
  }
  return names;
}

function unknownFlag(token: string): CliArgsError {
  const guess = closestName(token, allNames());
  const hint = guess ? ` Did you mean ${guess}?` : '';
  return new CliArgsError(
    token,
    `threadboard: unknown flag '${token}'.${hint} Known flags: ${FLAGS.map(display).join(', ')}. Run threadboard --help for details.`,
  );
}

function badValue(flag: ValueFlag, problem: string): CliArgsError {
  return new CliArgsError(`--${flag.name}`, `threadboard: flag --${flag.name} ${flag.value} expects ${flag.accepts}; ${problem}.`);
}

/** Parses argv (without node and the script). Throws CliArgsError naming the flag and what it accepts. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const o = defaultCliOptions();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-' || arg === '--') {
      throw new CliArgsError(
        arg,
        `threadboard: unexpected argument '${arg}'; threadboard takes only flags. Run threadboard --help for details.`,
      );
    }
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const token = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? null : arg.slice(eq + 1);
    const found = findFlag(token);
    if (!found) throw unknownFlag(token);
    const { flag, negated } = found;
    if (flag.kind === 'switch') {
      if (inline !== null) throw new CliArgsError(token, `threadboard: flag ${token} takes no value; got '${arg}'.`);
      flag.set(o, !negated);
      continue;
    }
    let raw = inline;
    if (raw === null) {
      const next = argv[i + 1];
      // A following flag is not a value: `--interval --json` is a forgotten value, not an interval of '--json'.
      if (next === undefined || (next.startsWith('-') && next.length > 1 && !/^-\d/.test(next))) {
        throw badValue(flag, 'the value is missing');
      }
      raw = next;
      i++;
    }
    const problem = flag.set(o, raw);
    if (problem !== null) throw badValue(flag, problem);
  }
  if (o.accessLog !== null && o.accessLog.path === '') {
    throw new CliArgsError('--access-log-from', 'threadboard: flag --access-log-from needs --access-log <path> as well.');
  }
  // Silently ignoring it would leave someone looking for crash buttons on a page that is not served.
  if (o.webControl && o.web === null) {
    throw new CliArgsError(
      '--web-control',
      'threadboard: flag --web-control needs --web <[host:]port> as well: it adds crash buttons to the live page.',
    );
  }
  if (o.cluster !== null && o.cluster.redis === '') {
    const given = argv.find((a) => a.startsWith('--cluster-'))?.split('=')[0] ?? '--cluster-name';
    throw new CliArgsError(given, `threadboard: flag ${given} needs --cluster <redis-url> as well: it names the fleet's Redis.`);
  }
  return o;
}

/** The --help text, written from FLAGS. */
export function usage(): string {
  const rows = FLAGS.map((f) => {
    const names = [f.short ? `-${f.short}, ` : '    ', `--${f.name}`, f.kind === 'value' ? ` ${f.value}` : ''].join('');
    const neg = f.kind === 'switch' && f.negatable ? `; --no-${f.name} turns it off` : '';
    return [names, `${f.help}${neg}`] as const;
  });
  const width = Math.max(...rows.map(([n]) => n.length)) + 2;
  return [
    'threadboard: the live dashboard of this machine (CPU, memory, HTTP requests), on supervised worker threads.',
    '',
    'Usage: threadboard [flags]',
    '',
    'On a terminal it opens the live dashboard; when standard output is not a terminal it prints',
    'CPU/MEM/REQ/updated lines every interval, so it can be piped and logged.',
    '',
    'Flags:',
    ...rows.map(([n, h]) => `  ${n.padEnd(width)}${h}`),
    '',
    'Examples:',
    '  threadboard --demo-traffic              live dashboard, with a demo app under light load',
    '  threadboard --access-log /var/log/nginx/access.log',
    '  threadboard --interval 200 | tee dash.log',
    '  threadboard --json',
    '  threadboard --cluster redis://127.0.0.1:6379 --cluster-name shop --plain',
    '  threadboard --cluster redis://127.0.0.1:6379 --cluster-name shop --cluster-viewer --web 7070',
  ].join('\n');
}
