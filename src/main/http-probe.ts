/**
 * Measures every node:http / node:https server in the process through diagnostics_channel,
 * with no code in the user's handlers. Per request the hot path is a property read, a clock
 * read stored into a Float64Array slot, and a few Atomics.add on the shared counters: no
 * message, no per-request allocation. Per connection it attaches one 'close' listener.
 *
 * The start time is kept per connection, in a slot of a preallocated Float64Array, so nothing
 * is attached to each request object; a client that pipelines (several requests in flight on
 * one connection) gets a queue for that connection, and each request its own start.
 */
import dc from 'node:diagnostics_channel';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { RequestCounters } from '../shared/request-counters.js';

interface ServerRequestMessage {
  request: IncomingMessage;
  response: ServerResponse;
  socket: Socket;
  server: Server;
}

const START = 'http.server.request.start';
const FINISH = 'http.server.response.finish';

export interface HttpProbeOptions {
  /** Measure only these servers; all servers in the process when absent. */
  servers?: readonly Server[];
}

export class HttpProbe {
  private readonly slotKey = Symbol('threadboard.probe.slot');
  /** The start of the oldest request in flight on each connection's slot. */
  private starts = new Float64Array(256);
  /** Requests in flight on each slot: more than one when the client pipelines. */
  private inFlight = new Int32Array(256);
  /** Starts of pipelined requests behind the oldest, by slot; only connections that pipeline have one. */
  private readonly queued = new Map<number, number[]>();
  private free: number[] = [];
  private nextSlot = 0;
  private readonly servers: ReadonlySet<Server> | null;
  /** Servers never measured: the dashboard's own web server, whose page and /metrics are not the user's traffic. */
  private readonly excluded = new Set<Server>();
  private readonly onStart = (message: unknown): void => this.start(message as ServerRequestMessage);
  private readonly onFinish = (message: unknown): void => this.finish(message as ServerRequestMessage);
  private attached = false;

  constructor(
    private readonly counters: RequestCounters,
    options: HttpProbeOptions = {},
  ) {
    this.servers = options.servers ? new Set(options.servers) : null;
  }

  attach(): void {
    if (this.attached) return;
    this.attached = true;
    dc.subscribe(START, this.onStart);
    dc.subscribe(FINISH, this.onFinish);
  }

  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    dc.unsubscribe(START, this.onStart);
    dc.unsubscribe(FINISH, this.onFinish);
  }

  exclude(server: Server): void {
    this.excluded.add(server);
  }

  private start(m: ServerRequestMessage): void {
    if (this.servers !== null && !this.servers.has(m.server)) return;
    if (this.excluded.size > 0 && this.excluded.has(m.server)) return;
    const socket = m.socket as Socket & Record<symbol, number | undefined>;
    let slot = socket[this.slotKey];
    if (slot === undefined) slot = this.openConnection(socket);
    const now = performance.now();
    // HTTP/1 answers a connection's requests in order: a pipelined request waits its turn in a
    // queue, so each response is timed from its own request's start.
    if (this.inFlight[slot]! === 0) this.starts[slot] = now;
    else this.queueOf(slot).push(now);
    this.inFlight[slot]!++;
  }

  private finish(m: ServerRequestMessage): void {
    const slot = (m.socket as Socket & Record<symbol, number | undefined>)[this.slotKey];
    // Unknown socket, or a request whose start was not seen (filtered out, or before the probe attached).
    if (slot === undefined || this.inFlight[slot]! === 0) return;
    this.counters.record(performance.now() - this.starts[slot]!, m.response.statusCode);
    if (--this.inFlight[slot]! > 0) this.starts[slot] = this.queued.get(slot)!.shift()!;
  }

  private queueOf(slot: number): number[] {
    let q = this.queued.get(slot);
    if (!q) this.queued.set(slot, (q = []));
    return q;
  }

  /** Once per connection: a slot for its start times, the gauge up, and down again on close. */
  private openConnection(socket: Socket & Record<symbol, number | undefined>): number {
    const slot = this.free.pop() ?? this.nextSlot++;
    if (slot >= this.starts.length) {
      const starts = new Float64Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const inFlight = new Int32Array(this.inFlight.length * 2);
      inFlight.set(this.inFlight);
      this.inFlight = inFlight;
    }
    socket[this.slotKey] = slot;
    this.inFlight[slot] = 0;
    this.counters.connectionOpened();
    socket.once('close', () => {
      this.counters.connectionClosed();
      this.inFlight[slot] = 0;
      this.queued.delete(slot);
      this.free.push(slot);
    });
    return slot;
  }
}
