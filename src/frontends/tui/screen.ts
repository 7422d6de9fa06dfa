/**
 * The blessed screen, created so that nothing but the dashboard reaches the terminal: the
 * terminfo entry is made readable first (terminfo-compat.ts), and blessed skips the
 * user-defined capabilities it cannot compile. Its warning boxes stay off: the app reports
 * what matters in its own event log.
 */
import { debuglog } from 'node:util';
import { blessed, createProgram, terminfoSearchPath, type Widgets } from './blessed.js';
import { prepareTerminfo } from './terminfo-compat.js';

/**
 * What the terminfo fix did is ours, not the user's business: it stays out of the event log,
 * and NODE_DEBUG=threadboard prints it on stderr (before the screen takes the terminal).
 */
const debug = debuglog('threadboard');

export interface DashboardScreen {
  screen: Widgets.Screen;
  /** Restores the terminal (main screen, cursor, cooked mode) and releases stdin. */
  destroy(): void;
}

export function createDashboardScreen(): DashboardScreen {
  const term = process.env.TERM;
  const terminfo = prepareTerminfo(term, terminfoSearchPath());
  if (terminfo.note) debug('%s', terminfo.note);
  const program = createProgram({
    input: process.stdin,
    output: process.stdout,
    ...(term ? { terminal: term } : {}),
    extended: false,
    tput: true,
    buffer: true,
    zero: true,
  });
  const screen = blessed.screen({
    program,
    smartCSR: true,
    fullUnicode: true,
    autoPadding: true,
    warnings: false,
    title: 'threadboard',
  });
  screen.program.hideCursor();
  let destroyed = false;
  return {
    screen,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
      terminfo.dispose();
    },
  };
}
