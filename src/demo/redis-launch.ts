/**
 * A throwaway redis-server for the cluster demo and the benchmarks: Debian's binary (installed by
 * scripts/system-deps.sh), on a free 127.0.0.1 port, in a temporary directory, with no
 * persistence (`--save "" --appendonly no`), stopped by whoever started it. kill() and restart()
 * model a crash and a comeback on the same port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** Where Debian and most distributions put it, beyond PATH (a non-login shell may lack /usr/sbin). */
const FALLBACK_DIRS = ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];

/** Where redis-server is: $THREADBOARD_REDIS_SERVER, then PATH, then the usual places; null if nowhere. */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env, fallbacks: readonly string[] = FALLBACK_DIRS): string | null {
  const explicit = env.THREADBOARD_REDIS_SERVER;
  const candidates = explicit
    ? [explicit]
    : [...(env.PATH ?? '').split(':').filter(Boolean), ...fallbacks].map((d) => path.join(d, 'redis-server'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not there: the next place
    }
  }
  return null;
}

/** What to tell someone without redis-server. */
export function redisMissingMessage(env: NodeJS.ProcessEnv = process.env): string {
  const where = env.THREADBOARD_REDIS_SERVER
    ? `THREADBOARD_REDIS_SERVER=${env.THREADBOARD_REDIS_SERVER} is not an executable file`
    : 'redis-server is not installed (not on PATH, nor in /usr/bin or /usr/sbin)';
  return [
    `threadboard: ${where}.`,
    'Cluster mode runs over Redis; install it with:',
    '  bash scripts/system-deps.sh          (Debian/Ubuntu: installs redis-server and the other test tools)',
    '  sudo apt-get install redis-server    (Debian/Ubuntu)',
    '  brew install redis                   (macOS)',
    'or point THREADBOARD_REDIS_SERVER at a redis-server binary. The packaged service need not run: a private one is started on a free port.',
  ].join('\n');
}

export interface LocalRedis {
  port: number;
  url: string;
  /** Its working directory (removed by stop()). */
  dir: string;
  kill(): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface LocalRedisOptions {
  /** Its working directory, removed by stop(); default a new temporary one. */
  dir?: string;
  /** A fixed port (the caller found it free); default a free one, tried again if taken meanwhile. */
  port?: number;
  /** The arguments that open the port: `--port P` by default; TLS opens it as `--tls-port P`. */
  listenArgs?: (port: number) => string[];
  /** More redis-server arguments. */
  args?: string[];
  /** The redis-server binary; default findRedisServer(). */
  bin?: string | null;
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

function launch(bin: string, args: string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not become ready within 10 s: ${out.slice(-300)}`));
    }, 10_000);
    const onData = (d: string): void => {
      // Bounded: only the tail matters for an error message.
      out = (out + d).slice(-4000);
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        resolve(child);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.resume();
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code}: ${out.slice(-300)}`));
    });
  });
}

const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));

/** Starts a private redis-server; throws with redisMissingMessage() if there is none. */
export async function startLocalRedis(options: LocalRedisOptions = {}): Promise<LocalRedis> {
  const bin = options.bin === undefined ? findRedisServer() : options.bin;
  if (!bin) throw new Error(redisMissingMessage());
  const dir = options.dir ?? mkdtempSync(path.join(os.tmpdir(), 'threadboard-redis-'));
  const listen = options.listenArgs ?? ((p: number): string[] => ['--port', String(p)]);
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
    ...listen(p),
    ...(options.args ?? []),
  ];
  let port = 0;
  let child: ChildProcess | null = null;
  // Another process may take the free port between the probe and the bind: try a few.
  for (let attempt = 0; child === null; attempt++) {
    port = options.port ?? (await freePort());
    try {
      child = await launch(bin, argsFor(port));
    } catch (err) {
      if (attempt >= 4 || options.port !== undefined) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  const redis: LocalRedis = {
    port,
    url: `redis://127.0.0.1:${port}`,
    dir,
    async kill() {
      const c = child;
      child = null;
      if (!c) return;
      c.kill('SIGKILL');
      await exited(c);
    },
    async restart() {
      await redis.kill();
      child = await launch(bin, argsFor(port));
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
  return redis;
}
