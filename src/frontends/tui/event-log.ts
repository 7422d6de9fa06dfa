/**
 * The event log: crashes, restarts, recoveries and what the user asked for, one tagged line
 * each, newest last, bounded so a crash loop cannot grow memory.
 */
import type { AccessLogEvent, ExitEvent, FailedEvent, GroupFailedEvent, RestartEvent } from '../../events.js';
import type { DashboardSnapshot } from '../../snapshot.js';
import { clock, millis } from './format.js';
import { escapeTags } from './tags.js';
import { COORDINATOR } from './workers-model.js';

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

export function recoveredText(target: string, ms: number): string {
  return `{green-fg}✔ ${target}{/green-fg} recovered: first fresh sample ${millis(ms)} after it died`;
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

export function actionText(text: string): string {
  return `{yellow-fg}▶ ${escapeTags(text)}{/yellow-fg}`;
}

export function problemText(text: string): string {
  return `{red-fg}! ${shortMessage(text, 120)}{/red-fg}`;
}

/**
 * Recovery as the crash demo measures it: from a thread's death to its replacement's first
 * sample in a snapshot (for the coordinator: the first sample its new workers deliver).
 */
export class RecoveryWatch {
  private pending = new Map<string, number>();

  onExit(e: ExitEvent): void {
    if (e.willRestart) this.pending.set(e.target, Date.parse(e.at));
    else this.pending.delete(e.target);
  }

  /** The targets that recovered in this snapshot, with milliseconds from death to fresh sample. */
  onSnapshot(s: DashboardSnapshot): Array<{ target: string; ms: number }> {
    const done: Array<{ target: string; ms: number }> = [];
    for (const [target, diedAt] of this.pending) {
      const sampleAt =
        target === COORDINATOR
          ? s.coordinator.status === 'running'
            ? s.lastUpdated
            : null
          : (s.workers.find((w) => w.name === target && w.status === 'running')?.lastSampleAt ?? null);
      const t = sampleAt === null ? NaN : Date.parse(sampleAt);
      if (t > diedAt) {
        done.push({ target, ms: t - diedAt });
        this.pending.delete(target);
      }
    }
    return done;
  }
}
