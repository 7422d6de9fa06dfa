/**
 * Everything the terminal dashboard shows, derived from the engine's pushes and the user's
 * keys, with no blessed in it: the view only reads it. Tests drive it with plain objects.
 */
import type { AccessLogEvent, ExitEvent, FailedEvent, GroupFailedEvent, RestartEvent } from '../../events.js';
import type { AccessLogSection, DashboardSnapshot } from '../../snapshot.js';
import {
  accessLogText,
  actionText,
  EventLog,
  exitText,
  failedText,
  groupFailedText,
  problemText,
  recoveredText,
  RecoveryWatch,
  restartText,
  sampleErrorText,
} from './event-log.js';
import { historyCapacity, SampleSeries } from './history.js';
import { WorkersModel, type WorkerRow } from './workers-model.js';

export class DashboardState {
  snapshot: DashboardSnapshot | null = null;
  readonly workers = new WorkersModel();
  readonly cpu: SampleSeries;
  readonly memory: SampleSeries;
  readonly rps: SampleSeries;
  readonly log = new EventLog();
  private readonly recovery = new RecoveryWatch();
  /** Index into rows(); the coordinator is row 0. */
  selected = 0;
  failed: string | null = null;
  /** The access-log state last shown in the log (status and error code), so each change shows once. */
  private accessLogShown: string | null = null;

  constructor(readonly intervalMs: number) {
    const capacity = historyCapacity(intervalMs);
    this.cpu = new SampleSeries(capacity);
    this.memory = new SampleSeries(capacity);
    this.rps = new SampleSeries(capacity);
  }

  onSnapshot(s: DashboardSnapshot, nowMs: number): void {
    const before = this.snapshot;
    this.snapshot = s;
    for (const w of s.workers) {
      const seen = before?.workers.find((x) => x.name === w.name)?.sampleErrors ?? 0;
      if (w.sampleErrors > seen && w.lastSampleError)
        this.log.add(Date.parse(w.lastSampleError.at), sampleErrorText(w.name, w.lastSampleError.message));
    }
    this.workers.applySnapshot(s, nowMs);
    if (this.failed) this.workers.markFailed();
    const sampleAt = (name: string): string | null => s.workers.find((w) => w.name === name)?.lastSampleAt ?? null;
    this.cpu.offer(sampleAt('cpu'), s.cpu?.usage);
    this.memory.offer(sampleAt('memory'), s.memory?.usagePercent);
    this.rps.offer(sampleAt('requests'), s.requests?.rps);
    for (const r of this.recovery.onSnapshot(s)) this.log.add(nowMs, recoveredText(r.target, r.ms));
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

  onExit(e: ExitEvent): void {
    this.workers.applyExit(e);
    this.recovery.onExit(e);
    this.log.add(Date.parse(e.at), exitText(e));
  }

  onRestart(e: RestartEvent): void {
    this.workers.applyRestart(e);
    this.log.add(Date.parse(e.at), restartText(e));
  }

  onFailed(e: FailedEvent): void {
    this.failed = e.message;
    this.workers.markFailed();
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

  rows(): WorkerRow[] {
    return this.workers.rows();
  }

  select(delta: number): void {
    this.selected += delta;
    this.clampSelection();
  }

  /** The selected row's name, the target of the crash keys. */
  selectedTarget(): WorkerRow | null {
    return this.rows()[this.selected] ?? null;
  }

  private clampSelection(): void {
    const n = this.rows().length;
    this.selected = Math.min(Math.max(0, this.selected), Math.max(0, n - 1));
  }
}
