/**
 * The crash demo's verdict on one crash, as a pure function of what it observed: the right exit
 * reason, a replacement on a new thread, and a fresh sample from that replacement.
 */
import type { FaultKind } from '../protocol/control.js';
import type { ExitReason } from '../snapshot.js';

/** How the engine classifies each injected fault. */
export const EXPECTED_REASON: Record<FaultKind, ExitReason> = {
  throw: 'error',
  exit: 'exit',
  hang: 'hang',
  oom: 'oom',
  kill: 'killed',
};

export interface CrashObservation {
  target: string;
  fault: FaultKind;
  /** Epoch ms the fault was injected. */
  crashAt: number;
  /** The thread the fault went into, or null if injecting it failed. */
  oldThreadId: number | null;
  /** The exit event of that thread, if one came. */
  exit: { reason: ExitReason; threadId: number } | null;
  /** The replacement's thread id, from the restart event. */
  newThreadId: number | null;
  /** Epoch ms of the replacement's first sample in a snapshot. */
  firstSampleAt: number | null;
  /** Something that went wrong before the checks could run (a timeout, a rejected call). */
  error: string | null;
}

/** Every reason this recovery is not right; empty when it is. */
export function recoveryProblems(o: CrashObservation): string[] {
  const problems: string[] = [];
  if (o.error) problems.push(o.error);
  const expected = EXPECTED_REASON[o.fault];
  if (!o.exit) problems.push('no exit event');
  else if (o.exit.reason !== expected) problems.push(`reason ${o.exit.reason}, expected ${expected}`);
  if (o.newThreadId === null) problems.push('no restart');
  else if (o.newThreadId === o.oldThreadId) problems.push('same thread id after restart');
  if (o.firstSampleAt === null) problems.push('no fresh sample');
  else if (!(o.firstSampleAt > o.crashAt)) problems.push('sample older than the crash');
  return problems;
}

/** Milliseconds from the crash to the replacement's first sample, or null. */
export function recoveryMs(o: CrashObservation): number | null {
  return o.firstSampleAt === null ? null : o.firstSampleAt - o.crashAt;
}

export const RESULT_HEADERS = ['TARGET', 'FAULT', 'DETECTED', 'OLD THREAD', 'NEW THREAD', 'RECOVERY', 'CHECK'] as const;

export function resultRow(o: CrashObservation): string[] {
  const problems = recoveryProblems(o);
  const ms = recoveryMs(o);
  return [
    o.target,
    o.fault,
    o.exit?.reason ?? '-',
    o.oldThreadId === null ? '-' : String(o.oldThreadId),
    o.newThreadId === null ? '-' : String(o.newThreadId),
    ms === null ? '-' : `${ms} ms`,
    problems.length === 0 ? 'ok' : `FAIL: ${problems.join('; ')}`,
  ];
}
