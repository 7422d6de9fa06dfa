/**
 * The WebSocket protocol: frames the server sends, and the one command a client may send,
 * validated field by field. A message that is not exactly a valid command closes that client.
 */
import type { FleetView } from '../../cluster/types.js';
import type { CrashReport, ExitEvent, FailedEvent, GroupFailedEvent, RecoveredEvent, RestartEvent } from '../../events.js';
import type { HistoryPoint, HistorySpan, HistoryView, SERIES } from '../../main/history.js';
import { FAULT_KINDS, type FaultKind } from '../../protocol/control.js';
import type { DashboardSnapshot } from '../../snapshot.js';

/** 2: hello carries the engine's history per span, snapshot frames its newest points. 3: and the fleet view. */
export const WIRE_VERSION = 3;

export type LoggedEvent =
  | { seq: number; kind: 'exit'; event: ExitEvent }
  | { seq: number; kind: 'restart'; event: RestartEvent }
  | { seq: number; kind: 'recovered'; event: RecoveredEvent }
  | { seq: number; kind: 'failed'; event: FailedEvent }
  | { seq: number; kind: 'group-failed'; event: GroupFailedEvent };

/**
 * Everything the page needs to know about this server, so that it copies none of its constants:
 * control, the fault kinds, the event log's size, the series' units, and the engine's history.
 */
export interface HelloFrame {
  type: 'hello';
  v: typeof WIRE_VERSION;
  control: boolean;
  faults: readonly FaultKind[];
  /** Events the server keeps, and so the most the page lists. */
  eventLogSize: number;
  /** Label and unit of each history series. */
  series: typeof SERIES;
  seq: number;
  snapshot: DashboardSnapshot | null;
  /** dash.history(span) for every span, finest first: its step, capacity and points. */
  history: HistoryView[];
  events: LoggedEvent[];
  /** Cluster mode: the engine's latest fleet view; null without cluster mode or before the first. */
  fleet: FleetView | null;
}

export type ServerFrame =
  | HelloFrame
  /**
   * `t`: epoch ms (fractional) at which the snapshot reached the web server. `history`: the
   * newest point of each span (dash.historyTails()), which a page upserts by `t` into the
   * history its hello brought.
   */
  | {
      type: 'snapshot';
      seq: number;
      t: number;
      snapshot: DashboardSnapshot;
      history: Record<HistorySpan, HistoryPoint | null>;
      /** The latest fleet view with each snapshot (cluster mode), so the page follows the fleet at the snapshots' pace. */
      fleet: FleetView | null;
    }
  | { type: 'event'; event: LoggedEvent }
  /** Events a client missed while it was too slow to be sent them one by one. */
  | { type: 'events'; events: LoggedEvent[] }
  | { type: 'crash-result'; id: number; ok: true; report: CrashReport }
  | { type: 'crash-result'; id: number; ok: false; error: string };

export interface CrashCommand {
  type: 'crash';
  /** Echoed in the crash-result so the page can match answers to clicks. */
  id: number;
  target: string;
  how: FaultKind;
}

/** WebSocket close codes (RFC 6455 §7.4.1). */
export const CLOSE = { unsupportedData: 1003, invalidPayload: 1007, policy: 1008 } as const;

export type ParsedMessage = { ok: true; command: CrashCommand } | { ok: false; code: number; reason: string };

const TARGET_PATTERN = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;
const COMMAND_KEYS = ['how', 'id', 'target', 'type'];

export function encodeFrame(frame: ServerFrame): Buffer {
  return Buffer.from(JSON.stringify(frame), 'utf8');
}

/** The raw bytes of one inbound message as ws delivers them. */
export function messageBytes(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

/** Validates one inbound message; `control` says whether crash commands are accepted at all. */
export function parseClientMessage(data: Buffer, isBinary: boolean, control: boolean): ParsedMessage {
  if (isBinary) return { ok: false, code: CLOSE.unsupportedData, reason: 'binary messages are not accepted' };
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
  } catch {
    return { ok: false, code: CLOSE.invalidPayload, reason: 'message is not JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, code: CLOSE.policy, reason: 'message must be a JSON object' };
  }
  const m = value as Record<string, unknown>;
  if (m.type !== 'crash') return { ok: false, code: CLOSE.policy, reason: 'unknown message type' };
  if (!control) return { ok: false, code: CLOSE.policy, reason: 'control is disabled on this server' };
  const keys = Object.keys(m).sort();
  if (keys.length !== COMMAND_KEYS.length || keys.some((k, i) => k !== COMMAND_KEYS[i])) {
    return { ok: false, code: CLOSE.policy, reason: 'crash needs exactly type, id, target and how' };
  }
  if (!Number.isSafeInteger(m.id) || (m.id as number) < 0 || (m.id as number) > 0x7fffffff) {
    return { ok: false, code: CLOSE.policy, reason: 'id must be a whole number 0..2147483647' };
  }
  if (typeof m.target !== 'string' || !TARGET_PATTERN.test(m.target)) {
    return { ok: false, code: CLOSE.policy, reason: 'target must be a thread name' };
  }
  if (!FAULT_KINDS.includes(m.how as FaultKind)) {
    return { ok: false, code: CLOSE.policy, reason: `how must be one of ${FAULT_KINDS.join(', ')}` };
  }
  return { ok: true, command: { type: 'crash', id: m.id as number, target: m.target, how: m.how as FaultKind } };
}
