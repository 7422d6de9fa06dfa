/**
 * The follower's state as users see it (snapshot.accessLog.status, .detail, .error and the
 * 'access-log' event), and the retry schedule while it is in trouble. Pure.
 */
import type { AccessLogProblem, AccessLogStatus } from '../../snapshot.js';

/** The file at the path is not a regular file (a FIFO, a device, a socket): it is never read. */
export const NOT_REGULAR_FILE = 'NOT_REGULAR_FILE';

/** Retries after an error start at pollMs and double up to this (or pollMs, if longer). */
export const BACKOFF_CAP_MS = 5000;

export function backoffMs(failures: number, pollMs: number): number {
  const cap = Math.max(pollMs, BACKOFF_CAP_MS);
  return Math.min(cap, pollMs * 2 ** Math.min(20, Math.max(0, failures - 1)));
}

/** What the kind of a non-regular file is called in messages. */
export function fileKind(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
  isSocket(): boolean;
}): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** A problem the follower found itself (not an OS error). */
export class FollowProblem extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The file at the path is of the wrong kind: a directory gets EISDIR, anything else NOT_REGULAR_FILE. */
export function wrongKind(st: Parameters<typeof fileKind>[0]): FollowProblem {
  const kind = fileKind(st);
  return new FollowProblem(st.isDirectory() ? 'EISDIR' : NOT_REGULAR_FILE, `the path is ${kind}; only regular files are read`);
}

/** An error as the snapshot shows it: the OS code (EACCES, EISDIR, ELOOP, EMFILE, …) or ours. */
export function problemOf(err: unknown, since: string): AccessLogProblem {
  const code = (err as { code?: unknown } | null)?.code;
  const raw = err instanceof Error ? err.message : String(err);
  // Node's "EACCES: permission denied, open '/var/log/x'" repeats the code and the path.
  const message = raw.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '');
  return { code: typeof code === 'string' ? code : 'UNKNOWN', message, since };
}

export interface FollowState {
  status: AccessLogStatus;
  error: AccessLogProblem | null;
}

/** Two states worth telling apart in an event: another status, or another error code. */
export function sameState(a: FollowState, b: FollowState): boolean {
  return a.status === b.status && (a.error?.code ?? null) === (b.error?.code ?? null);
}

/** One line for people. */
export function describeState(path: string, s: FollowState): string {
  switch (s.status) {
    case 'following':
      return `following ${path}`;
    case 'waiting':
      return `waiting for ${path} to appear`;
    case 'error':
      return `cannot read ${path}: ${s.error?.message ?? 'unknown error'} (${s.error?.code ?? 'UNKNOWN'}); retrying`;
  }
}
