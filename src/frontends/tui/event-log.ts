/**
 * The event log: crashes, restarts, recoveries and what the user asked for, one tagged line
 * each, newest last, bounded so a crash loop cannot grow memory.
 */
import type { AccessLogEvent, ExitEvent, FailedEvent, GroupFailedEvent, HealthEvent, RecoveredEvent, RestartEvent } from '../../events.js';
import { clock, millis } from './format.js';
import { escapeTags } from './tags.js';

export const EVENT_LOG_LIMIT = 200;

export class EventLog {
  private lines: string[] = [];
  /** Bumped on every line added, so the view redraws only when something was. */
  version = 0;
  constructor(private readonly limit = EVENT_LOG_LIMIT) {}

  add(atMs: number, text: string): void {
    this.version++;
    this.lines.push(`{gray-fg}${clock(atMs)}{/gray-fg} ${text}`);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  all(): readonly string[] {
    return this.lines;
  }
}

/** A thread's error message, as one short line of plain text. */
export function shortMessage(message: string, max = 60): string {
  const first = (message.split('\n')[0] ?? '').trim();
  return escapeTags(first.length > max ? `${first.slice(0, max - 1)}…` : first);
}

export function exitText(e: ExitEvent): string {
  const next = e.willRestart ? 'restarting' : 'not restarted';
  const why = e.message ? ` (${shortMessage(e.message)})` : '';
  return `{red-fg}✖ ${e.target}{/red-fg} thread ${e.threadId ?? '(never started)'} died: {bold}${e.reason}{/bold}${why}, ${next}`;
}

export function restartText(e: RestartEvent): string {
  const backoff = e.delayMs > 0 ? `, backoff ${millis(e.delayMs)}` : '';
  return `{green-fg}✔ ${e.target}{/green-fg} restarted: thread ${e.oldThreadId ?? '-'} → ${e.newThreadId} in ${millis(e.downtimeMs)}${backoff} (restart #${e.restarts})`;
}

/** Recovery as the engine measures it, one rule for every front end: death to first fresh sample. */
export function recoveredText(e: RecoveredEvent): string {
  return `{green-fg}✔ ${e.target}{/green-fg} recovered: first fresh sample ${millis(e.ms)} after it died (thread ${e.threadId})`;
}

export function failedText(e: FailedEvent): string {
  return `{red-fg}{bold}✖ dashboard failed{/bold}{/red-fg}: ${shortMessage(e.message, 120)} (press q to quit)`;
}

export function groupFailedText(e: GroupFailedEvent): string {
  const who = e.workers.length === 1 && e.workers[0] === e.group ? e.group : `group ${e.group} (${e.workers.join(', ')})`;
  return `{red-fg}✖ ${escapeTags(who)} gave up{/red-fg}: ${shortMessage(e.message, 100)}; the built-in workers carry on`;
}

export function sampleErrorText(worker: string, message: string): string {
  return `{red-fg}! ${escapeTags(worker)}{/red-fg} sample refused: ${shortMessage(message, 100)}`;
}

/** The access log's new state: following again, waiting for the file, or unreadable. */
export function accessLogText(e: Pick<AccessLogEvent, 'status' | 'detail'>): string {
  const detail = shortMessage(e.detail, 120);
  switch (e.status) {
    case 'following':
      return `{green-fg}✔ access log{/green-fg} ${detail}`;
    case 'waiting':
      return `{yellow-fg}… access log{/yellow-fg} ${detail}`;
    case 'error':
      return `{red-fg}✖ access log{/red-fg} ${detail}`;
  }
}

/** Health changed: the new state and what is failing (or that all checks pass again). */
export function healthText(e: Pick<HealthEvent, 'status' | 'checks'>): string {
  const failing = e.checks.filter((c) => c.status !== 'ok');
  if (failing.length === 0) return `{green-fg}✔ health ok{/green-fg} every check passes`;
  const color = e.status === 'critical' ? 'red' : 'yellow';
  return `{${color}-fg}✖ health ${e.status}{/${color}-fg} ${escapeTags(shortMessage(failing.map((c) => c.message).join('; '), 160))}`;
}

export function actionText(text: string): string {
  return `{yellow-fg}▶ ${escapeTags(text)}{/yellow-fg}`;
}

export function problemText(text: string): string {
  return `{red-fg}! ${shortMessage(text, 120)}{/red-fg}`;
}
