/**
 * Everything the terminal dashboard shows that is not chart history, with no blessed in it: the
 * latest snapshot, the event log, the user's selection and chart span. The view only reads it;
 * tests drive it with plain objects. It renders what the engine says and lists its events: it
 * derives no thread state of its own.
 */
import type { AccessLogEvent, ExitEvent, FailedEvent, GroupFailedEvent, HealthEvent, RecoveredEvent, RestartEvent } from '../../events.js';
import { HISTORY_SPANS, type HistorySpan } from '../../main/history.js';
import type { AccessLogSection, DashboardSnapshot, HealthStatus } from '../../snapshot.js';
import {
  accessLogText,
  actionText,
  EventLog,
  exitText,
  failedText,
  groupFailedText,
  healthText,
  problemText,
  recoveredText,
  restartText,
  sampleErrorText,
} from './event-log.js';
import { workerRows, type WorkerRow } from './workers-model.js';

export class DashboardState {
  snapshot: DashboardSnapshot | null = null;
  readonly log = new EventLog();
  /** Index into rows(); the coordinator is row 0. */
  selected = 0;
  /** The chart history every panel shows. */
  span: HistorySpan = HISTORY_SPANS[0]!;
  private rowsCache: WorkerRow[] = [];
  /** The access-log state last shown in the log (status and error code), so each change shows once. */
  private accessLogShown: string | null = null;
  private healthShown: HealthStatus = 'ok';

  constructor(readonly intervalMs: number) {}

  onSnapshot(s: DashboardSnapshot, nowMs: number): void {
    const before = this.snapshot;
    this.snapshot = s;
    this.rowsCache = workerRows(s);
    for (const w of s.workers) {
      const seen = before?.workers.find((x) => x.name === w.name)?.sampleErrors ?? 0;
      if (w.sampleErrors > seen && w.lastSampleError)
        this.log.add(Date.parse(w.lastSampleError.at), sampleErrorText(w.name, w.lastSampleError.message));
    }
    // The first state (before any event reached us) and any change an event did not bring.
    if (s.accessLog) this.noteAccessLog(s.accessLog, nowMs);
    this.clampSelection();
  }

  onAccessLog(e: AccessLogEvent): void {
    this.noteAccessLog(e, Date.parse(e.at));
  }

  private noteAccessLog(s: Pick<AccessLogSection, 'status' | 'detail' | 'error'>, atMs: number): void {
    const key = `${s.status}:${s.error?.code ?? ''}`;
    if (key === this.accessLogShown) return;
    this.accessLogShown = key;
    this.log.add(atMs, accessLogText(s));
  }

  /** The engine's 'health' event, told on each change: a line for trouble, and for its end (all well is no news otherwise). */
  onHealth(e: HealthEvent): void {
    const was = this.healthShown;
    this.healthShown = e.status;
    if (e.status === 'ok' && was === 'ok') return;
    this.log.add(Date.parse(e.at), healthText(e));
  }

  onExit(e: ExitEvent): void {
    this.log.add(Date.parse(e.at), exitText(e));
  }

  onRestart(e: RestartEvent): void {
    this.log.add(Date.parse(e.at), restartText(e));
  }

  onRecovered(e: RecoveredEvent): void {
    this.log.add(Date.parse(e.at), recoveredText(e));
  }

  onFailed(e: FailedEvent): void {
    this.log.add(Date.parse(e.at), failedText(e));
  }

  onGroupFailed(e: GroupFailedEvent): void {
    this.log.add(Date.parse(e.at), groupFailedText(e));
  }

  action(text: string, nowMs: number): void {
    this.log.add(nowMs, actionText(text));
  }

  problem(text: string, nowMs: number): void {
    this.log.add(nowMs, problemText(text));
  }

  /** Whether the engine gave up: its snapshot says so (the header shows FAILED). */
  get failed(): boolean {
    return this.snapshot?.coordinator.status === 'failed';
  }

  rows(): WorkerRow[] {
    return this.rowsCache;
  }

  select(delta: number): void {
    this.selected += delta;
    this.clampSelection();
  }

  /** The selected row's name, the target of the crash keys. */
  selectedTarget(): WorkerRow | null {
    return this.rows()[this.selected] ?? null;
  }

  /** The next span (2m → 30m → 3h → 2m), for every panel at once. */
  cycleSpan(): HistorySpan {
    const i = HISTORY_SPANS.indexOf(this.span);
    this.span = HISTORY_SPANS[(i + 1) % HISTORY_SPANS.length]!;
    return this.span;
  }

  private clampSelection(): void {
    const n = this.rows().length;
    this.selected = Math.min(Math.max(0, this.selected), Math.max(0, n - 1));
  }
}
