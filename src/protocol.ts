/**
 * Messages that cross thread boundaries, and their validation at the receiving end.
 *
 * Two paths exist:
 * - the sample channel (BroadcastChannel, worker → coordinator): `SampleEnvelope`;
 * - the control port (each Worker's parentPort, supervisor ↔ child): `ControlToChild` / `ControlToParent`.
 * Anything can be posted on a BroadcastChannel by anyone holding its name, so samples are
 * validated field by field; a bad one is counted and dropped, never thrown.
 */
import type { CpuSection, MemorySection, RequestsSection } from './snapshot.js';

export const PROTOCOL_VERSION = 1;

export interface SampleEnvelope {
  v: typeof PROTOCOL_VERSION;
  kind: 'sample';
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

/** Checks the envelope and, for the built-in sources, the payload's shape and ranges. */
export function validateEnvelope(data: unknown): ValidationResult {
  if (!isObject(data)) return { ok: false, problem: 'not an object' };
  if (data.v !== PROTOCOL_VERSION) return { ok: false, problem: `unsupported protocol version ${String(data.v)}` };
  if (data.kind !== 'sample') return { ok: false, problem: `unknown kind ${String(data.kind)}` };
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
  if (data.payload === undefined) return { ok: false, problem: 'payload is missing' };
  const payloadProblem = validateBuiltinPayload(source, data.payload);
  if (payloadProblem !== null) return { ok: false, problem: `${source} payload: ${payloadProblem}` };
  return { ok: true, envelope: data as unknown as SampleEnvelope };
}

function validateBuiltinPayload(source: string, payload: unknown): string | null {
  switch (source) {
    case 'cpu':
      return validateCpu(payload);
    case 'memory':
      return validateMemory(payload);
    case 'requests':
      return validateRequests(payload);
    default:
      return null;
  }
}

function validateCpu(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const c = p as Partial<Record<keyof CpuSection, unknown>>;
  if (!inRange(c.usage, 0, 100)) return 'usage must be 0..100';
  if (!isNonNegativeInteger(c.cores) || c.cores < 1) return 'cores must be a positive integer';
  if (!Array.isArray(c.loadAvg) || c.loadAvg.length !== 3 || !c.loadAvg.every((x) => inRange(x, 0, Infinity))) {
    return 'loadAvg must be three non-negative numbers';
  }
  if (!Array.isArray(c.perCore) || !c.perCore.every((x) => inRange(x, 0, 100))) return 'perCore must be numbers 0..100';
  return null;
}

function validateMemory(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const m = p as Partial<Record<keyof MemorySection, unknown>>;
  if (!isNonNegativeInteger(m.totalMb) || !isNonNegativeInteger(m.usedMb) || !isNonNegativeInteger(m.freeMb)) {
    return 'totalMb, usedMb and freeMb must be whole megabytes';
  }
  if (m.freeMb !== m.totalMb - m.usedMb) return 'freeMb must equal totalMb - usedMb';
  if (!inRange(m.usagePercent, 0, 100)) return 'usagePercent must be 0..100';
  return null;
}

function validateRequests(p: unknown): string | null {
  if (!isObject(p)) return 'not an object';
  const r = p as Partial<Record<keyof RequestsSection, unknown>>;
  for (const key of ['rps', 'avgLatencyMs', 'p50LatencyMs', 'p99LatencyMs'] as const) {
    if (!inRange(r[key], 0, Infinity)) return `${key} must be a non-negative number`;
  }
  if (!inRange(r.errorRate, 0, 100)) return 'errorRate must be 0..100';
  if (!isNonNegativeInteger(r.activeConnections)) return 'activeConnections must be a non-negative integer';
  if (!isNonNegativeInteger(r.total)) return 'total must be a non-negative integer';
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
