/**
 * The web server's connections, below HTTP: the total cap (Node's own `maxConnections`, which
 * closes a connection before any socket object exists for it), the per-address cap, and the
 * counting of connections Node closes because their request head never came in time.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { addressKey } from './address.js';
import { AddressCounts } from './address-counts.js';
import { clientErrorVerdict } from './client-error.js';
import type { DropReason, RequestRejectReason } from './refusals.js';

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerAddress: number;
}

export interface GuardCounts {
  dropped: Record<DropReason, number>;
  rejectedRequests: Record<RequestRejectReason, number>;
}

/** Whether part of a response is already on this socket, so another answer would corrupt it. */
function responseStarted(socket: Duplex): boolean {
  // Node's own clientError default looks at the same private link from socket to response.
  return (socket as Duplex & { _httpMessage?: { headersSent?: boolean } | null })._httpMessage?.headersSent === true;
}

export class ConnectionGuard {
  private readonly perAddress = new AddressCounts();

  constructor(
    server: Server,
    private readonly limits: ConnectionLimits,
    private readonly counts: GuardCounts,
  ) {
    server.maxConnections = limits.maxConnections;
    server.on('drop', () => {
      counts.dropped.total_cap += 1;
    });
    server.on('connection', this.onConnection);
    server.on('clientError', this.onClientError);
    // Once listening, an 'error' on the server is a failed accept (EMFILE and the like); nobody
    // listening for it would make it an uncaught exception in the host.
    server.on('error', () => {
      if (server.listening) counts.dropped.accept_error += 1;
    });
  }

  /** Connections open now, WebSockets included. */
  get open(): number {
    return this.perAddress.total;
  }

  private readonly onConnection = (socket: Socket): void => {
    const key = addressKey(socket.remoteAddress);
    if (!this.perAddress.tryAdd(key, this.limits.maxConnectionsPerAddress)) {
      this.counts.dropped.address_cap += 1;
      // No answer: writing one costs more than the refusal is worth to a client holding 32 already.
      socket.destroy();
      return;
    }
    socket.once('close', () => this.perAddress.remove(key));
  };

  private readonly onClientError = (err: Error & { code?: string }, socket: Duplex): void => {
    const verdict = clientErrorVerdict(err.code);
    if (verdict.reason === 'timeout') this.counts.dropped.timeout += 1;
    else if (verdict.reason === 'malformed') this.counts.rejectedRequests.malformed += 1;
    // Node has already put a no-op 'error' listener on the socket before asking us.
    if (verdict.response && socket.writable && !responseStarted(socket)) socket.write(verdict.response);
    socket.destroy();
  };
}
