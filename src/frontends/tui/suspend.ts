/**
 * Ctrl-Z for a full-screen program. The screen runs the terminal in raw mode, where Ctrl-Z is a
 * key rather than a signal, so the key and a SIGTSTP from elsewhere (kill -TSTP) both come
 * here: the terminal is given back as the shell expects it (main screen, cursor shown, cooked
 * mode), then the process stops itself the usual way, by re-raising SIGTSTP with our handler
 * removed so the default action (stop) applies. On SIGCONT (`fg`) it takes the terminal back
 * and `onContinue` redraws everything.
 */
import type { Program } from './blessed.js';

export interface SuspendControl {
  /** Gives the terminal back and stops the process; returns once it has been continued. */
  suspend(): void;
  /** Removes the signal handlers (on quit). */
  dispose(): void;
}

export function handleSuspend(program: Program, onContinue: () => void): SuspendControl {
  let paused = false;
  let disposed = false;
  const onTstp = (): void => suspend();
  const onCont = (): void => {
    if (!paused) return;
    paused = false;
    if (disposed) return;
    process.on('SIGTSTP', onTstp);
    program.resume();
    program.hideCursor();
    onContinue();
  };

  const suspend = (): void => {
    if (paused || disposed) return;
    paused = true;
    releaseTerminal(program);
    process.off('SIGTSTP', onTstp);
    process.once('SIGCONT', onCont);
    // With no listener left, Node restores the default disposition: this stops the process
    // (every thread of it) until SIGCONT. Another SIGTSTP listener in the process would keep it
    // running; the screen is then given back at once rather than left released.
    if (process.listenerCount('SIGTSTP') > 0) {
      process.off('SIGCONT', onCont);
      onCont();
      return;
    }
    process.kill(process.pid, 'SIGTSTP');
  };

  process.on('SIGTSTP', onTstp);
  return {
    suspend,
    dispose() {
      disposed = true;
      process.off('SIGTSTP', onTstp);
      process.off('SIGCONT', onCont);
    },
  };
}

/**
 * blessed's program.pause(): main screen, cursor, mouse off, cooked mode, input paused, output
 * muted until resume(). Our program buffers its output until the next tick, by which time pause()
 * has muted it, so its escape sequences are written unbuffered, now, before the process stops.
 */
function releaseTerminal(program: Program): void {
  program.flush();
  const buffered = program.useBuffer;
  program.useBuffer = false;
  try {
    program.pause();
  } finally {
    program.useBuffer = buffered;
  }
}
