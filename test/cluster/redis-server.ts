/**
 * A real redis-server (Debian's) per test: a random free loopback port, its own directory, no
 * persistence (`--save "" --appendonly no`), stopped by the test. kill() and restart() model a
 * crash and a comeback on the same port, as an operator's Redis would do.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface RedisServer {
  port: number;
  /** redis:// (or rediss:// with tls) on 127.0.0.1, with `auth` in it when given. */
  url: string;
  dir: string;
  /** PEM of the self-signed CA/server certificate, with tls. */
  ca: string | null;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface RedisOptions {
  tls?: boolean;
  /** Extra redis-server arguments (e.g. ['--requirepass', 'secret']). */
  args?: string[];
  /** userinfo for the URL: 'user:password' or ':password'. */
  auth?: string;
  /** A fixed port (the test found it free); default a random free one. */
  port?: number;
  /** An ACL user limited to threadboard's keys (the default user is switched off). */
  acl?: { user: string; password: string };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

function selfSigned(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

function launch(args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn('/usr/bin/redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not become ready: ${out.slice(-500)}`));
    }, 10_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out.slice(-500)}`));
    });
  });
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-redis-'));
  const tls = options.tls ? selfSigned(dir) : null;
  const acl = options.acl ? aclUserArgs(dir, options.acl.user, options.acl.password) : [];
  let port = 0;
  let child: ChildProcess | null = null;
  const argsFor = (p: number): string[] => [
    '--bind',
    '127.0.0.1',
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    '--daemonize',
    'no',
    '--loglevel',
    'notice',
    ...(tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(p),
          '--tls-cert-file',
          tls.cert,
          '--tls-key-file',
          tls.key,
          '--tls-ca-cert-file',
          tls.cert,
          '--tls-auth-clients',
          'no',
        ]
      : ['--port', String(p)]),
    ...acl,
    ...(options.args ?? []),
  ];
  // Another process may take the free port between the probe and the bind: try a few.
  for (let attempt = 0; ; attempt++) {
    port = options.port ?? (await freePort());
    try {
      child = await launch(argsFor(port));
      break;
    } catch (err) {
      if (attempt >= 4 || options.port !== undefined) throw err;
    }
  }
  const auth = options.acl ? `${options.acl.user}:${options.acl.password}@` : options.auth ? `${options.auth}@` : '';
  const server: RedisServer = {
    port,
    url: `${tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
    dir,
    ca: tls ? (await import('node:fs')).readFileSync(tls.cert, 'utf8') : null,
    async kill() {
      if (!child) return;
      const c = child;
      child = null;
      c.kill('SIGKILL');
      await exited(c);
    },
    async restart() {
      await server.kill();
      child = await launch(argsFor(port));
    },
    async stop() {
      const c = child;
      child = null;
      if (c) {
        c.kill('SIGTERM');
        const t = setTimeout(() => c.kill('SIGKILL'), 3000);
        await exited(c);
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return server;
}

/** An ACL file with one user limited to threadboard's keys (no pub/sub channel: reports travel in a stream). */
function aclUserArgs(dir: string, user: string, password: string): string[] {
  const file = path.join(dir, 'users.acl');
  writeFileSync(file, `user default off\nuser ${user} on >${password} ~threadboard:* +@all\n`);
  return ['--aclfile', file];
}
