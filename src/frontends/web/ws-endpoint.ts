/**
 * The WebSocket endpoint's plumbing: admits or refuses each handshake on the raw socket
 * (upgrade.ts decides), hands admitted sockets to the hub, and runs validated crash commands.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer, type ServerOptions } from 'ws';
import type { CrashReport } from '../../events.js';
import type { FaultKind } from '../../protocol/control.js';
import { addressKey } from './address.js';
import type { AuthFailures } from './auth-failures.js';
import type { HubClient } from './client.js';
import { encodeFrame, messageBytes, parseClientMessage, type CrashCommand } from './frames.js';
import type { ClientHub } from './hub.js';
import type { ResolvedWebOptions } from './options.js';
import { RateLimiter } from './rate-limiter.js';
import { headerCount } from './raw-headers.js';
import { zeroCounts } from './refusals.js';
import { presentedTokens } from './token.js';
import { admitUpgrade, REJECT_REASONS, rejectUpgrade, type RejectReason, type UpgradeLimits } from './upgrade.js';

export interface WsEndpointDeps {
  options: ResolvedWebOptions;
  hub: ClientHub;
  crash: (target: string, how: FaultKind) => Promise<CrashReport>;
  cookieName: () => string;
  /** The wrong-token budget plain HTTP spends too. */
  authFailures: AuthFailures;
}

export class WsEndpoint {
  readonly rejected: Record<RejectReason, number> = zeroCounts(REJECT_REASONS);
  private readonly wss: WebSocketServer;
  private readonly limits: UpgradeLimits;
  /** Refused sockets still flushing their answer; destroyed on close(). */
  private readonly refusing = new Set<Duplex>();
  private closed = false;

  constructor(private readonly deps: WsEndpointDeps) {
    const { options } = deps;
    this.limits = {
      handshakes: new RateLimiter(options.connectionRate.max, options.connectionRate.windowMs),
      authFailures: deps.authFailures,
    };
    // closeTimeout is a ws 8.19+ option that @types/ws does not list yet.
    const wsOptions: ServerOptions & { closeTimeout: number } = {
      noServer: true,
      clientTracking: false,
      // Compression would cost every client its own deflate state and CPU per frame.
      perMessageDeflate: false,
      maxPayload: options.maxPayloadBytes,
      maxFragments: 16,
      // A peer that ignores our close frame is cut off after this long, not after ws's default 30 s.
      closeTimeout: 2000,
    };
    this.wss = new WebSocketServer(wsOptions);
  }

  /** The http.Server 'upgrade' listener. */
  readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A peer resetting mid-handshake must not become an uncaught error.
    socket.on('error', () => socket.destroy());
    if (this.closed) return void socket.destroy();
    const { options, hub } = this.deps;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return this.refuse(socket, 400, 'bad request target');
    }
    const key = addressKey(req.socket.remoteAddress);
    const verdict = admitUpgrade(
      {
        pathname: url.pathname,
        host: req.headers.host,
        hostHeaders: headerCount(req.rawHeaders, 'host'),
        origin: req.headers.origin,
        tokens: options.token === null ? [] : presentedTokens(req.headers, url, this.deps.cookieName()),
        addressKey: key,
      },
      options,
      this.limits,
      hub.size,
    );
    if (!verdict.ok) {
      this.rejected[verdict.reason] += 1;
      return this.refuse(socket, verdict.status, verdict.message, verdict.headers);
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, key));
  };

  private refuse(socket: Duplex, status: number, message: string, headers?: Record<string, string>): void {
    this.refusing.add(socket);
    socket.once('close', () => this.refusing.delete(socket));
    rejectUpgrade(socket, status, message, headers);
  }

  private onConnection(ws: WebSocket, address: string): void {
    const client = this.deps.hub.add(ws, address);
    // ws closes the connection itself after a protocol error (oversized or malformed frame).
    ws.on('error', () => {});
    ws.on('close', () => this.deps.hub.remove(client));
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== WebSocket.OPEN) return;
      const parsed = parseClientMessage(messageBytes(data), isBinary, this.deps.options.control);
      if (!parsed.ok) ws.close(parsed.code, parsed.reason);
      else this.runCrash(client, parsed.command);
    });
  }

  private runCrash(client: HubClient, cmd: CrashCommand): void {
    const reply = (r: { ok: true; report: CrashReport } | { ok: false; error: string }): void =>
      client.sendNow(encodeFrame({ type: 'crash-result', id: cmd.id, ...r }));
    if (client.controlBusy) return reply({ ok: false, error: 'the previous crash command is still running' });
    client.controlBusy = true;
    this.deps
      .crash(cmd.target, cmd.how)
      .then(
        (report) => reply({ ok: true, report }),
        (err: unknown) => reply({ ok: false, error: err instanceof Error ? err.message : String(err) }),
      )
      .finally(() => {
        client.controlBusy = false;
      });
  }

  /** Refuses new handshakes and drops the ones being refused; the hub closes the open connections. */
  close(): void {
    this.closed = true;
    for (const s of this.refusing) s.destroy();
    this.wss.close();
  }
}
