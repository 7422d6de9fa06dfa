/** Classifies why a thread ended, from what Node tells us plus what the supervisor itself did. */
import type { ExitReason } from '../snapshot.js';

/** Why the supervisor itself terminated a thread, if it did. */
export type TerminationCause = 'hang' | 'killed' | 'shutdown' | 'restart';

export interface ExitFacts {
  /** The error from the Worker's 'error' event, if one came before 'exit'. */
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
  | { kind: 'crash'; reason: ExitReason; message: string };

function errorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = error.code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}

export function classifyExit(facts: ExitFacts): ExitClass {
  const { error, exitCode, terminatedFor } = facts;
  if (terminatedFor === 'shutdown' || terminatedFor === 'restart') return { kind: 'deliberate' };
  if (terminatedFor === 'hang') {
    return { kind: 'crash', reason: 'hang', message: facts.hangDetail };
  }
  if (terminatedFor === 'killed') return { kind: 'crash', reason: 'killed', message: 'terminated from outside' };
  if (errorCode(error) === 'ERR_WORKER_OUT_OF_MEMORY') {
    return { kind: 'crash', reason: 'oom', message: errorText(error) };
  }
  if (error !== undefined) return { kind: 'crash', reason: 'error', message: errorText(error) };
  if (exitCode === 0) return { kind: 'normal', message: 'exited with code 0' };
  return { kind: 'crash', reason: 'exit', message: `exited with code ${exitCode}` };
}
