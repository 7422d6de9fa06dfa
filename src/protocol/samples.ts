/**
 * The sample channel's messages: what a metric worker publishes, and its validation where the
 * coordinator receives it. Anything can be posted on a BroadcastChannel by a thread that holds
 * its name, so every message is checked completely, and what comes out is a typed value (the
 * fold never casts): a malformed message is counted and dropped, never thrown.
 */
import type { CpuSection, MemorySection, RequestsInterval } from '../snapshot.js';
import { exactKeys, inRange, isFiniteNumber, isNonNegativeInteger, isObject } from './checks.js';
import { jsonPayloadProblem } from './json-payload.js';

export const PROTOCOL_VERSION = 1;

export interface SampleEnvelope {
  v: typeof PROTOCOL_VERSION;
  /** 'sample': a payload; 'sample-error': the sampler produced something that cannot be shown (payload: { problem }). */
  type: 'sample' | 'sample-error';
  source: string;
  seq: number;
  /** Epoch ms at which the sample was taken. */
  time: number;
  threadId: number;
  /** The collect round this sample answers, or null for an interval sample. */
  collectId: number | null;
  payload: unknown;
}

/** A validated message's content, by the section it fills. */
export type Sample =
  | { section: 'cpu'; payload: CpuSection }
  | { section: 'memory'; payload: MemorySection }
  | { section: 'requests'; payload: RequestsInterval }
  | { section: 'custom'; payload: unknown }
  | { section: 'error'; problem: string };

export interface ValidSample {
  source: string;
  /** Epoch ms, as the sender claimed it. */
  time: number;
  threadId: number;
  collectId: number | null;
  sample: Sample;
}

export type ValidationResult = { ok: true; value: ValidSample } | { ok: false; problem: string };

const MAX_SOURCE_LENGTH = 64;
const ENVELOPE_KEYS = ['collectId', 'payload', 'seq', 'source', 'threadId', 'time', 'type', 'v'];

/** Checks the envelope, then the payload: completely and by type for the built-in sources, JSON-shaped and bounded for the rest. */
export function validateEnvelope(data: unknown): ValidationResult {
  if (!isObject(data)) return { ok: false, problem: 'not an object' };
  if (data.v !== PROTOCOL_VERSION) return { ok: false, problem: `unsupported protocol version ${String(data.v)}` };
  if (data.type !== 'sample' && data.type !== 'sample-error') return { ok: false, problem: `unknown type ${String(data.type)}` };
  const extra = exactKeys(data, ENVELOPE_KEYS);
  if (extra) return { ok: false, problem: `envelope ${extra}` };
  const { source } = data;
  if (typeof source !== 'string' || source.length === 0 || source.length > MAX_SOURCE_LENGTH) {
    return { ok: false, problem: 'source must be a non-empty string of at most 64 characters' };
  }
  if (!isNonNegativeInteger(data.seq)) return { ok: false, problem: 'seq must be a non-negative integer' };
  if (!isFiniteNumber(data.time) || data.time <= 0) return { ok: false, problem: 'time must be epoch milliseconds' };
  if (!isNonNegativeInteger(data.threadId)) return { ok: false, problem: 'threadId must be a non-negative integer' };
  const collectId = data.collectId;
  if (collectId !== null && !isNonNegativeInteger(collectId)) {
    return { ok: false, problem: 'collectId must be null or a non-negative integer' };
  }
  const sample = data.type === 'sample-error' ? sampleError(data.payload) : samplePayload(source, data.payload);
  if (typeof sample === 'string') return { ok: false, problem: `${source} payload: ${sample}` };
  return { ok: true, value: { source, time: data.time, threadId: data.threadId, collectId, sample } };
}

function sampleError(p: unknown): Sample | string {
  if (!isObject(p) || exactKeys(p, ['problem']) || typeof p.problem !== 'string' || p.problem.length > 500) {
    return 'must be { problem: string of at most 500 characters }';
  }
  return { section: 'error', problem: p.problem };
}

/** The typed sample, or what is wrong with the payload. */
function samplePayload(source: string, payload: unknown): Sample | string {
  switch (source) {
    case 'cpu': {
      const v = validateCpu(payload);
      return typeof v === 'string' ? v : { section: 'cpu', payload: v };
    }
    case 'memory': {
      const v = validateMemory(payload);
      return typeof v === 'string' ? v : { section: 'memory', payload: v };
    }
    case 'requests': {
      const v = validateRequests(payload);
      return typeof v === 'string' ? v : { section: 'requests', payload: v };
    }
    default:
      return jsonPayloadProblem(payload) ?? { section: 'custom', payload };
  }
}

const CPU_KEYS: ReadonlyArray<keyof CpuSection> = ['cores', 'loadAvg', 'perCore', 'usage', 'windowMs'];
const MEMORY_KEYS: ReadonlyArray<keyof MemorySection> = ['freeMiB', 'totalMiB', 'usagePercent', 'usedMiB'];
const REQUESTS_KEYS: ReadonlyArray<keyof RequestsInterval> = [
  'avgLatencyMs',
  'clientErrorRate',
  'errorRate',
  'p50LatencyMs',
  'p99LatencyMs',
  'rps',
  'rps10s',
];
/** More logical cores than any machine Node runs on has: a bound, not a guess. */
const MAX_CORES = 4096;

/** Numbers only, each in [lo, hi]: the array, typed, or null. */
function numbers(v: unknown, lo: number, hi: number): number[] | null {
  return Array.isArray(v) && v.every((x) => inRange(x, lo, hi)) ? v : null;
}

function validateCpu(p: unknown): CpuSection | string {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, CPU_KEYS);
  if (extra) return extra;
  const { usage, cores, windowMs } = p;
  if (!inRange(usage, 0, 100)) return 'usage must be 0..100';
  if (!inRange(windowMs, 0, 86_400_000)) return 'windowMs must be milliseconds';
  if (!isNonNegativeInteger(cores) || cores < 1 || cores > MAX_CORES) return `cores must be a whole number 1..${MAX_CORES}`;
  const load = numbers(p.loadAvg, 0, 1e6);
  if (!load || load.length !== 3) return 'loadAvg must be three non-negative numbers';
  const perCore = numbers(p.perCore, 0, 100);
  if (!perCore || perCore.length !== cores) return 'perCore must be one number 0..100 per core';
  return { usage, windowMs, cores, loadAvg: [load[0]!, load[1]!, load[2]!], perCore };
}

function validateMemory(p: unknown): MemorySection | string {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, MEMORY_KEYS);
  if (extra) return extra;
  const { totalMiB, usedMiB, freeMiB, usagePercent } = p;
  if (!isNonNegativeInteger(totalMiB) || !isNonNegativeInteger(usedMiB) || !isNonNegativeInteger(freeMiB)) {
    return 'totalMiB, usedMiB and freeMiB must be whole MiB';
  }
  if (freeMiB !== totalMiB - usedMiB) return 'freeMiB must equal totalMiB - usedMiB';
  if (!inRange(usagePercent, 0, 100)) return 'usagePercent must be 0..100';
  return { totalMiB, usedMiB, freeMiB, usagePercent };
}

function validateRequests(p: unknown): RequestsInterval | string {
  if (!isObject(p)) return 'not an object';
  const extra = exactKeys(p, REQUESTS_KEYS);
  if (extra) return extra;
  const { rps, rps10s, avgLatencyMs, p50LatencyMs, p99LatencyMs, errorRate, clientErrorRate } = p;
  const amount = (v: unknown): v is number => inRange(v, 0, Number.MAX_SAFE_INTEGER);
  const latency = (v: unknown): v is number | null => v === null || amount(v);
  if (!amount(rps) || !amount(rps10s)) return 'rps and rps10s must be non-negative numbers';
  if (!latency(avgLatencyMs) || !latency(p50LatencyMs) || !latency(p99LatencyMs)) {
    return 'latencies must be non-negative numbers, or null when unknown';
  }
  if (!inRange(errorRate, 0, 100) || !inRange(clientErrorRate, 0, 100)) return 'errorRate and clientErrorRate must be 0..100';
  return { rps, rps10s, avgLatencyMs, p50LatencyMs, p99LatencyMs, errorRate, clientErrorRate };
}

/** Channel names are namespaced per dashboard instance so two dashboards never hear each other. */
export function sampleChannelName(instanceId: string): string {
  return `threadboard:${instanceId}:samples`;
}
