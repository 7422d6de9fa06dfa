/**
 * A node's report: what every node publishes each interval, and the only thing a viewer accepts
 * from the channel. It carries cumulative counts and histogram buckets, never rates or
 * percentiles alone, so a lost report loses nothing and percentiles can be merged exactly.
 *
 * Anyone who can publish on the Redis channel can send one, so parseReport() checks everything
 * (size first, then JSON, then every field's type and range) and says why it refused.
 */
import { BadApp, encodeApp, parseApp, type ReportApp } from './app-wire.js';
import { decodeSparse, encodeSparse, type SparseHistogram } from './sparse-histogram.js';
import type { FleetNodeProcess } from './types.js';

export const WIRE_VERSION = 1;
/**
 * Reports larger than this are dropped unread: a realistic one is 1–3 KiB. Room for the app
 * metrics at their bounds (64 names of up to 100 characters, 1024 histogram buckets).
 */
export const MAX_REPORT_BYTES = 32 * 1024;
/** Names on the wire: a letter or digit, then letters, digits and . _ : @ - (hostnames and `host:pid` fit). */
export const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;

export interface ReportCounts {
  /** Cumulative since the node's dashboard started. */
  total: number;
  /** 1xx..5xx. */
  byClass: [number, number, number, number, number];
  timed: number;
  latencySumMicros: number;
  /** Open connections now (a gauge). */
  active: number;
  histogram: SparseHistogram;
}

export interface NodeReport {
  cluster: string;
  node: string;
  host: string;
  pid: number;
  /** Epoch ms when this incarnation's dashboard started: a new value is a restart. */
  startedAtMs: number;
  /** Increases by one per report within an incarnation. */
  seq: number;
  /** Epoch ms when the node read its counters. */
  timeMs: number;
  intervalMs: number;
  lean: boolean;
  engine: string;
  requests: ReportCounts;
  /** The node's own last-interval figures, shown until the viewer has two reports to difference. */
  interval: { rps: number; p50: number | null; p99: number | null; errorRate: number } | null;
  cpu: { usage: number; cores: number; loadAvg1: number } | null;
  memory: { totalMiB: number; usedMiB: number } | null;
  process: FleetNodeProcess | null;
  /** The host's app metrics (dash.metrics), cumulative; null when it has none (the field is left out). */
  app: ReportApp | null;
}

export type RejectReason = 'oversized' | 'not-json' | 'schema' | 'version' | 'foreign' | 'stale' | 'too-many-nodes';
export const REJECT_REASONS: readonly RejectReason[] = ['oversized', 'not-json', 'schema', 'version', 'foreign', 'stale', 'too-many-nodes'];

export type ParsedReport = { ok: true; report: NodeReport } | { ok: false; reason: RejectReason; detail: string };

const ENGINE_STATES = ['starting', 'running', 'restarting', 'failed', 'stopped', 'lean'];

export function encodeReport(r: NodeReport): string {
  return JSON.stringify({
    v: WIRE_VERSION,
    cluster: r.cluster,
    node: r.node,
    host: r.host,
    pid: r.pid,
    started: r.startedAtMs,
    seq: r.seq,
    t: r.timeMs,
    every: r.intervalMs,
    lean: r.lean,
    engine: r.engine,
    req: {
      n: r.requests.total,
      s: r.requests.byClass,
      timed: r.requests.timed,
      us: r.requests.latencySumMicros,
      act: r.requests.active,
      h: encodeSparse(r.requests.histogram),
    },
    iv: r.interval,
    cpu: r.cpu,
    mem: r.memory && { t: r.memory.totalMiB, u: r.memory.usedMiB },
    proc: r.process && {
      cpu: r.process.cpuPercent,
      rss: r.process.rssMiB,
      heap: r.process.heapUsedMiB,
      lag: r.process.eventLoopP99Ms,
      elu: r.process.eventLoopUtilization,
    },
    // Left out rather than null: a node without app metrics pays no byte for them.
    app: r.app ? encodeApp(r.app) : undefined,
  });
}

class Bad extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string, keys: readonly string[]): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Bad(`${what} is not an object`);
  const o = v as Obj;
  for (const k of Object.keys(o)) if (!keys.includes(k)) throw new Bad(`${what} has an unknown field '${k}'`);
  return o;
}

function num(v: unknown, what: string, min: number, max: number, int = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (int && !Number.isInteger(v))) {
    throw new Bad(`${what} must be ${int ? 'a whole number' : 'a number'} in ${min}..${max}`);
  }
  return v;
}

const count = (v: unknown, what: string): number => num(v, what, 0, Number.MAX_SAFE_INTEGER, true);
const numOrNull = (v: unknown, what: string, max: number): number | null => (v === null ? null : num(v, what, 0, max));

function name(v: unknown, what: string): string {
  if (typeof v !== 'string' || !NAME_PATTERN.test(v)) throw new Bad(`${what} must be a name (letters, digits, . _ : @ -; at most 128)`);
  return v;
}

const TOP = [
  'v',
  'cluster',
  'node',
  'host',
  'pid',
  'started',
  'seq',
  't',
  'every',
  'lean',
  'engine',
  'req',
  'iv',
  'cpu',
  'mem',
  'proc',
  'app',
];

/** Validates one message from the channel (or a node key); `cluster`: the only fleet name accepted. */
export function parseReport(raw: string | Buffer, cluster: string): ParsedReport {
  const bytes = typeof raw === 'string' ? Buffer.byteLength(raw) : raw.length;
  if (bytes > MAX_REPORT_BYTES) return { ok: false, reason: 'oversized', detail: `${bytes} bytes (at most ${MAX_REPORT_BYTES})` };
  let value: unknown;
  try {
    value = JSON.parse(typeof raw === 'string' ? raw : raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'not-json', detail: 'not JSON' };
  }
  try {
    const m = obj(value, 'report', TOP);
    if (m.v !== WIRE_VERSION)
      return { ok: false, reason: 'version', detail: `wire version ${String(m.v)} (this viewer reads ${WIRE_VERSION})` };
    if (m.cluster !== cluster) return { ok: false, reason: 'foreign', detail: `cluster ${JSON.stringify(m.cluster)}` };
    return { ok: true, report: fields(m, cluster) };
  } catch (err) {
    if (err instanceof Bad || err instanceof BadApp) return { ok: false, reason: 'schema', detail: err.message };
    throw err;
  }
}

function fields(m: Obj, cluster: string): NodeReport {
  const req = obj(m.req, 'req', ['n', 's', 'timed', 'us', 'act', 'h']);
  const total = count(req.n, 'req.n');
  if (!Array.isArray(req.s) || req.s.length !== 5) throw new Bad('req.s must be 5 status-class counts');
  const byClass = req.s.map((c, i) => count(c, `req.s[${i}]`)) as ReportCounts['byClass'];
  if (byClass.reduce((a, b) => a + b, 0) > total) throw new Bad('req.s adds up to more than req.n');
  const timed = count(req.timed, 'req.timed');
  if (timed > total) throw new Bad('req.timed is more than req.n');
  const histogram = decodeSparse(req.h);
  if (!histogram) throw new Bad('req.h is not a sparse histogram ([gap, count] pairs, ascending buckets)');
  if (typeof m.lean !== 'boolean') throw new Bad('lean must be a boolean');
  if (typeof m.engine !== 'string' || !ENGINE_STATES.includes(m.engine)) throw new Bad(`engine must be one of ${ENGINE_STATES.join(', ')}`);
  return {
    cluster,
    node: name(m.node, 'node'),
    host: name(m.host, 'host'),
    pid: num(m.pid, 'pid', 1, 2 ** 31, true),
    startedAtMs: num(m.started, 'started', 0, 8.64e15, true),
    seq: count(m.seq, 'seq'),
    timeMs: num(m.t, 't', 0, 8.64e15),
    intervalMs: num(m.every, 'every', 50, 3_600_000, true),
    lean: m.lean,
    engine: m.engine,
    requests: {
      total,
      byClass,
      timed,
      latencySumMicros: count(req.us, 'req.us'),
      active: num(req.act, 'req.act', 0, 2 ** 31, true),
      histogram,
    },
    interval: interval(m.iv),
    cpu: cpu(m.cpu),
    memory: memory(m.mem),
    process: proc(m.proc),
    app: parseApp(m.app),
  };
}

function interval(v: unknown): NodeReport['interval'] {
  if (v === null) return null;
  const o = obj(v, 'iv', ['rps', 'p50', 'p99', 'errorRate']);
  return {
    rps: num(o.rps, 'iv.rps', 0, 1e9),
    p50: numOrNull(o.p50, 'iv.p50', 1e8),
    p99: numOrNull(o.p99, 'iv.p99', 1e8),
    errorRate: num(o.errorRate, 'iv.errorRate', 0, 100),
  };
}

function cpu(v: unknown): NodeReport['cpu'] {
  if (v === null) return null;
  const o = obj(v, 'cpu', ['usage', 'cores', 'loadAvg1']);
  return {
    usage: num(o.usage, 'cpu.usage', 0, 100),
    cores: num(o.cores, 'cpu.cores', 1, 65_536, true),
    loadAvg1: num(o.loadAvg1, 'cpu.loadAvg1', 0, 1e6),
  };
}

function memory(v: unknown): NodeReport['memory'] {
  if (v === null) return null;
  const o = obj(v, 'mem', ['t', 'u']);
  const totalMiB = num(o.t, 'mem.t', 0, 2 ** 40, true);
  return { totalMiB, usedMiB: num(o.u, 'mem.u', 0, totalMiB, true) };
}

function proc(v: unknown): FleetNodeProcess | null {
  if (v === null) return null;
  const o = obj(v, 'proc', ['cpu', 'rss', 'heap', 'lag', 'elu']);
  return {
    cpuPercent: num(o.cpu, 'proc.cpu', 0, 1e5),
    rssMiB: num(o.rss, 'proc.rss', 0, 2 ** 30),
    heapUsedMiB: num(o.heap, 'proc.heap', 0, 2 ** 30),
    eventLoopP99Ms: num(o.lag, 'proc.lag', 0, 1e8),
    eventLoopUtilization: num(o.elu, 'proc.elu', 0, 1),
  };
}
