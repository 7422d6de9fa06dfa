/**
 * The blessed screen, created so that nothing but the dashboard reaches the terminal: the
 * terminfo entry is made readable first (terminfo-compat.ts), and blessed skips the
 * user-defined capabilities it cannot compile. Its warning boxes stay off: the app reports
 * what matters in its own event log.
 */
import { blessed, createProgram, terminfoSearchPath, type Widgets } from './blessed.js';
import { prepareTerminfo, type TerminfoFix } from './terminfo-compat.js';

export interface DashboardScreen {
  screen: Widgets.Screen;
  terminfo: TerminfoFix;
  /** Restores the terminal (main screen, cursor, cooked mode) and releases stdin. */
  destroy(): void;
}

export function createDashboardScreen(): DashboardScreen {
  const term = process.env.TERM;
  const terminfo = prepareTerminfo(term, terminfoSearchPath());
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
    terminfo,
    destroy() {
      if (destroyed) return;
      destroyed = true;
      screen.destroy();
      terminfo.dispose();
    },
  };
}
