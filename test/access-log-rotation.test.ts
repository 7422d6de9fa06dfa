/**
 * Rotation as `tail -F` handles it: truncation seen even after regrowth, symlink swaps, late
 * writers to a renamed file, and copytruncate under load with the writer and the rotator in
 * processes of their own (so they race the follower for real).
 */
import { spawn } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';

const fixtures = path.join(import.meta.dirname, 'fixtures');
// 'copy' (default): copy and truncate from one process, as logrotate does; 'commands': `cp`, then `truncate -s 0`.
const ROTATE_WITH = process.env.THREADBOARD_ROTATE_WITH === 'commands' ? 'commands' : 'copy';

function line(i: number, status = 200): string {
  return `10.0.0.${i % 250} - - [22/Nov/2026:10:00:${String(i % 60).padStart(2, '0')} +0000] "GET /n/${i} HTTP/1.1" ${status} 5 "-" "t" 0.004\n`;
}
function lines(from: number, n: number): string {
  let s = '';
  for (let i = from; i < from + n; i++) s += line(i);
  return s;
}

async function counted(dash: Dashboard): Promise<number> {
  await dash.collect();
  return (await dash.getDashboard()).requests!.total;
}

/** Runs a fixture script in its own process; resolves with the JSON line it prints. */
function runFixture<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(fixtures, script), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(out) as T);
      else reject(new Error(`${script} exited ${code}: ${err}`));
    });
  });
}

interface Written {
  written: number;
  byClass: number[];
}

/** Lines in every file of a log at the end (the log and its copies): what survived rotation. */
function linesInFiles(file: string): number {
  let n = 0;
  for (const f of readdirSync(path.dirname(file)).filter((x) => x.startsWith(path.basename(file))))
    for (const b of readFileSync(path.join(path.dirname(file), f))) if (b === 10) n++;
  return n;
}

/**
 * Writer and rotator race the follower (and GNU `tail -F`, for reference); returns what was
 * written, what survived in the files, and what each counted.
 */
async function underLoad(file: string, opts: { lines: number; rate: number; delays: number[]; pollMs: number }) {
  writeFileSync(file, '');
  const dash = await startDashboard({ builtins: ['requests'], httpProbe: false, accessLog: { path: file, pollMs: opts.pollMs } });
  const tail = spawn('tail', ['-n', '+1', '-F', file], { stdio: ['ignore', 'pipe', 'ignore'] });
  let tailLines = 0;
  tail.stdout.on('data', (d: Buffer) => {
    for (const b of d) if (b === 10) tailLines++;
  });
  try {
    const budget = (opts.lines / opts.rate) * 1000 + 30_000;
    const [w] = await Promise.all([
      runFixture<Written>('log-writer.mjs', [file, String(opts.lines), String(opts.rate)], budget),
      runFixture('log-rotator.mjs', [file, opts.delays.join(','), ROTATE_WITH], budget),
    ]);
    await dash.collect();
    const s = await dash.getDashboard();
    const inFiles = linesInFiles(file);
    return { w, inFiles, tailLines, total: s.requests!.total, byClass: Object.values(s.requests!.byStatus), log: s.accessLog! };
  } finally {
    tail.kill();
    await dash.stop();
  }
}

/** One line with every figure of a run under load: printed, and carried by each assertion (CI keeps only the log's end). */
function describeRun(label: string, r: Awaited<ReturnType<typeof underLoad>>): string {
  return (
    `${label} (${ROTATE_WITH}): counted ${r.total} of ${r.w.written}, ${r.inFiles} left in the files, ` +
    `tail -F printed ${r.tailLines} (${r.log.truncations} truncations seen)`
  );
}

describe('rotation, as tail -F sees it', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-rotation-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a truncation followed by regrowth past the old offset before the next look is still a truncation', async () => {
    const file = path.join(dir, 'regrow.log');
    writeFileSync(file, '');
    const dash = await startDashboard({ builtins: ['requests'], httpProbe: false, accessLog: { path: file, pollMs: 1000 } });
    try {
      appendFileSync(file, lines(0, 2));
      expect(await counted(dash)).toBe(2);
      // No await in between: the follower (on this event loop) cannot look before the regrowth.
      truncateSync(file, 0);
      appendFileSync(file, lines(100, 3));
      expect(await counted(dash)).toBe(5);
      expect((await dash.getDashboard()).accessLog!).toMatchObject({ truncations: 1, malformed: 0 });
    } finally {
      await dash.stop();
    }
  });

  it('a symlink swapped a → b → a counts every line once', async () => {
    const a = path.join(dir, 'a.log');
    const b = path.join(dir, 'b.log');
    const link = path.join(dir, 'current.log');
    writeFileSync(a, lines(0, 10));
    writeFileSync(b, lines(10, 10));
    symlinkSync(a, link);
    // Swapped atomically, as deploy tools do (ln -sfn is an unlink plus a symlink).
    const point = (target: string): void => {
      symlinkSync(target, `${link}.tmp`);
      renameSync(`${link}.tmp`, link);
    };
    const dash = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      accessLog: { path: link, from: 'start', pollMs: 1000 },
    });
    try {
      expect(await counted(dash)).toBe(10);
      point(b);
      expect(await counted(dash)).toBe(20);
      point(a);
      expect(await counted(dash)).toBe(20);
      appendFileSync(a, lines(20, 5));
      expect(await counted(dash)).toBe(25);
      expect((await dash.getDashboard()).accessLog!.rotations).toBe(2);
    } finally {
      await dash.stop();
    }
  });

  it('after a rename rotation, lines a writer still appends to the old file are counted (nginx before reopen)', async () => {
    const file = path.join(dir, 'renamed.log');
    writeFileSync(file, lines(0, 10));
    const dash = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      accessLog: { path: file, from: 'start', pollMs: 1000 },
    });
    try {
      expect(await counted(dash)).toBe(10);
      renameSync(file, `${file}.1`);
      writeFileSync(file, lines(10, 5));
      expect(await counted(dash)).toBe(15);
      // A worker that has not reopened yet.
      appendFileSync(`${file}.1`, lines(15, 3));
      appendFileSync(file, lines(18, 2));
      expect(await counted(dash)).toBe(20);
    } finally {
      await dash.stop();
    }
  });

  // The scenario, whole (40 s): 0.1 % of it is 16 lines over five rotations. A quarter
  // of it (4,000 lines, 4 allowed) failed once on a loaded CI machine, where each copy-to-truncate
  // window (the only time a line exists nowhere but in the live file) lasts longer.
  const LINES = Number(process.env.THREADBOARD_ROTATION_LINES ?? 16000);

  it(`five copytruncates while ${LINES} lines are written at 400/s: at most 0.1 % lost, none counted twice`, async () => {
    const every = Math.floor(((LINES / 400) * 1000) / 6);
    const r = await underLoad(path.join(dir, 'copytruncate.log'), {
      lines: LINES,
      rate: 400,
      delays: [every, every, every, every, every],
      pollMs: 250,
    });
    const figures = describeRun('copytruncate ×5 at 400 lines/s', r);
    console.log(figures);
    expect(r.log.truncations, figures).toBe(5);
    expect(r.total, figures).toBeLessThanOrEqual(r.w.written);
    r.byClass.forEach((n, i) => expect(n, figures).toBeLessThanOrEqual(r.w.byClass[i]!));
    expect(r.w.written - r.total, figures).toBeLessThanOrEqual(Math.ceil(r.w.written * 0.001));
  }, 120_000);

  it('a storm of 100 copytruncates 5–30 ms apart at pollMs 50: none counted twice, nearly all counted', async () => {
    const delays = [300, ...Array.from({ length: 99 }, (_, i) => 5 + ((i * 7) % 26))];
    const r = await underLoad(path.join(dir, 'storm.log'), { lines: 2000, rate: 1000, delays, pollMs: 50 });
    const figures = describeRun('copytruncate storm', r);
    console.log(figures);
    expect(r.total, figures).toBeLessThanOrEqual(r.w.written);
    r.byClass.forEach((n, i) => expect(n, figures).toBeLessThanOrEqual(r.w.byClass[i]!));
    // Before: 720 of 2,000. A generation written and rotated away entirely between two looks
    // is not seen (tail -F loses those too when it is not scheduled in time).
    // Here 1957-1990 of 2,000 on a quiet machine; 1733 at a load average of 10 (the follower not
    // scheduled between two rotations): the bound is for a loaded CI machine.
    expect(r.total, figures).toBeGreaterThanOrEqual(r.w.written * 0.8);
  });
});
