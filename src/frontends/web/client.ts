/**
 * One WebSocket client and its backpressure. Frames go out while the bytes the server holds for
 * this client stay under `maxBufferedBytes`; past that, the client gets nothing new: the newest
 * snapshot waits in one slot (each newer one replaces it, the older counts as dropped) and missed
 * events are fetched from the hub's log. When its buffered bytes drain, the client catches up with
 * the missed events and the newest snapshot. So a stuck client costs at most the bound plus one
 * frame, and never slows anyone else.
 */
import WebSocket from 'ws';
import type { LoggedEvent } from './frames.js';
import { encodeFrame } from './frames.js';
import type { ClientStats } from './types.js';

export class HubClient {
  framesSent = 0;
  framesDropped = 0;
  peakBufferedBytes = 0;
  /** Cleared on every ping, set by the pong: a client that misses one interval is cut off. */
  alive = true;
  /** One crash command at a time per client. */
  controlBusy = false;
  private pendingSnapshot: Buffer | null = null;
  private missedEvents = false;
  private lastEventSeq: number;

  constructor(
    readonly ws: WebSocket,
    readonly address: string,
    private readonly maxBufferedBytes: number,
    private readonly eventsAfter: (seq: number) => LoggedEvent[],
    lastEventSeq: number,
  ) {
    this.lastEventSeq = lastEventSeq;
  }

  private get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  private get congested(): boolean {
    return this.ws.bufferedAmount > this.maxBufferedBytes;
  }

  /** Sends a frame regardless of backpressure: only for small, rare frames (hello, replies). */
  sendNow(frame: Buffer): void {
    if (this.open) this.write(frame);
  }

  offerSnapshot(frame: Buffer): void {
    if (!this.open) return;
    if (this.pendingSnapshot) this.framesDropped += 1;
    this.pendingSnapshot = frame;
    this.flush();
  }

  offerEvent(event: LoggedEvent, frame: Buffer): void {
    if (!this.open) return;
    if (!this.missedEvents && !this.congested) {
      this.lastEventSeq = event.seq;
      this.write(frame);
      return;
    }
    // Behind already: this event goes out later, with the others missed, from the hub's log.
    this.missedEvents = true;
    this.framesDropped += 1;
    this.flush();
  }

  /** Sends what is waiting, oldest kind first, while the client keeps up. */
  private flush(): void {
    while (this.open && !this.congested) {
      if (this.missedEvents) {
        this.missedEvents = false;
        const events = this.eventsAfter(this.lastEventSeq);
        if (events.length === 0) continue;
        this.lastEventSeq = events[events.length - 1]!.seq;
        this.write(encodeFrame({ type: 'events', events }));
      } else if (this.pendingSnapshot) {
        const frame = this.pendingSnapshot;
        this.pendingSnapshot = null;
        this.write(frame);
      } else {
        return;
      }
    }
  }

  // The callback runs once ws has handed the frame to the socket and the socket flushed it:
  // the moment buffered bytes went down, so the moment to send what waited.
  private readonly afterWrite = (err?: Error): void => {
    if (!err) this.flush();
  };

  private write(frame: Buffer): void {
    this.framesSent += 1;
    this.ws.send(frame, { binary: false }, this.afterWrite);
    const held = this.ws.bufferedAmount;
    if (held > this.peakBufferedBytes) this.peakBufferedBytes = held;
  }

  stats(): ClientStats {
    return {
      address: this.address,
      bufferedBytes: this.ws.bufferedAmount,
      framesSent: this.framesSent,
      framesDropped: this.framesDropped,
      peakBufferedBytes: this.peakBufferedBytes,
    };
  }
}
