import { describe, expect, it } from 'vitest';
import { jsonPayloadProblem } from '../../dist/src/protocol/json-payload.js';
import { validateEnvelope } from '../../dist/src/protocol/samples.js';

const envelope = (source: string, payload: unknown) => ({
  v: 1,
  type: 'sample',
  source,
  seq: 0,
  time: 1,
  threadId: 1,
  collectId: null,
  payload,
});
const requests = {
  rps: 1,
  rps10s: 1,
  avgLatencyMs: 1,
  p50LatencyMs: 1,
  p99LatencyMs: 1,
  errorRate: 0,
  clientErrorRate: 0,
};

describe('sample validation', () => {
  it('accepts a complete requests payload and refuses an incomplete one (the TUI would throw on it)', () => {
    expect(validateEnvelope(envelope('requests', requests))).toMatchObject({ ok: true });
    const { rps10s: _, ...noRate } = requests;
    expect(validateEnvelope(envelope('requests', noRate))).toEqual({ ok: false, problem: 'requests payload: lacks field rps10s' });
    expect(validateEnvelope(envelope('requests', { ...requests, rps10s: 'x' }))).toMatchObject({ ok: false });
    // Unknown latency is null, never a string or a negative number.
    expect(validateEnvelope(envelope('requests', { ...requests, p99LatencyMs: null }))).toMatchObject({ ok: true });
    expect(validateEnvelope(envelope('requests', { ...requests, p99LatencyMs: -1 }))).toMatchObject({ ok: false });
    expect(validateEnvelope(envelope('requests', { ...requests, extra: 1 }))).toMatchObject({ ok: false });
  });
  it('refuses a cpu payload whose per-core list does not match its core count', () => {
    const cpu = { usage: 10, windowMs: 1000, cores: 2, loadAvg: [0, 0, 0], perCore: [10, 10] };
    expect(validateEnvelope(envelope('cpu', cpu))).toMatchObject({ ok: true });
    expect(validateEnvelope(envelope('cpu', { ...cpu, cores: 64 }))).toMatchObject({ ok: false });
  });
  it('refuses extra envelope fields', () => {
    expect(validateEnvelope({ ...envelope('x', {}), token: 'y' })).toMatchObject({ ok: false });
  });
});

describe('custom payloads', () => {
  it('must be JSON-shaped and bounded; the problem names the path and the fix', () => {
    expect(jsonPayloadProblem({ a: [1, 'x', null, true, { b: 2 }], c: undefined })).toBeNull();
    expect(jsonPayloadProblem({ n: 1n })).toMatch(/payload\.n is a BigInt \(convert it with Number\(\) or String\(\)\)/);
    const cyclic: Record<string, unknown> = {};
    cyclic.me = cyclic;
    expect(jsonPayloadProblem(cyclic)).toMatch(/payload\.me refers back to itself/);
    expect(jsonPayloadProblem({ d: new Date() })).toMatch(/a Date/);
    expect(jsonPayloadProblem({ m: new Map() })).toMatch(/a Map/);
    expect(jsonPayloadProblem([NaN])).toMatch(/payload\[0\] is NaN/);
    expect(jsonPayloadProblem(undefined)).toMatch(/undefined/);
    expect(jsonPayloadProblem({ s: 'x'.repeat(70_000) })).toMatch(/more than 65536 characters/);
    let deep: unknown = 1;
    for (let i = 0; i < 20; i++) deep = [deep];
    expect(jsonPayloadProblem(deep)).toMatch(/nested more than 16 levels/);
    // A shared (not cyclic) reference is fine.
    const shared = { x: 1 };
    expect(jsonPayloadProblem({ a: shared, b: shared })).toBeNull();
  });
});
