/**
 * The control port: each supervised thread's parentPort, between a supervisor and its child.
 * Commands go down (collect, crash, stop); the child says it is ready, and carries its owner's
 * messages up untouched ('app').
 */
import { isObject, isNonNegativeInteger } from './checks.js';

export type FaultKind = 'throw' | 'exit' | 'hang' | 'oom' | 'kill';
export const FAULT_KINDS: readonly FaultKind[] = ['throw', 'exit', 'hang', 'oom', 'kill'];

export type ControlToChild =
  /** `id`: the collect round the answer belongs to. */
  | { type: 'collect'; id: number }
  /** 'kill' is not a message: the supervisor terminates the thread itself. */
  | { type: 'crash'; how: Exclude<FaultKind, 'kill'> }
  | { type: 'stop' };

export type ControlToParent = { type: 'ready' } | { type: 'app'; body: unknown };

export function isControlToChild(v: unknown): v is ControlToChild {
  if (!isObject(v)) return false;
  switch (v.type) {
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
  return isObject(v) && (v.type === 'ready' || v.type === 'app');
}
