/**
 * The WebSocket hub: every connected client, the newest snapshot and a short event log. A
 * snapshot is serialized once and the same bytes go to every client. Chart history is the
 * engine's: read for each hello, its newest points sent with each snapshot.
 */
import type WebSocket from 'ws';
import { SERIES, type HistoryPoint, type HistorySpan, type HistoryView } from '../../main/history.js';
import { FAULT_KINDS } from '../../protocol/control.js';
import type { FleetView } from '../../cluster/types.js';
import type { DashboardSnapshot } from '../../snapshot.js';
import { HubClient } from './client.js';
import { encodeFrame, WIRE_VERSION, type LoggedEvent } from './frames.js';
import type { ClientStats, HubStats } from './types.js';

export interface HubOptions {
  maxBufferedBytes: number;
  pingIntervalMs: number;
  control: boolean;
  eventLogSize?: number;
  /** The engine's chart history for a hello: dash.history(span) for every span. */
  history: () => HistoryView[];
}

/** Epoch ms with sub-millisecond precision, comparable across processes on one machine. */
export function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export class ClientHub {
  private readonly clients = new Set<HubClient>();
  private readonly events: LoggedEvent[] = [];
  private latest: DashboardSnapshot | null = null;
  private fleet: FleetView | null = null;
  private seq = 0;
  private eventSeq = 0;
  /** Totals of clients already gone, so the counters never go backwards. */
  private goneSent = 0;
  private goneDropped = 0;
  private readonly pingTimer: NodeJS.Timeout;
  private readonly eventLogSize: number;

  constructor(private readonly options: HubOptions) {
    this.eventLogSize = options.eventLogSize ?? 100;
    this.pingTimer = setInterval(() => this.heartbeat(), options.pingIntervalMs);
    this.pingTimer.unref();
  }

  get size(): number {
    return this.clients.size;
  }

  /** Seeds the newest snapshot without broadcasting it (the first one, read at start). */
  seed(snapshot: DashboardSnapshot): void {
    if (this.latest !== null) return;
    this.latest = snapshot;
  }

  /** Cluster mode: the fleet view the next snapshot frame (and hello) carries. */
  setFleet(view: FleetView): void {
    this.fleet = view;
  }

  /** `history`: the newest point of each span (dash.historyTails()) as of this snapshot. */
  publishSnapshot(snapshot: DashboardSnapshot, history: Record<HistorySpan, HistoryPoint | null>, t = nowMs()): void {
    this.latest = snapshot;
    this.seq += 1;
    const frame = encodeFrame({ type: 'snapshot', seq: this.seq, t, snapshot, history, fleet: this.fleet });
    for (const c of this.clients) c.offerSnapshot(frame);
  }

  publishEvent<K extends LoggedEvent['kind']>(kind: K, event: Extract<LoggedEvent, { kind: K }>['event']): void {
    this.eventSeq += 1;
    const logged = { seq: this.eventSeq, kind, event } as LoggedEvent;
    this.events.push(logged);
    if (this.events.length > this.eventLogSize) this.events.shift();
    const frame = encodeFrame({ type: 'event', event: logged });
    for (const c of this.clients) c.offerEvent(logged, frame);
  }

  private eventsAfter = (seq: number): LoggedEvent[] => this.events.filter((e) => e.seq > seq);

  add(ws: WebSocket, address: string): HubClient {
    const client = new HubClient(ws, address, this.options.maxBufferedBytes, this.eventsAfter, this.eventSeq);
    this.clients.add(client);
    ws.on('pong', () => {
      client.alive = true;
    });
    client.sendNow(
      encodeFrame({
        type: 'hello',
        v: WIRE_VERSION,
        control: this.options.control,
        faults: FAULT_KINDS,
        eventLogSize: this.eventLogSize,
        series: SERIES,
        seq: this.seq,
        snapshot: this.latest,
        history: this.options.history(),
        events: this.events,
        fleet: this.fleet,
      }),
    );
    return client;
  }

  remove(client: HubClient): void {
    if (!this.clients.delete(client)) return;
    this.goneSent += client.framesSent;
    this.goneDropped += client.framesDropped;
  }

  /** A client that has not answered the previous ping (dead peer, or one that stopped reading) is cut off. */
  private heartbeat(): void {
    for (const c of this.clients) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  stats(): HubStats {
    let sent = this.goneSent;
    let dropped = this.goneDropped;
    const perClient: ClientStats[] = [];
    for (const c of this.clients) {
      const s = c.stats();
      sent += s.framesSent;
      dropped += s.framesDropped;
      perClient.push(s);
    }
    return { clients: this.clients.size, snapshotsPublished: this.seq, framesSent: sent, framesDropped: dropped, perClient };
  }

  /**
   * Says goodbye (1001, going away) to every client, then cuts off whoever has not closed
   * within `graceMs`: a stuck client never holds up shutdown.
   */
  async close(graceMs = 500): Promise<void> {
    clearInterval(this.pingTimer);
    const clients = [...this.clients];
    const closed = clients.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.ws.readyState === c.ws.CLOSED) return resolve();
          c.ws.once('close', () => resolve());
          c.ws.close(1001, 'server shutting down');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all(closed), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    for (const c of clients) {
      c.ws.terminate();
      this.remove(c);
    }
  }
}
