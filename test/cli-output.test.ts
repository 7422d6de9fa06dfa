import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DashboardSnapshot } from '../dist/src/index.js';
import { ISO, waitFor } from './helpers.js';

const repo = path.resolve(import.meta.dirname, '..');

const CPU = /^CPU (\d+\.\d)% {2}load: \[(\d+\.\d\d), (\d+\.\d\d), (\d+\.\d\d)\] {2}cores: (\d+)$/;
const MEM = /^MEM \[([#-]{20})\] (\d+\.\d)% {2}(\d+)\/(\d+) MiB$/;
const REQ =
  /^REQ (\d+\.\d) rps {2}p50: (\d+\.\d\dms|–) {2}p99: (\d+\.\d\dms|–) {2}avg: (\d+\.\d\dms|–) {2}errors: (\d+\.\d\d)% {2}conns: (\d+) {2}total: (\d+)$/;
const PROC =
  /^PROC cpu: (\d+\.\d)% {2}rss: (\d+) MiB {2}heap: (\d+\.\d)\/(\d+) MiB {2}loop p99: (\d+\.\d\dms) {2}max: (\d+\.\d\dms) {2}busy: (\d+)% {2}gc: (\d+)$|^PROC \(waiting for the first interval\)$/;
const UPDATED = /^updated: (\S+)$/;
/** An app metric (dash.metrics): its name, then `key: value` pairs. */
const APP = /^APP ([A-Za-z_]\w*) {2}((?:\w+: \S+)(?: {2}\w+: \S+)*)$/;

const latency = (text: string): number | null => (text === '–' ? null : Number.parseFloat(text));

interface Block {
  cpu: { usage: number; load: number[]; cores: number };
  mem: { percent: number; usedMiB: number; totalMiB: number };
  /** null: no request of the interval had a known duration, shown as '–'. */
  req: { rps: number; p50: number | null; p99: number | null; errors: number; conns: number; total: number };
  updated: string;
  /** The APP lines, by metric name: each line's `key: value` pairs. */
  app: Record<string, Record<string, string>>;
}

/** One CPU/MEM/REQ/PROC/(APP…)/updated block, every line parsed; throws on any line out of shape. */
function parseBlock(all: string[]): Block {
  // One APP line per app metric sits between PROC and updated (the demo app keeps three).
  const appLines = all.slice(4, -1);
  const app: Block['app'] = {};
  for (const l of appLines) {
    const a = APP.exec(l);
    if (!a) throw new Error(`an APP line of a block is out of shape: ${JSON.stringify(l)}`);
    app[a[1]!] = Object.fromEntries(a[2]!.split('  ').map((kv) => kv.split(': ') as [string, string]));
  }
  const lines = [...all.slice(0, 4), ...all.slice(-1)];
  const [c, m, r, , u] = lines.map((l, i) => {
    const re = [CPU, MEM, REQ, PROC, UPDATED][i]!;
    const match = re.exec(l);
    if (!match) throw new Error(`line ${i + 1} of a block is out of shape: ${JSON.stringify(l)}`);
    return match;
  }) as [RegExpExecArray, RegExpExecArray, RegExpExecArray, RegExpExecArray, RegExpExecArray];
  return {
    cpu: { usage: Number(c[1]), load: [Number(c[2]), Number(c[3]), Number(c[4])], cores: Number(c[5]) },
    mem: { percent: Number(m[2]), usedMiB: Number(m[3]), totalMiB: Number(m[4]) },
    req: { rps: Number(r[1]), p50: latency(r[2]!), p99: latency(r[3]!), errors: Number(r[5]), conns: Number(r[6]), total: Number(r[7]) },
    updated: u[1]!,
    app,
  };
}

/** Text blocks separated by blank lines; the last one only once complete. */
function blocks(out: string): string[][] {
  const parts = out.split('\n\n');
  parts.pop();
  return parts.map((p) => p.split('\n'));
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(...args: string[]): {
  child: ChildProcessWithoutNullStreams;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: string | null }>;
} {
  const child = spawn(process.execPath, ['dist/run.js', ...args], { cwd: repo, stdio: 'pipe' });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const exit = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, out: () => out, err: () => err, exit };
}

describe('non-terminal output', () => {
  it('prints a CPU/MEM/REQ/PROC/updated block per interval, parseable, and stops cleanly on SIGTERM', async () => {
    const p = start('--interval', '200');
    const got = await waitFor('four blocks of output', () => (blocks(p.out()).length >= 4 ? blocks(p.out()) : null), 20_000);
    const parsed = got.map(parseBlock);
    for (const b of parsed) {
      expect(b.cpu.usage).toBeGreaterThanOrEqual(0);
      expect(b.cpu.usage).toBeLessThanOrEqual(100);
      expect(b.cpu.cores).toBeGreaterThan(0);
      expect(b.mem.usedMiB).toBeLessThanOrEqual(b.mem.totalMiB);
      expect(b.mem.totalMiB).toBeGreaterThan(0);
      expect(b.updated).toMatch(ISO);
      // Without --demo-traffic the CLI makes no requests of its own.
      expect(b.req.total).toBe(0);
    }
    // Fresh samples every interval: the timestamps move forward.
    const times = parsed.map((b) => Date.parse(b.updated));
    expect(times.at(-1)!).toBeGreaterThan(times[0]!);
    // eslint-disable-next-line no-control-regex -- the escape is what is being looked for
    expect(p.out()).not.toMatch(/\x1b\[/); // no terminal escapes when piped
    p.child.kill('SIGTERM');
    expect(await p.exit).toEqual({ code: 0, signal: null });
    expect(p.err()).toBe('');
  });

  it('with --demo-traffic: says so first, then the request figures move', async () => {
    const p = start('--interval', '200', '--demo-traffic');
    const got = await waitFor(
      'request totals from the demo traffic',
      () => {
        const bs = blocks(p.out());
        if (bs.length < 2) return null;
        const last = parseBlock(bs.at(-1)!);
        return last.req.total >= 5 && (last.req.p50 ?? 0) > 0 ? bs : null;
      },
      20_000,
    );
    expect(got[0]![0]).toMatch(/^DEMO TRAFFIC: requests come from a built-in app at http:\/\/127\.0\.0\.1:\d+ under a synthetic load/);
    const last = parseBlock(got.at(-1)!);
    expect(last.req.conns).toBeGreaterThanOrEqual(0);
    expect(last.req.p99!).toBeGreaterThanOrEqual(last.req.p50!);
    // The demo app's own app metrics, one APP line each, in the order it made them.
    expect(Object.keys(last.app)).toEqual(['demo_jobs_done', 'demo_jobs_in_progress', 'demo_job_duration_ms']);
    expect(Number(last.app.demo_jobs_done!.value)).toBeGreaterThan(0);
    expect(last.app.demo_job_duration_ms).toMatchObject({ count: expect.stringMatching(/^\d+$/) });
    p.child.kill('SIGINT');
    expect(await p.exit).toEqual({ code: 0, signal: null });
  });

  it('ends quietly with exit 0 when the reader goes away (| head)', async () => {
    const p = start('--interval', '100');
    await waitFor('a first block', () => blocks(p.out()).length >= 1, 20_000);
    p.child.stdout.destroy();
    expect(await p.exit).toEqual({ code: 0, signal: null });
    expect(p.err()).toBe('');
  });
});

describe('--json', () => {
  it('prints one snapshot with every section filled (it collects first), then exits 0', () => {
    const r = spawnSync(process.execPath, ['dist/run.js', '--json'], { cwd: repo, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout) as DashboardSnapshot;
    expect(Object.keys(s).sort()).toEqual(
      [
        'accessLog',
        'app',
        'channel',
        'collectionCount',
        'coordinator',
        'cpu',
        'custom',
        'health',
        'lastUpdated',
        'memory',
        'process',
        'requests',
        'stale',
        'workers',
      ].sort(),
    );
    expect(s.cpu).toMatchObject({ usage: expect.any(Number), cores: expect.any(Number) });
    expect(s.cpu!.loadAvg).toHaveLength(3);
    // A one-shot reading still covers a real window, not the few ms since the first sample.
    expect(s.cpu!.windowMs).toBeGreaterThanOrEqual(250);
    expect(s.cpu!.perCore).toHaveLength(s.cpu!.cores);
    expect(s.memory!.freeMiB).toBe(s.memory!.totalMiB - s.memory!.usedMiB);
    expect(s.requests).toMatchObject({ rps: 0, total: 0, activeConnections: 0 });
    expect(s.collectionCount).toBe(1);
    expect(s.lastUpdated).toMatch(ISO);
    expect(s.accessLog).toBeNull();
    expect(s.app).toEqual({}); // the CLI runs no code of its own that counts
    expect(s.coordinator).toMatchObject({ status: 'running', restarts: 0, threadId: expect.any(Number) });
    expect(s.workers.map((w: { name: string }) => w.name)).toEqual(['cpu', 'memory', 'requests']);
    for (const w of s.workers)
      expect(w).toMatchObject({ status: 'running', restarts: 0, lastExit: null, lastSampleAt: expect.stringMatching(ISO) });
  });

  it('with --demo-traffic the requests section has the demo requests in it', () => {
    const r = spawnSync(process.execPath, ['dist/run.js', '--json', '--demo-traffic', '--interval', '500'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout) as DashboardSnapshot;
    expect(s.requests!.total).toBeGreaterThan(0);
    expect(s.requests!.byStatus['2xx']).toBeGreaterThan(0);
    // The demo app counts its own answers with dash.metrics (before it sends each, so before the probe sees it).
    const app = s.app as Record<string, { type: string; value?: number; count?: number }>;
    expect(app.demo_jobs_done).toMatchObject({ type: 'counter' });
    expect(app.demo_jobs_done!.value).toBeGreaterThanOrEqual(s.requests!.byStatus['2xx']);
    expect(app.demo_jobs_in_progress).toMatchObject({ type: 'gauge' });
    expect(app.demo_job_duration_ms).toMatchObject({ type: 'histogram', unit: 'ms' });
    expect(app.demo_job_duration_ms!.count).toBeGreaterThanOrEqual(s.requests!.total);
  });
});
