/** The one-line header: what is shown, how fresh it is, and badges that must not be missed. */
import type { DashboardSnapshot } from '../../snapshot.js';
import { clock, fit } from './format.js';
import { visibleText } from './tags.js';

export interface HeaderInput {
  host: string;
  intervalMs: number;
  snapshot: DashboardSnapshot | null;
  demo: boolean;
  failed: boolean;
}

export const DEMO_BADGE = ' DEMO TRAFFIC ';
export const FAILED_BADGE = ' FAILED ';

export function headerText(h: HeaderInput, width: number): string {
  const updated = h.snapshot?.lastUpdated ? clock(Date.parse(h.snapshot.lastUpdated)) : 'never';
  const every = h.intervalMs % 1000 === 0 ? `${h.intervalMs / 1000} s` : `${h.intervalMs} ms`;
  const left = ` threadboard · ${h.host} · sampling every ${every} · updated ${updated}`;
  const badges = [
    h.failed ? `{white-fg}{red-bg}{bold}${FAILED_BADGE}{/bold}{/red-bg}{/white-fg}` : '',
    h.demo ? `{black-fg}{yellow-bg}${DEMO_BADGE}{/yellow-bg}{/black-fg}` : '',
  ].filter(Boolean);
  const right = badges.join(' ');
  const room = Math.max(0, width - visibleText(right).length - 1);
  return `{bold}${fit(left, room)}{/bold} ${right}`;
}
