/**
 * Whether the CLI draws the full-screen dashboard or prints plain text. A screen needs a
 * terminal on stdout and a terminal type that can address the cursor: with TERM=dumb (Emacs'
 * shell, some CI runners) or no TERM at all (cron, systemd, `env -i`), blessed would write
 * escape sequences the terminal shows as garbage, so plain text is the output that works.
 */
export type OutputKind = 'screen' | 'plain';

export interface OutputContext {
  /** --plain was given. */
  plain: boolean;
  /** process.stdout.isTTY */
  isTTY: boolean;
  /** process.env.TERM */
  term: string | undefined;
}

/** Terminal types that cannot draw a screen. */
const DUMB_TERMS = new Set(['', 'dumb', 'unknown']);

export function chooseOutput(c: OutputContext): { kind: OutputKind; why: string | null } {
  if (c.plain || !c.isTTY) return { kind: 'plain', why: null };
  if (c.term === undefined || DUMB_TERMS.has(c.term)) {
    const what = c.term === undefined ? 'TERM is not set' : c.term === '' ? 'TERM is empty' : `TERM=${c.term}`;
    return { kind: 'plain', why: `${what}, so the terminal cannot draw the dashboard: printing plain text (--plain)` };
  }
  return { kind: 'screen', why: null };
}
