/**
 * A real nginx (Debian package, scripts/system-deps.sh installs it) writes the access logs: two
 * formats (combined with $request_time appended, and plain combined), mixed statuses, a slow
 * upstream, some requests with a $remote_user that has a space in it, and both kinds of
 * rotation under load: `mv` + `nginx -s reopen`, then copytruncate (`cp`, then `truncate`).
 * Every count the dashboards report is compared with the lines nginx actually wrote.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { waitFor } from './helpers.js';

const run = promisify(execFile);
const NGINX = '/usr/sbin/nginx';
const REQUESTS = 2400;
const CONCURRENCY = 16;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

function nginxConf(dir: string, port: number, upstreamPort: number): string {
  return `
${process.getuid?.() === 0 ? 'user root;' : '# not root: workers run as this user'}
worker_processes 2;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${dir}/tmp/body;
  proxy_temp_path ${dir}/tmp/proxy;
  fastcgi_temp_path ${dir}/tmp/fastcgi;
  uwsgi_temp_path ${dir}/tmp/uwsgi;
  scgi_temp_path ${dir}/tmp/scgi;
  log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time';
  upstream slow { server 127.0.0.1:${upstreamPort}; keepalive 8; }
  server {
    listen 127.0.0.1:${port};
    access_log ${dir}/timed.log timed;
    access_log ${dir}/combined.log combined;
    location = /ok { return 200 "ok\\n"; }
    location = /missing { return 404; }
    location = /boom { return 500; }
    location /slow { proxy_pass http://slow; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
`;
}

type Counts = [number, number, number, number, number];
const zero = (): Counts => [0, 0, 0, 0, 0];

/** Status classes of every line in every file of a log (the log, .1, .2): what nginx wrote. */
function linesWritten(dir: string, name: string): { total: number; byClass: Counts } {
  const byClass = zero();
  let total = 0;
  for (const f of readdirSync(dir).filter((n) => n === name || n.startsWith(`${name}.`))) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line === '') continue;
      // The status follows the quoted request line: `"GET /ok HTTP/1.1" 200 3 …`.
      const status = Number(line.split('"')[2]!.trim().split(' ')[0]);
      byClass[Math.floor(status / 100) - 1]!++;
      total++;
    }
  }
  return { total, byClass };
}

describe('following real nginx access logs', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-nginx-'));
  chmodSync(dir, 0o755);
  const nginxArgs = ['-p', dir, '-c', path.join(dir, 'nginx.conf'), '-e', path.join(dir, 'error.log')];
  let nginx: ChildProcess | null = null;
  let nginxExit: Promise<void> = Promise.resolve();
  let upstream: http.Server | null = null;
  let port = 0;

  beforeAll(async () => {
    upstream = http.createServer((req, res) => {
      // 50–200 ms, like a real backend; one in five of its answers is a 503.
      const delay = 50 + Math.floor(Math.random() * 150);
      setTimeout(() => {
        res.statusCode = req.url?.includes('fail') ? 503 : 200;
        res.end('slow\n');
      }, delay);
    });
    await new Promise<void>((resolve) => upstream!.listen(0, '127.0.0.1', resolve));
    port = await freePort();
    for (const t of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(path.join(dir, 'tmp', t), { recursive: true });
    writeFileSync(path.join(dir, 'nginx.conf'), nginxConf(dir, port, (upstream.address() as net.AddressInfo).port));
    // Its own process group, so the fallback kill reaches the workers too.
    nginx = spawn(NGINX, [...nginxArgs, '-g', 'daemon off; master_process on;'], { stdio: 'ignore', detached: true });
    nginxExit = new Promise((resolve) => nginx!.on('exit', () => resolve()));
    await waitFor('nginx to answer', () => get('/ok').then((s) => s === 200), 15_000);
  });

  afterAll(async () => {
    if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
      await run(NGINX, [...nginxArgs, '-s', 'quit']).catch(() => undefined);
      const quit = await Promise.race([nginxExit.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
      if (!quit) process.kill(-nginx.pid!, 'SIGKILL');
    }
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  afterAll(() => agent.destroy());

  function get(urlPath: string, user?: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const headers = user ? { authorization: `Basic ${Buffer.from(`${user}:pw`).toString('base64')}` } : undefined;
      const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent, headers, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('timeout', () => req.destroy(new Error(`GET ${urlPath} timed out`)));
      req.on('error', reject);
    });
  }

  it('counts what nginx wrote, per status class, across mv + reopen and copytruncate under load', async () => {
    expect(existsSync(NGINX)).toBe(true);
    const dashes: Record<string, Dashboard> = {};
    for (const name of ['timed.log', 'combined.log'])
      dashes[name] = await startDashboard({
        builtins: ['requests'],
        httpProbe: false,
        accessLog: { path: path.join(dir, name), from: 'start', pollMs: 250 },
      });
    try {
      // The readiness probes answered before the load are lines in the logs too.
      const client = zero();
      client[1] += linesWritten(dir, 'combined.log').total;
      let next = 0;
      let done = 0;
      const rotations: Array<Promise<void>> = [];
      const deadline = Date.now() + 40_000;
      const pathFor = (i: number): string =>
        ['/ok', '/ok', '/ok', '/ok', '/ok', '/missing', '/boom', '/slow', '/slow', '/slow?fail'][i % 10]!;
      const worker = async (): Promise<void> => {
        while (next < REQUESTS && Date.now() < deadline) {
          const i = next++;
          const status = await get(pathFor(i), i % 13 === 0 ? 'us er' : undefined);
          client[Math.floor(status / 100) - 1]!++;
          done++;
          if (done === Math.floor(REQUESTS / 3)) rotations.push(moveAndReopen());
          if (done === Math.floor((2 * REQUESTS) / 3)) rotations.push(copyTruncate());
        }
      };
      const moveAndReopen = async (): Promise<void> => {
        for (const name of ['timed.log', 'combined.log']) renameSync(path.join(dir, name), path.join(dir, `${name}.1`));
        await run(NGINX, [...nginxArgs, '-s', 'reopen']);
      };
      const copyTruncate = async (): Promise<void> => {
        for (const name of ['timed.log', 'combined.log']) {
          const file = path.join(dir, name);
          await run('cp', [file, `${file}.2`]);
          await run('truncate', ['-s', '0', file]);
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      await Promise.all(rotations);
      expect(done).toBe(REQUESTS);
      const clientTotal = client.reduce((a, b) => a + b, 0);

      // nginx logs a request after answering it: wait until every answer is in a file, or was
      // emptied by the copytruncate (written between the copy and the truncate: in no file).
      let settled = -1;
      await waitFor(
        'nginx to finish writing',
        () => {
          const now = linesWritten(dir, 'combined.log').total;
          const stable = now === settled;
          settled = now;
          return stable;
        },
        10_000,
        200,
      );

      for (const [name, dash] of Object.entries(dashes)) {
        const written = linesWritten(dir, name);
        await dash.collect();
        const s = await dash.getDashboard();
        const ours = Object.values(s.requests!.byStatus) as Counts;
        console.log(
          `${name}: client ${clientTotal} ${JSON.stringify(client)}, in files ${written.total} ${JSON.stringify(written.byClass)}, ` +
            `counted ${s.requests!.total} ${JSON.stringify(ours)}; truncations ${s.accessLog!.truncations}, rotations ${s.accessLog!.rotations}`,
        );
        expect(s.accessLog).toMatchObject({ status: 'following', malformed: 0, truncations: 1, rotations: 1 });
        // Every line that is in a file was counted, none twice; the only lines counted beyond
        // the files are those read before the truncate emptied them, and each was an answer.
        for (let c = 0; c < 5; c++) {
          expect(ours[c]).toBeGreaterThanOrEqual(written.byClass[c]!);
          expect(ours[c]).toBeLessThanOrEqual(client[c]!);
        }
        expect(s.requests!.total).toBeGreaterThanOrEqual(written.total);
        expect(s.requests!.total).toBeLessThanOrEqual(clientTotal);
        expect(s.accessLog!.lines).toBe(s.requests!.total);
      }
    } finally {
      await Promise.all(Object.values(dashes).map((d) => d.stop()));
    }
  });
});
