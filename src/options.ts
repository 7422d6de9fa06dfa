/**
 * startDashboard() options: the public shape, defaults, and validation. Every problem is an
 * OptionsError naming the option path and what it accepts, raised before any thread starts.
 */
import { existsSync, statSync } from 'node:fs';
import { Server as NetServer } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { OptionsError } from './errors.js';
import { DEFAULT_HEALTH, type HealthThresholds } from './main/health.js';
import { describe, integer, isPlainObject, noUnknownKeys, oneOf } from './validate.js';
import type { RestartType, Strategy } from './supervisor/types.js';
import { BUILTIN_WORKERS, type BuiltinWorkerName } from './snapshot.js';

export interface CustomWorkerOptions {
  /** Unique name; its latest payload appears under snapshot.custom[name]. */
  name: string;
  /**
   * A JavaScript file (.js, .mjs, .cjs) that calls defineMetricWorker() from 'threadboard/worker';
   * on a Node that strips types itself (22.18+, 24), also a .ts or .mts file.
   */
  file: string | URL;
  /** Default 'permanent'. */
  restart?: RestartType;
  /** Structured-cloneable data the worker reads with metricContext().data. */
  data?: unknown;
  resourceLimits?: ResourceLimits;
  /** Overrides the dashboard-wide hangTimeoutMs for this worker. */
  hangTimeoutMs?: number;
  /**
   * Workers with the same group share a supervisor (and its strategy and restart intensity).
   * Default: the worker's own name, so a worker that keeps crashing gives up alone.
   */
  group?: string;
}

export interface SupervisionOptions {
  /** How metric workers are restarted together. Default 'one_for_one'. */
  strategy?: Strategy;
  /** Restart intensity: at most maxRestarts within periodMs, per supervisor. Default 3 in 5000 ms. */
  maxRestarts?: number;
  periodMs?: number;
  /** Delay before the 2nd, 3rd... restart inside a window: doubling from initialMs up to maxMs. Default 100 / 2000. */
  backoff?: { initialMs?: number; maxMs?: number };
}

export interface AccessLogOptions {
  path: string;
  /** 'end' (default): lines appended from now on; 'start': the whole file first. */
  from?: 'start' | 'end';
  /** How often the file is checked for new lines. Default 250. */
  pollMs?: number;
}

/** The engine's options; `startDashboard()` also takes `web` (see src/start.ts). */
export interface EngineOptions {
  /**
   * Measure every node:http / node:https server in this process through diagnostics_channel
   * (true, the default), only the listed servers, or none (false).
   */
  httpProbe?: boolean | { servers: HttpServer[] };
  /** Follow an nginx/Apache combined-format access log (path, or options). */
  accessLog?: string | AccessLogOptions;
  /** Sampling interval of every metric worker. Default 1000. */
  intervalMs?: number;
  /** Which built-in workers run. Default all three. */
  builtins?: BuiltinWorkerName[];
  /** Custom metric workers, supervised like the built-ins. */
  workers?: CustomWorkerOptions[];
  supervision?: SupervisionOptions;
  /** A thread that stamps no heartbeat for this long is terminated and restarted (reason 'hang'). Default 3000. */
  hangTimeoutMs?: number;
  /** A thread must report ready within this long of being spawned. Default 10000. */
  startTimeoutMs?: number;
  /** The longest any call on the dashboard waits for a coordinator (across restarts) before rejecting. Default 10000. */
  callTimeoutMs?: number;
  /** The longest collect() waits for workers to answer. Default 2000. */
  collectTimeoutMs?: number;
  /** Heap limits of each metric worker (so a runaway ends in an OOM of that worker alone). Default 64 MiB old space. */
  workerResourceLimits?: ResourceLimits;
  /** Heap limits of the coordinator thread. Default 128 MiB old space. */
  coordinatorResourceLimits?: ResourceLimits;
  /**
   * Thresholds of snapshot.health (and /healthz): each { warn, critical }. Defaults: event-loop
   * p99 100 / 500 ms, heap 0.8 / 0.95 of its limit, 5xx 5 / 25 % of the last 30 s's requests
   * (when there were at least 50); a running worker
   * silent for 3 intervals is critical.
   */
  health?: {
    eventLoopP99Ms?: { warn?: number; critical?: number };
    heapUsedRatio?: { warn?: number; critical?: number };
    errorRatePercent?: { warn?: number; critical?: number };
    /** The window the 5xx share is taken over, ms (default 30 s), and the fewest requests in it to judge by (default 50). */
    errorWindowMs?: number;
    errorMinRequests?: number;
    staleIntervals?: number;
  };
}

export interface MetricWorkerConfig {
  name: string;
  fileHref: string;
  restart: RestartType;
  data: unknown;
  resourceLimits: ResourceLimits;
  hangTimeoutMs: number;
  builtin: boolean;
  /** The supervisor it runs under: 'builtin', or the custom worker's group. */
  group: string;
}

/** What runs in the main thread only (not cloneable, so never sent to the coordinator). */
export interface MainThreadOptions {
  httpProbe: { servers: HttpServer[] | null } | null;
  accessLog: { path: string; from: 'start' | 'end'; pollMs: number } | null;
}

export interface ResolvedOptions {
  intervalMs: number;
  workers: MetricWorkerConfig[];
  strategy: Strategy;
  intensity: { maxRestarts: number; periodMs: number };
  backoff: { initialMs: number; maxMs: number };
  hangTimeoutMs: number;
  startTimeoutMs: number;
  shutdownMs: number;
  callTimeoutMs: number;
  collectTimeoutMs: number;
  coordinatorResourceLimits: ResourceLimits;
  health: HealthThresholds;
}

const STRATEGIES: readonly Strategy[] = ['one_for_one', 'one_for_all', 'rest_for_one'];
const RESTART_TYPES: readonly RestartType[] = ['permanent', 'transient', 'temporary'];
const RESERVED_NAMES = new Set<string>([...BUILTIN_WORKERS, 'coordinator']);
const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const LIMIT_KEYS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;
// 'web' is validated by the composition root (src/start.ts): the core imports no front end.
const KNOWN_KEYS: readonly string[] = [
  'web',
  'httpProbe',
  'accessLog',
  'intervalMs',
  'builtins',
  'workers',
  'supervision',
  'hangTimeoutMs',
  'startTimeoutMs',
  'callTimeoutMs',
  'collectTimeoutMs',
  'workerResourceLimits',
  'coordinatorResourceLimits',
  'health',
];

function resourceLimits(name: string, value: unknown, fallback: ResourceLimits): ResourceLimits {
  if (value === undefined) return fallback;
  if (!isPlainObject(value)) throw new OptionsError(name, `must be an object with ${LIMIT_KEYS.join(', ')}`);
  noUnknownKeys(name, value, LIMIT_KEYS);
  const out: ResourceLimits = {};
  for (const key of LIMIT_KEYS) {
    if (value[key] !== undefined) out[key] = integer(`${name}.${key}`, value[key], 0, 1, 1 << 20);
  }
  return out;
}

/**
 * Whether this Node runs TypeScript itself, with no loader: type stripping, on by default from
 * Node 22.18 and in 24, off with --no-experimental-strip-types (which the dashboard's threads then
 * inherit too). `process.features.typescript` says so ('strip' or 'transform'; false or absent
 * otherwise, as on Node 20). Asked at each call: it is a property of the process, not a constant.
 */
function nodeStripsTypes(): boolean {
  return Boolean((process.features as { typescript?: unknown }).typescript);
}

const JS_FILE = /\.(m?js|cjs)$/;
/** TypeScript workers, where Node strips types: ES modules as the examples write them (.cts: compile to .cjs). */
const TS_FILE = /\.m?ts$/;

function workerFile(name: string, value: unknown): string {
  let url: URL;
  if (value instanceof URL) url = value;
  else if (typeof value === 'string' && value.length > 0) {
    url = value.startsWith('file:') ? new URL(value) : pathToFileURL(path.resolve(value));
  } else {
    throw new OptionsError(name, `must be a path or file: URL of a compiled .js/.mjs worker file; got ${describe(value)}`);
  }
  if (url.protocol !== 'file:') throw new OptionsError(name, `must be a file: URL; got ${url.href}`);
  const filePath = decodeURIComponent(url.pathname);
  const typescript = TS_FILE.test(filePath);
  if (typescript && !nodeStripsTypes()) {
    throw new OptionsError(
      name,
      `is TypeScript (${filePath}), which this Node (${process.version}) cannot run without a loader, and worker ` +
        'threads start without one. Compile the worker to .js or .mjs first, or run Node 22.18+ or 24 ' +
        '(they strip types themselves unless --no-experimental-strip-types is given)',
    );
  }
  if (typescript && filePath.split('/').includes('node_modules')) {
    // Node refuses it when the thread loads the file (ERR_UNSUPPORTED_NODE_MODULES_TYPE_STRIPPING):
    // a package ships compiled JavaScript.
    throw new OptionsError(
      name,
      `is TypeScript inside node_modules (${filePath}), from which Node strips no types; use the package's compiled .js file`,
    );
  }
  if (!typescript && !JS_FILE.test(filePath)) {
    throw new OptionsError(
      name,
      `must be a JavaScript file (.js, .mjs or .cjs${nodeStripsTypes() ? ', or .ts or .mts on this Node' : ''}); got ${filePath}. ` +
        'Worker threads run without a TypeScript loader: compile the worker first',
    );
  }
  if (!existsSync(url) || !statSync(url).isFile()) {
    const relative = typeof value === 'string' && !value.startsWith('file:') && !path.isAbsolute(value);
    const why = relative
      ? ` ('${value}' was resolved against the current directory, ${process.cwd()}; to name a file next to your module, ` +
        `pass new URL('${value.startsWith('.') ? value : `./${value}`}', import.meta.url))`
      : '';
    throw new OptionsError(name, `names a file that does not exist: ${filePath}${why}`);
  }
  return url.href;
}

function customWorker(
  index: number,
  value: unknown,
  seen: Set<string>,
  defaults: { hangTimeoutMs: number; limits: ResourceLimits },
): MetricWorkerConfig {
  const at = `workers[${index}]`;
  if (!isPlainObject(value))
    throw new OptionsError(at, `must be an object { name, file, restart?, data?, resourceLimits?, hangTimeoutMs?, group? }`);
  noUnknownKeys(at, value, ['name', 'file', 'restart', 'data', 'resourceLimits', 'hangTimeoutMs', 'group']);
  const name = value.name;
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new OptionsError(
      `${at}.name`,
      `must start with a letter and hold only letters, digits, '-' or '_' (at most 64); got ${describe(name)}`,
    );
  }
  if (RESERVED_NAMES.has(name))
    throw new OptionsError(`${at}.name`, `'${name}' is reserved for threadboard's own threads; choose another name`);
  if (seen.has(name)) throw new OptionsError(`${at}.name`, `'${name}' is used by two workers; names must be unique`);
  seen.add(name);
  const group = value.group ?? name;
  if (typeof group !== 'string' || !NAME_PATTERN.test(group) || RESERVED_NAMES.has(group) || group === 'builtin') {
    throw new OptionsError(
      `${at}.group`,
      `must be a name like a worker's (a letter, then letters, digits, '-' or '_'), other than 'builtin' and the built-in workers' names; got ${describe(group)}`,
    );
  }
  if (value.data !== undefined) {
    try {
      structuredClone(value.data);
    } catch (err) {
      throw new OptionsError(`${at}.data`, `must be structured-cloneable (it is copied into the worker): ${(err as Error).message}`);
    }
  }
  return {
    name,
    fileHref: workerFile(`${at}.file`, value.file),
    restart: oneOf(`${at}.restart`, value.restart, RESTART_TYPES, 'permanent'),
    data: value.data ?? null,
    resourceLimits: resourceLimits(`${at}.resourceLimits`, value.resourceLimits, defaults.limits),
    hangTimeoutMs: integer(`${at}.hangTimeoutMs`, value.hangTimeoutMs, defaults.hangTimeoutMs, 50, 600_000),
    builtin: false,
    group,
  };
}

function httpProbe(value: unknown): MainThreadOptions['httpProbe'] {
  if (value === undefined || value === true) return { servers: null };
  if (value === false) return null;
  if (!isPlainObject(value) || !Array.isArray(value.servers)) {
    throw new OptionsError('httpProbe', 'must be true (every server), false (none) or { servers: [server, ...] }');
  }
  noUnknownKeys('httpProbe', value, ['servers']);
  value.servers.forEach((s, i) => {
    if (!(s instanceof NetServer)) throw new OptionsError(`httpProbe.servers[${i}]`, 'must be a node:http or node:https server');
  });
  return { servers: value.servers as HttpServer[] };
}

function accessLog(value: unknown): MainThreadOptions['accessLog'] {
  if (value === undefined) return null;
  const o = typeof value === 'string' ? { path: value } : value;
  if (!isPlainObject(o)) throw new OptionsError('accessLog', 'must be a file path or { path, from?, pollMs? }');
  noUnknownKeys('accessLog', o, ['path', 'from', 'pollMs']);
  if (typeof o.path !== 'string' || o.path.length === 0)
    throw new OptionsError('accessLog.path', `must be the path of a log file; got ${describe(o.path)}`);
  const from = oneOf('accessLog.from', o.from, ['start', 'end'] as const, 'end');
  const pollMs = integer('accessLog.pollMs', o.pollMs, 250, 10, 60_000);
  // A log that does not exist yet is fine (it will be followed once created); a directory is not.
  const full = path.resolve(o.path);
  if (!isRegularOrAbsent(full)) throw new OptionsError('accessLog.path', `is not a regular file: ${full}`);
  return { path: full, from, pollMs };
}

/** Anything else that stops it being read (EACCES, ELOOP) is the follower's to report and retry, not a start failure. */
function isRegularOrAbsent(file: string): boolean {
  try {
    return statSync(file, { throwIfNoEntry: false })?.isFile() ?? true;
  } catch {
    return true;
  }
}

function band(name: string, value: unknown, fallback: { warn: number; critical: number }, max: number): { warn: number; critical: number } {
  if (value === undefined) return fallback;
  if (!isPlainObject(value)) throw new OptionsError(name, `must be an object { warn?, critical? }; got ${describe(value)}`);
  noUnknownKeys(name, value, ['warn', 'critical']);
  const pick = (key: 'warn' | 'critical'): number => {
    const v = value[key];
    if (v === undefined) return fallback[key];
    if (typeof v !== 'number' || !(v >= 0) || v > max)
      throw new OptionsError(`${name}.${key}`, `must be a number from 0 to ${max}; got ${describe(v)}`);
    return v;
  };
  const out = { warn: pick('warn'), critical: pick('critical') };
  if (out.critical < out.warn)
    throw new OptionsError(`${name}.critical`, `must be at least ${name}.warn (${out.warn}); got ${out.critical}`);
  return out;
}

function healthThresholds(value: unknown): HealthThresholds {
  if (value === undefined) return DEFAULT_HEALTH;
  if (!isPlainObject(value))
    throw new OptionsError(
      'health',
      'must be an object { eventLoopP99Ms?, heapUsedRatio?, errorRatePercent?, errorWindowMs?, errorMinRequests?, staleIntervals? }',
    );
  noUnknownKeys('health', value, [
    'eventLoopP99Ms',
    'heapUsedRatio',
    'errorRatePercent',
    'errorWindowMs',
    'errorMinRequests',
    'staleIntervals',
  ]);
  return {
    eventLoopP99Ms: band('health.eventLoopP99Ms', value.eventLoopP99Ms, DEFAULT_HEALTH.eventLoopP99Ms, 3_600_000),
    heapUsedRatio: band('health.heapUsedRatio', value.heapUsedRatio, DEFAULT_HEALTH.heapUsedRatio, 1),
    errorRatePercent: band('health.errorRatePercent', value.errorRatePercent, DEFAULT_HEALTH.errorRatePercent, 100),
    errorWindowMs: integer('health.errorWindowMs', value.errorWindowMs, DEFAULT_HEALTH.errorWindowMs, 1000, 3_600_000),
    errorMinRequests: integer('health.errorMinRequests', value.errorMinRequests, DEFAULT_HEALTH.errorMinRequests, 1, 1_000_000_000),
    staleIntervals: integer('health.staleIntervals', value.staleIntervals, DEFAULT_HEALTH.staleIntervals, 1, 1000),
  };
}

export function resolveMainThreadOptions(input: unknown): MainThreadOptions {
  const o = isPlainObject(input) ? input : {};
  return { httpProbe: httpProbe(o.httpProbe), accessLog: accessLog(o.accessLog) };
}

export function resolveOptions(input: unknown, builtinFile: (name: BuiltinWorkerName) => URL): ResolvedOptions {
  if (input === undefined || input === null) input = {};
  if (!isPlainObject(input)) throw new OptionsError('options', `must be an object; got ${describe(input)}`);
  noUnknownKeys('', input, KNOWN_KEYS);
  const o = input;

  const intervalMs = integer('intervalMs', o.intervalMs, 1000, 50, 3_600_000);
  const hangTimeoutMs = integer('hangTimeoutMs', o.hangTimeoutMs, 3000, 50, 600_000);
  const startTimeoutMs = integer('startTimeoutMs', o.startTimeoutMs, 10_000, 100, 600_000);
  const callTimeoutMs = integer('callTimeoutMs', o.callTimeoutMs, 10_000, 100, 600_000);
  const collectTimeoutMs = integer('collectTimeoutMs', o.collectTimeoutMs, 2000, 10, 600_000);
  const workerLimits = resourceLimits('workerResourceLimits', o.workerResourceLimits, { maxOldGenerationSizeMb: 64 });
  const coordinatorResourceLimits = resourceLimits('coordinatorResourceLimits', o.coordinatorResourceLimits, {
    maxOldGenerationSizeMb: 128,
  });

  const sup = o.supervision ?? {};
  if (!isPlainObject(sup)) throw new OptionsError('supervision', 'must be an object { strategy?, maxRestarts?, periodMs?, backoff? }');
  noUnknownKeys('supervision', sup, ['strategy', 'maxRestarts', 'periodMs', 'backoff']);
  const backoffIn = sup.backoff ?? {};
  if (!isPlainObject(backoffIn)) throw new OptionsError('supervision.backoff', 'must be an object { initialMs?, maxMs? }');
  noUnknownKeys('supervision.backoff', backoffIn, ['initialMs', 'maxMs']);
  const backoff = {
    initialMs: integer('supervision.backoff.initialMs', backoffIn.initialMs, 100, 0, 60_000),
    maxMs: integer('supervision.backoff.maxMs', backoffIn.maxMs, 2000, 0, 600_000),
  };
  if (backoff.maxMs < backoff.initialMs) {
    throw new OptionsError('supervision.backoff.maxMs', `must be at least backoff.initialMs (${backoff.initialMs}); got ${backoff.maxMs}`);
  }

  let builtins: BuiltinWorkerName[] = [...BUILTIN_WORKERS];
  if (o.builtins !== undefined) {
    if (!Array.isArray(o.builtins))
      throw new OptionsError('builtins', `must be an array of ${BUILTIN_WORKERS.map((b) => `'${b}'`).join(', ')}`);
    builtins = o.builtins.map((b, i) => oneOf(`builtins[${i}]`, b, BUILTIN_WORKERS, 'cpu'));
    if (new Set(builtins).size !== builtins.length) throw new OptionsError('builtins', 'lists a worker twice');
  }
  const workers: MetricWorkerConfig[] = builtins.map((name) => ({
    name,
    fileHref: builtinFile(name).href,
    restart: 'permanent' as const,
    data: null,
    resourceLimits: workerLimits,
    hangTimeoutMs,
    builtin: true,
    group: 'builtin',
  }));
  if (o.workers !== undefined) {
    if (!Array.isArray(o.workers)) throw new OptionsError('workers', 'must be an array of { name, file } objects');
    const seen = new Set<string>();
    o.workers.forEach((w, i) => workers.push(customWorker(i, w, seen, { hangTimeoutMs, limits: workerLimits })));
  }
  if (workers.length === 0) throw new OptionsError('builtins', 'and `workers` leave no metric worker to run; name at least one');

  return {
    intervalMs,
    workers,
    strategy: oneOf('supervision.strategy', sup.strategy, STRATEGIES, 'one_for_one'),
    intensity: {
      maxRestarts: integer('supervision.maxRestarts', sup.maxRestarts, 3, 0, 1_000_000),
      periodMs: integer('supervision.periodMs', sup.periodMs, 5000, 1, 86_400_000),
    },
    backoff,
    hangTimeoutMs,
    startTimeoutMs,
    shutdownMs: 2000,
    callTimeoutMs,
    collectTimeoutMs,
    coordinatorResourceLimits,
    health: healthThresholds(o.health),
  };
}
