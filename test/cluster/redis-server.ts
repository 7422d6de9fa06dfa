/**
 * A real redis-server (Debian's) per test: a random free loopback port, its own directory, no
 * persistence (`--save "" --appendonly no`), stopped by the test. kill() and restart() model a
 * crash and a comeback on the same port, as an operator's Redis would do.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startLocalRedis } from '../../dist/src/demo/redis-launch.js';

export { freePort };

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

export async function startRedis(options: RedisOptions = {}): Promise<RedisServer> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-redis-'));
  const tls = options.tls ? selfSigned(dir) : null;
  const acl = options.acl ? aclUserArgs(dir, options.acl.user, options.acl.password) : [];
  const local = await startLocalRedis({
    bin: '/usr/bin/redis-server',
    dir,
    ...(options.port !== undefined && { port: options.port }),
    ...(tls && {
      listenArgs: (p: number) => [
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
      ],
    }),
    args: ['--loglevel', 'notice', ...acl, ...(options.args ?? [])],
  });
  const auth = options.acl ? `${options.acl.user}:${options.acl.password}@` : options.auth ? `${options.auth}@` : '';
  return {
    ...local,
    url: `${tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${local.port}`,
    ca: tls ? readFileSync(tls.cert, 'utf8') : null,
  };
}

/** An ACL file with one user limited to threadboard's keys (no pub/sub channel: reports travel in a stream). */
function aclUserArgs(dir: string, user: string, password: string): string[] {
  const file = path.join(dir, 'users.acl');
  writeFileSync(file, `user default off\nuser ${user} on >${password} ~threadboard:* +@all\n`);
  return ['--aclfile', file];
}
