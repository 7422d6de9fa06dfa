/**
 * The keys of the terminal dashboard, in one table: the app binds them from it and the footer
 * is written from it, so the footer can never advertise a key that does nothing.
 */
import type { FaultKind } from '../../protocol/control.js';
import { visibleText } from './tags.js';

export type KeyAction =
  | { kind: 'quit' }
  | { kind: 'select'; delta: -1 | 1 }
  | { kind: 'crash-selected'; how: FaultKind }
  | { kind: 'crash-coordinator' }
  | { kind: 'collect' };

export interface KeyBinding {
  /** Blessed key names. */
  keys: string[];
  /** What the footer shows for the key(s). */
  label: string;
  help: string;
  action: KeyAction;
}

export const KEY_BINDINGS: readonly KeyBinding[] = [
  { keys: ['q', 'C-c'], label: 'q', help: 'quit', action: { kind: 'quit' } },
  { keys: ['up'], label: '↑↓', help: 'select', action: { kind: 'select', delta: -1 } },
  { keys: ['down'], label: '', help: '', action: { kind: 'select', delta: 1 } },
  { keys: ['k'], label: 'k', help: 'kill', action: { kind: 'crash-selected', how: 'kill' } },
  { keys: ['t'], label: 't', help: 'throw', action: { kind: 'crash-selected', how: 'throw' } },
  { keys: ['e'], label: 'e', help: 'exit', action: { kind: 'crash-selected', how: 'exit' } },
  { keys: ['h'], label: 'h', help: 'hang', action: { kind: 'crash-selected', how: 'hang' } },
  { keys: ['o'], label: 'o', help: 'out of memory', action: { kind: 'crash-selected', how: 'oom' } },
  { keys: ['c'], label: 'c', help: 'crash coordinator', action: { kind: 'crash-coordinator' } },
  { keys: ['r', 'space'], label: 'r', help: 'collect now', action: { kind: 'collect' } },
];

/** The footer for a given width: full help if it fits, else keys with short words, else keys alone. */
export function footerText(width: number): string {
  const shown = KEY_BINDINGS.filter((b) => b.label !== '');
  const crashKeys = shown.filter((b) => b.action.kind === 'crash-selected');
  const others = shown.filter((b) => b.action.kind !== 'crash-selected');
  const key = (label: string): string => `{bold}{cyan-fg}${label}{/cyan-fg}{/bold}`;
  const part = (b: KeyBinding): string => `${key(b.label)} ${b.help}`;
  const [quit, select, ...rest] = others;
  const full = [part(quit!), part(select!), `crash selected: ${crashKeys.map(part).join(' ')}`, ...rest.map(part)].join('  ');
  const compact = [part(quit!), part(select!), `${crashKeys.map((b) => key(b.label)).join('/')} crash selected`, ...rest.map(part)].join(
    '  ',
  );
  const bare = [quit, select, ...crashKeys, ...rest].map((b) => key(b!.label)).join(' ');
  for (const candidate of [full, compact, bare]) {
    if (visibleText(candidate).length <= width) return candidate;
  }
  return bare;
}
