/** Classifies why a thread ended, from what Node tells us plus what the supervisor itself did. */
import { EXIT_REASONS, type ExitReason } from './types.js';

/** Why the supervisor itself terminated a thread, if it did. */
export type TerminationCause = 'hang' | 'killed' | 'shutdown' | 'restart';

export interface ExitFacts {
  /** The error from the Worker's 'error' event (or from its constructor), if there was one. */
  error: unknown;
  exitCode: number;
  terminatedFor: TerminationCause | null;
  /** What the watchdog saw, for a 'hang' termination. */
  hangDetail: string;
}

export type ExitClass =
  /** Deliberate: the supervisor stopped it (shutdown, or a sibling's restart under one_for_all). */
  | { kind: 'deliberate' }
  /** The thread ended on its own with exit code 0: normal for `transient` children. */
  | { kind: 'normal'; message: string }
  /** `nestedStart`: the thread was a supervisor whose own children failed to start; `message` says which and why. */
  | { kind: 'crash'; reason: ExitReason; message: string; nestedStart: boolean };

/** Errors that mean the machine or process is short of something for now, not that the code is wrong. */
const TRANSIENT_CODES = new Set(['EMFILE', 'ENFILE', 'EAGAIN']);

/** The code a nested supervisor's start failure carries across the thread boundary (StartError's). */
export const START_ERROR_CODE = 'ERR_THREADBOARD_START';

function ownString(error: unknown, key: string): string | undefined {
  if (typeof error === 'object' && error !== null && key in error) {
    const v = (error as Record<string, unknown>)[key];
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}

/** True for an error caused by a transient resource shortage (its own code, or its cause's). */
export function isTransientResourceError(error: unknown): boolean {
  const code = ownString(error, 'code');
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  // Node reports a worker that could not be created as ERR_WORKER_INIT_FAILED with the errno in its text.
  if (code === 'ERR_WORKER_INIT_FAILED' && /\b(EMFILE|ENFILE|EAGAIN)\b/.test(message)) return true;
  // Node 22+ loads a thread's ES modules after it starts, and a read that meets EMFILE there
  // fails as a loader error with only the OS's words for it ("Cannot read package config
  // /app/package.json: too many open files."): still a shortage, not a bug.
  return /\btoo many open files\b/i.test(message);
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function classifyExit(facts: ExitFacts): ExitClass {
  const { error, exitCode, terminatedFor } = facts;
  const crash = (reason: ExitReason, message: string, nestedStart = false): ExitClass => ({ kind: 'crash', reason, message, nestedStart });
  if (terminatedFor === 'shutdown' || terminatedFor === 'restart') return { kind: 'deliberate' };
  if (terminatedFor === 'hang') return crash('hang', facts.hangDetail);
  if (terminatedFor === 'killed') return crash('killed', 'terminated from outside');
  const code = ownString(error, 'code');
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') return crash('oom', errorText(error));
  if (code === START_ERROR_CODE && error instanceof Error) {
    // A nested supervisor's children failed to start: its StartError already says which and why,
    // and carries the child's classified reason as a field (never parsed from the text).
    const reason = ownString(error, 'reason');
    return crash(EXIT_REASONS.includes(reason as ExitReason) ? (reason as ExitReason) : 'error', error.message, true);
  }
  if (error !== undefined) return crash(isTransientResourceError(error) ? 'resource' : 'error', errorText(error));
  if (exitCode === 0) return { kind: 'normal', message: 'exited with code 0' };
  return crash('exit', `exited with code ${exitCode}`);
}
