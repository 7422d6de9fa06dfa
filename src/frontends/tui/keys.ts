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
  | { kind: 'collect' }
  | { kind: 'cycle-span' }
  | { kind: 'toggle-fleet' }
  | { kind: 'suspend' };

export interface KeyBinding {
  /** Blessed key names. */
  keys: string[];
  /** What the footer shows for the key(s). */
  label: string;
  help: string;
  /** The help in fewer letters, for a narrower footer; the help itself when absent. */
  short?: string;
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
  { keys: ['o'], label: 'o', help: 'out of memory', short: 'oom', action: { kind: 'crash-selected', how: 'oom' } },
  { keys: ['c'], label: 'c', help: 'crash coordinator', action: { kind: 'crash-coordinator' } },
  { keys: ['r', 'space'], label: 'r', help: 'collect now', short: 'collect', action: { kind: 'collect' } },
  { keys: ['s'], label: 's', help: 'chart span', short: 'span', action: { kind: 'cycle-span' } },
  // Cluster mode only: the footer shows it when there is a fleet to show.
  { keys: ['f'], label: 'f', help: 'fleet', action: { kind: 'toggle-fleet' } },
  // In raw mode the terminal sends Ctrl-Z as a key, not as SIGTSTP: the app suspends itself.
  // Not in the footer: it is what Ctrl-Z does everywhere.
  { keys: ['C-z'], label: '', help: '', action: { kind: 'suspend' } },
];

/**
 * The footer for a given width, the first that fits of: full help; short words; the crash keys
 * folded into one group, full then short words; keys alone.
 */
export function footerText(width: number, fleet = false): string {
  const shown = KEY_BINDINGS.filter((b) => b.label !== '' && (fleet || b.action.kind !== 'toggle-fleet'));
  const crashKeys = shown.filter((b) => b.action.kind === 'crash-selected');
  const [quit, select, ...rest] = shown.filter((b) => b.action.kind !== 'crash-selected') as [KeyBinding, KeyBinding, ...KeyBinding[]];
  const key = (label: string): string => `{bold}{cyan-fg}${label}{/cyan-fg}{/bold}`;
  const line = (short: boolean, folded: boolean): string => {
    const part = (b: KeyBinding): string => `${key(b.label)} ${short ? (b.short ?? b.help) : b.help}`;
    const crash = folded
      ? `${crashKeys.map((b) => key(b.label)).join('/')} ${short ? 'crash' : 'crash selected'}`
      : `crash selected: ${crashKeys.map(part).join(' ')}`;
    return [part(quit), part(select), crash, ...rest.map(part)].join('  ');
  };
  const bare = [quit, select, ...crashKeys, ...rest].map((b) => key(b.label)).join(' ');
  for (const candidate of [line(false, false), line(true, false), line(false, true), line(true, true)]) {
    if (visibleText(candidate).length <= width) return candidate;
  }
  return bare;
}
