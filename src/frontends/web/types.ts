/**
 * The web server's public types, apart from the code that implements them: this file imports no
 * `ws` (and nothing that does), so a user's declaration check never needs `@types/ws`, a
 * devDependency of ours, to read `WebServer`.
 */
import type { Server } from 'node:http';
import type { ResolvedWebOptions } from './options.js';
import type { DropReason, RequestRejectReason } from './refusals.js';
import type { RejectReason } from './upgrade.js';

export interface ClientStats {
  address: string;
  /** Bytes the server holds for this client now (ws bufferedAmount: socket buffer + sender queue). */
  bufferedBytes: number;
  framesSent: number;
  framesDropped: number;
  /** Most bytes ever held for this client, sampled at every send. */
  peakBufferedBytes: number;
}

export interface HubStats {
  clients: number;
  snapshotsPublished: number;
  framesSent: number;
  framesDropped: number;
  perClient: ClientStats[];
}

export interface WebServerStats extends HubStats {
  /** WebSocket handshakes refused, by reason. */
  rejected: Record<RejectReason, number>;
  /** Plain HTTP requests refused, by reason. */
  rejectedRequests: Record<RequestRejectReason, number>;
  /** Connections closed before any request on them was answered, by reason. */
  droppedConnections: Record<DropReason, number>;
  /** TCP connections open now, WebSockets included. */
  openConnections: number;
}

export interface WebServer {
  /** Where the page is, e.g. http://127.0.0.1:7070 (without the token). */
  readonly url: string;
  readonly port: number;
  readonly options: ResolvedWebOptions;
  /** Clients, frames sent and dropped, bytes held per client, refused handshakes. */
  stats(): WebServerStats;
  /** Closes every socket, timer and listener this server made. Idempotent. */
  close(): Promise<void>;
  /** @internal the underlying server, so an HTTP probe can leave the dashboard's own traffic out. */
  readonly httpServer: Server;
}
