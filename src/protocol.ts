/**
 * Messages that cross thread boundaries, and their validation at the receiving end.
 *
 * Two paths exist:
 * - the sample channel (BroadcastChannel, worker → coordinator): `SampleEnvelope`;
 * - the control port (each Worker's parentPort, supervisor ↔ child): `ControlToChild` / `ControlToParent`.
 * Anything can be posted on a BroadcastChannel by anyone holding its name, so samples are
 * validated field by field; a bad one is counted and dropped, never thrown.
 */
import { jsonPayloadProblem } from './channel/json-payload.js';
import type { CpuSection, MemorySection, RequestsSection } from './snapshot.js';

export const PROTOCOL_VERSION = 1;

export interface SampleEnvelope {
  v: typeof PROTOCOL_VERSION;
  /** 'sample': a payload; 'sample-error': the sampler produced something that cannot be shown (payload: { problem }). */
  kind: 'sample' | 'sample-error';
  source: string;
  seq: number;
  /** Epoch ms at which the sample was taken. */
  time: number;
  threadId: number;
  /** The collect round this sample answers, or null for an interval sample. */
  collectId: number | null;
  payload: unknown;
}

export type FaultKind = 'throw' | 'exit' | 'hang' | 'oom' | 'kill';
export const FAULT_KINDS: readonly FaultKind[] = ['throw', 'exit', 'hang', 'oom', 'kill'];

export type ControlToChild = { tb: 'collect'; id: number } | { tb: 'crash'; how: Exclude<FaultKind, 'kill'> } | { tb: 'stop' };

export type ControlToParent =
  | { tb: 'ready' }
  /** App-level message; the supervisor passes it to its owner untouched. */
  | { tb: 'app'; body: unknown };

const MAX_SOURCE_LENGTH = 64;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function isNonNegativeInteger(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function inRange(v: unknown, lo: number, hi: number): v is number {
  return isFiniteNumber(v) && v >= lo && v <= hi;
}

export type ValidationResult = { ok: true; envelope: SampleEnvelope } | { ok: false; problem: string };

const ENVELOPE_KEYS = ['collectId', 'kind', 'payload', 'seq', 'source', 'threadId', 'time', 'v'];

/** Checks the envelope, then the payload: completely and by type for the built-in sources, JSON-shaped and bounded for the rest. */
export function validateEnvelope(data: unknown): ValidationResult {
  if (!isObject(data)) return { ok: false, problem: 'not an object' };
  if (data.v !== PROTOCOL_VERSION) return { ok: false, problem: `unsupported protocol version ${String(data.v)}` };
  if (data.kind !== 'sample' && data.kind !== 'sample-error') return { ok: false, problem: `unknown kind ${String(data.kind)}` };
  const extra = exactKeys(data, ENVELOPE_KEYS);
  if (extra) return { ok: false, problem: `envelope ${extra}` };
  const { source } = data;
  if (typeof source !== 'string' || source.length === 0 || source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, problem: 'source must be a non-empty string of at most 64 characters' };
  }
  if (!isNonNegativeInteger(data.seq)) return { ok: false, problem: 'seq must be a non-negative integer' };
  if (!isFiniteNumber(data.time) || data.time <= 0) return { ok: false, problem: 'time must be epoch milliseconds' };
  if (!isNonNegativeInteger(data.threadId)) return { ok: false, problem: 'threadId must be a non-negative integer' };
  if (data.collectId !== null && !isNonNegativeInteger(data.collectId)) {
    return { ok: false, problem: 'collectId must be null or a non-negative integer' };
  }
  const payloadProblem = data.kind === 'sample-error' ? validateSampleError(data.payload) : validatePayload(source, data.payload);
  if (payloadProblem !== null) return { ok: false, problem: `${source} payload: ${payloadProblem}` };
  return { ok: true, envelope: data as unknown as SampleEnvelope };
}

/** "has unexpected field x" / "lacks field y", or null when `o` has exactly `keys` (sorted). */
function exactKeys(o: Record<string, unknown>, keys: readonly string[]): string | null {
  const got = Object.keys(o);
  for (const k of got) if (!keys.includes(k)) return `has unexpected field ${k.slice(0, 40)}`;
  for (const k of keys) if (!(k in o)) return `lacks field ${k}`;
  return null;
}

function validateSampleError(p: unknown): string | null {
  if (!isObject(p) || exactKeys(p, ['problem']) || typeof p.problem !== 'string' || p.problem.length > 500) {
    return 'must be { problem: string of at most 500 characters }';
  }
  return null;
}

function validatePayload(source: string, payload: unknown): string | null {
  switch (source) {
    case 'cpu':
      return validateCpu(payload);
    case 'memory':
      return validateMemory(payload);
    case 'requests':
      return validateRequests(payload);
    default:
      return jsonPayloadProblem(payload);
  }
}

const CPU_KEYS: ReadonlyArray<keyof CpuSection> = ['cores', 'loadAvg', 'perCore', 'usage'];
const MEMORY_KEYS: ReadonlyArray<keyof MemorySection> = ['freeMb', 'totalMb', 'usagePercent', 'usedMb'];
const REQUESTS_KEYS: ReadonlyArray<keyof RequestsSection> = [
  'activeConnections',
  'avgLatencyMs',
  'byStatus',
  'clientErrorRate',
  'errorRate',
  'p50LatencyMs',
  'p99LatencyMs',
  'rps',
  'rps10s',
  'total',
];
const STATUS_KEYS = ['1xx', '2xx', '3xx', '4xx', '5xx'];
/** More logical cores than any machine Node runs on has: a bound, not a guess. */
const MAX_CORES = 4096;

function validateCpu(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, CPU_KEYS);
  if (extra) return extra;
  if (!inRange(p.usage, 0, 100)) return 'usage must be 0..100';
  if (!isNonNegativeInteger(p.cores) || p.cores < 1 || p.cores > MAX_CORES) return `cores must be a whole number 1..${MAX_CORES}`;
  if (!Array.isArray(p.loadAvg) || p.loadAvg.length !== 3 || !p.loadAvg.every((x) => inRange(x, 0, 1e6))) {
    return 'loadAvg must be three non-negative numbers';
  }
  if (!Array.isArray(p.perCore) || p.perCore.length !== p.cores || !p.perCore.every((x) => inRange(x, 0, 100))) {
    return 'perCore must be one number 0..100 per core';
  }
  return null;
}

function validateMemory(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, MEMORY_KEYS);
  if (extra) return extra;
  if (!isNonNegativeInteger(p.totalMb) || !isNonNegativeInteger(p.usedMb) || !isNonNegativeInteger(p.freeMb)) {
    return 'totalMb, usedMb and freeMb must be whole megabytes';
  }
  if (p.freeMb !== p.totalMb - p.usedMb) return 'freeMb must equal totalMb - usedMb';
  if (!inRange(p.usagePercent, 0, 100)) return 'usagePercent must be 0..100';
  return null;
}

function validateRequests(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, REQUESTS_KEYS);
  if (extra) return extra;
  for (const key of ['rps', 'rps10s', 'avgLatencyMs', 'p50LatencyMs', 'p99LatencyMs'] as const) {
    if (!inRange(p[key], 0, Number.MAX_SAFE_INTEGER)) return `${key} must be a non-negative number`;
  }
  if (!inRange(p.errorRate, 0, 100)) return 'errorRate must be 0..100';
  if (!inRange(p.clientErrorRate, 0, 100)) return 'clientErrorRate must be 0..100';
  if (!isNonNegativeInteger(p.activeConnections)) return 'activeConnections must be a non-negative integer';
  if (!isNonNegativeInteger(p.total)) return 'total must be a non-negative integer';
  const by = p.byStatus;
  if (!isObject(by) || exactKeys(by, STATUS_KEYS) || !STATUS_KEYS.every((k) => isNonNegativeInteger(by[k]))) {
    return 'byStatus must count 1xx, 2xx, 3xx, 4xx and 5xx in whole numbers';
  }
  return null;
}

export function isControlToChild(v: unknown): v is ControlToChild {
  if (!isObject(v)) return false;
  switch (v.tb) {
    case 'collect':
      return isNonNegativeInteger(v.id);
    case 'crash':
      return v.how === 'throw' || v.how === 'exit' || v.how === 'hang' || v.how === 'oom';
    case 'stop':
      return true;
    default:
      return false;
  }
}

export function isControlToParent(v: unknown): v is ControlToParent {
  return isObject(v) && (v.tb === 'ready' || v.tb === 'app');
}

/** Channel names are namespaced per dashboard instance so two dashboards never hear each other. */
export function sampleChannelName(instanceId: string): string {
  return `threadboard:${instanceId}:samples`;
}
