/** Raw-socket helpers for the hostile web tests: idle and dribbling sockets, hand-written requests, GETs from a chosen address. */
import http from 'node:http';
import net from 'node:net';

export interface Idle {
  socket: net.Socket;
  /** Bytes the server sent (a cap drop sends none; Node's header timeout sends a 408). */
  received: Buffer;
  /** performance.now() when connected. */
  connectedAt: number;
  /** performance.now() when the server closed it, once it has. */
  closedAt: number | null;
  closed: Promise<void>;
}

/** Connects from `localAddress` (Linux routes all of 127/8 to loopback) and sends nothing. */
export function openIdle(port: number, localAddress = '127.0.0.1'): Promise<Idle> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress });
    let done: () => void = () => {};
    const idle: Idle = {
      socket,
      received: Buffer.alloc(0),
      connectedAt: 0,
      closedAt: null,
      closed: new Promise<void>((r) => (done = r)),
    };
    socket.on('data', (chunk: Buffer) => (idle.received = Buffer.concat([idle.received, chunk])));
    socket.on('close', () => {
      idle.closedAt = performance.now();
      done();
    });
    socket.once('error', (err) => {
      if (idle.connectedAt === 0) reject(err);
    });
    socket.once('connect', () => {
      idle.connectedAt = performance.now();
      // A reset from the server is an expected ending here, not a failure.
      socket.on('error', () => {});
      resolve(idle);
    });
  });
}

/** Sends `text` as is and resolves with the response head, then closes the socket. */
export function rawExchange(port: number, text: string, localAddress = '127.0.0.1'): Promise<{ status: number; head: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress }, () => socket.write(text));
    let buf = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = buf.subarray(0, end).toString('latin1');
      socket.destroy();
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head });
    });
    socket.once('error', reject);
    socket.once('close', () => reject(new Error(`closed without a response head (got ${JSON.stringify(buf.toString('latin1'))})`)));
  });
}

export interface Res {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function get(
  url: string,
  init: { headers?: Record<string, string>; localAddress?: string; agent?: http.Agent | false } = {},
): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { headers: init.headers ?? {}, agent: init.agent ?? false, localAddress: init.localAddress ?? '127.0.0.1' },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}
