/** Socket-level helpers for the web tests: raw handshakes, ws clients that record frames, a frame decoder. */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import WebSocket from 'ws';
import type { ServerFrame } from '../dist/src/frontends/web/index.js';
import { waitFor } from './helpers.js';

export interface RawHandshake {
  status: number;
  head: string;
  socket: net.Socket;
  /** Bytes after the response head (WebSocket frames, or an error body). */
  rest: Buffer;
}

/** Sends a WebSocket handshake by hand and reads the response head. */
export function rawHandshake(
  port: number,
  headers: Record<string, string> = {},
  path = '/ws',
  localAddress?: string,
): Promise<RawHandshake> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', ...(localAddress ? { localAddress } : {}) });
    let buf = Buffer.alloc(0);
    const all: Record<string, string> = {
      Host: `127.0.0.1:${port}`,
      Upgrade: 'websocket',
      Connection: 'Upgrade',
      'Sec-WebSocket-Key': randomBytes(16).toString('base64'),
      'Sec-WebSocket-Version': '13',
      ...headers,
    };
    socket.once('error', reject);
    socket.on('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\n${Object.entries(all)
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      socket.pause();
      const head = buf.subarray(0, end).toString('latin1');
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, socket, rest: buf.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

/** Resolves when the server has closed the raw socket. */
export function closedByPeer(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => {
    if (socket.destroyed || socket.readableEnded) return resolve();
    socket.resume();
    socket.once('close', () => resolve());
    socket.once('end', () => resolve());
  });
}

/** Decodes unmasked server-to-client WebSocket frames from a byte stream (text frames only matter here). */
export class FrameDecoder {
  private buf = Buffer.alloc(0);
  readonly texts: string[] = [];
  readonly opcodes: number[] = [];

  push(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.buf.length < 2) return;
      const opcode = this.buf[0]! & 0x0f;
      let len = this.buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (this.buf.length < 4) return;
        len = this.buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) return;
        len = Number(this.buf.readBigUInt64BE(2));
        off = 10;
      }
      if (this.buf.length < off + len) return;
      const payload = this.buf.subarray(off, off + len);
      this.opcodes.push(opcode);
      if (opcode === 1) this.texts.push(payload.toString('utf8'));
      this.buf = this.buf.subarray(off + len);
    }
  }
}

export interface RecordingClient {
  ws: WebSocket;
  frames: ServerFrame[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Opens a ws client that keeps every frame it receives; rejects with the HTTP status if refused. */
export function connectClient(url: string, options: WebSocket.ClientOptions = {}): Promise<RecordingClient> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, ...options });
    const frames: ServerFrame[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) =>
      ws.once('close', (code, reason) => r({ code, reason: reason.toString() })),
    );
    ws.on('message', (data) => frames.push(JSON.parse((data as Buffer).toString()) as ServerFrame));
    ws.once('open', () => resolve({ ws, frames, closed }));
    ws.once('unexpected-response', (_req, res) => {
      const err = Object.assign(new Error(`handshake refused with ${res.statusCode}`), { status: res.statusCode, headers: res.headers });
      res.resume();
      ws.terminate();
      reject(err);
    });
    ws.once('error', reject);
  });
}

/** The HTTP status a refused handshake got (fails if it was accepted). */
export async function refusedWith(
  url: string,
  options: WebSocket.ClientOptions = {},
): Promise<{ status: number; headers: Record<string, unknown> }> {
  try {
    const c = await connectClient(url, options);
    c.ws.terminate();
  } catch (err) {
    const e = err as { status?: number; headers?: Record<string, unknown> };
    if (typeof e.status === 'number') return { status: e.status, headers: e.headers ?? {} };
    throw err;
  }
  throw new Error('the handshake was accepted');
}

export function snapshotsOf(frames: ServerFrame[]): Extract<ServerFrame, { type: 'snapshot' }>[] {
  return frames.filter((f): f is Extract<ServerFrame, { type: 'snapshot' }> => f.type === 'snapshot');
}

export async function closeAll(clients: Array<RecordingClient | null | undefined>): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      if (!c || c.ws.readyState === WebSocket.CLOSED) return;
      c.ws.terminate();
      await c.closed;
    }),
  );
}

export { waitFor };
