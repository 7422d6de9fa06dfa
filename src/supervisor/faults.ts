/**
 * Fault injection, run inside the thread that is to fail, so each failure is the real thing:
 * a real uncaught exception, a real process.exit, a real busy loop, a real heap exhaustion.
 */
import type { FaultKind } from '../protocol/control.js';

export const INJECTED_EXIT_CODE = 17;

export function injectFault(how: Exclude<FaultKind, 'kill'>): void {
  switch (how) {
    case 'throw':
      // Thrown from a fresh macrotask so nothing on the current stack can catch it.
      setImmediate(() => {
        throw new Error('injected fault: throw');
      });
      return;
    case 'exit':
      setImmediate(() => process.exit(INJECTED_EXIT_CODE));
      return;
    case 'hang':
      setImmediate(() => {
        // Spins until the watchdog terminates the thread.
        for (;;) {
          /* hang */
        }
      });
      return;
    case 'oom': {
      // A leak that grows across event-loop turns (as real ones do) until the thread's
      // resourceLimits end it with ERR_WORKER_OUT_OF_MEMORY. Yielding between turns keeps the
      // heartbeat going, so a slow machine never turns this into a 'hang'.
      const hoard: number[][] = [];
      const grow = (): void => {
        for (let i = 0; i < 8; i++) hoard.push(new Array<number>(1 << 16).fill(Math.random()));
        setImmediate(grow);
      };
      setImmediate(grow);
      return;
    }
  }
}
