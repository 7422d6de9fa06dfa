/**
 * A followed access log must never harm the host process: no crash (unhandled rejection), no
 * hang of collect() or stop(), no runaway memory, whatever the path turns into. Each scenario
 * runs in a child host process (see log-host.ts).
 */
import { execFileSync, spawn } from 'node:child_process';
import {
  appendFileSync,
  chmodSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  renameSync,
  rmdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../helpers.js';
import { LogHost, unprivileged, type StopReply } from './log-host.js';

const LINE = '10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 5 "-" "curl/8" 0.004\n';
const lines = (n: number): string => LINE.repeat(n);
const repo = path.resolve(import.meta.dirname, '..', '..');

/** What the follower could leave behind: a descriptor (FileHandle) or an fs.watch handle. */
function followerLeftovers(stopped: StopReply): string[] {
  return stopped.resources.filter((r) => r === 'FileHandle' || r.startsWith('FSEvent'));
}

describe('hostile access logs', () => {
  // Readable by `nobody`, for the scenarios that drop root's privileges.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-hostile-log-'));
  chmodSync(dir, 0o755);
  let n = 0;
  const fresh = (): string => path.join(dir, `access-${++n}.log`);
  const hosts: LogHost[] = [];
  const host = (...args: ConstructorParameters<typeof LogHost>): LogHost => {
    const h = new LogHost(...args);
    hosts.push(h);
    return h;
  };
  afterEach(() => {
    for (const h of hosts.splice(0)) h.kill();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const asUser = unprivileged();
  // Root reads any file whatever its mode; without a way to drop privileges EACCES cannot be made.
  const itAsUser = asUser ? it : it.skip;

  /**
   * Stops the host and checks that the follower released its descriptors and watches, and that
   * nothing (no timer, watch, thread) keeps the process from exiting 0 on its own.
   */
  async function stopCleanly(h: LogHost): Promise<void> {
    const stopped = await h.stop();
    expect(stopped.ms).toBeLessThan(2000);
    expect(followerLeftovers(stopped)).toEqual([]);
    expect(stopped.fds).toEqual([]);
    const exit = await h.exited;
    expect(exit).toMatchObject({ code: 0, signal: null });
  }

  itAsUser('EACCES at open: reported as an error state, never thrown into the host; followed once readable', async () => {
    const file = fresh();
    writeFileSync(file, lines(2));
    chmodSync(file, 0o000);
    const h = host(file, { asUser: asUser! });
    await h.ready();
    const e = await h.event('error', 'EACCES');
    expect(e.detail).toBe(`cannot read ${file}: permission denied (EACCES); retrying`);
    const c = await h.collect();
    expect(c.error).toBeNull();
    expect(c.accessLog).toMatchObject({ status: 'error', error: { code: 'EACCES', message: 'permission denied' }, lines: 0 });
    expect(c.ms).toBeLessThan(1000);
    chmodSync(file, 0o644);
    // Retries back off to at most 5 s.
    await h.event('following', undefined, 10_000);
    expect((await h.collect()).total).toBe(2);
    await stopCleanly(h);
  });

  it('the path becomes a directory: EISDIR as a state, no crash, and followed again once it is a file', async () => {
    const file = fresh();
    writeFileSync(file, lines(1));
    const h = host(file);
    await h.ready();
    expect((await h.collect()).total).toBe(1);
    unlinkSync(file);
    mkdirSync(file);
    await h.event('error', 'EISDIR');
    const c = await h.collect();
    expect(c.error).toBeNull();
    expect(c.accessLog).toMatchObject({ status: 'error', error: { code: 'EISDIR' } });
    expect(c.accessLog.detail).toMatch(/the path is a directory; only regular files are read/);
    rmdirSync(file);
    writeFileSync(file, lines(3));
    await h.event('following', undefined, 10_000);
    expect((await h.collect()).total).toBe(4);
    await stopCleanly(h);
  });

  itAsUser('rotation to an unreadable file: the old file is finished, the new one reported, then read once readable', async () => {
    const file = fresh();
    writeFileSync(file, lines(2));
    const h = host(file, { asUser: asUser! });
    await h.ready();
    expect((await h.collect()).total).toBe(2);
    appendFileSync(file, lines(1));
    renameSync(file, `${file}.1`);
    writeFileSync(file, lines(3), { mode: 0o000 });
    chmodSync(file, 0o000);
    await h.event('error', 'EACCES');
    const c = await h.collect();
    expect(c.error).toBeNull();
    expect(c.total).toBe(3);
    expect(c.accessLog.rotations).toBe(1);
    chmodSync(file, 0o644);
    await h.event('following', undefined, 10_000);
    expect((await h.collect()).total).toBe(6);
    await stopCleanly(h);
  });

  it('a path that does not exist yet is waited for, visibly, then followed from its first line', async () => {
    const file = fresh();
    const h = host(file, { from: 'end' });
    const ready = await h.ready();
    expect(ready).toMatchObject({ status: 'waiting', detail: `waiting for ${file} to appear`, error: null });
    expect((await h.collect()).accessLog.status).toBe('waiting');
    writeFileSync(file, lines(2));
    const e = await h.event('following');
    expect(e.detail).toBe(`following ${file}`);
    expect((await h.collect()).total).toBe(2);
    await stopCleanly(h);
  });

  it('the plain CLI output says it is waiting for the file, then that it follows it', async () => {
    const file = fresh();
    const child = spawn(process.execPath, ['dist/run.js', '--plain', '--interval', '200', '--access-log', file], { cwd: repo });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      await waitFor('a LOG line saying it waits', () => out.includes(`LOG waiting for ${file} to appear  lines: 0`), 20_000);
      writeFileSync(file, lines(1));
      await waitFor('the change printed', () => out.includes(`threadboard: access log: following ${file}\n`), 20_000);
      await waitFor('the line counted', () => out.includes(`LOG following ${file}  lines: 1  malformed: 0`), 20_000);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a FIFO at the path is never opened for a blocking read: NOT_REGULAR_FILE, collect() and stop() stay prompt', async () => {
    const file = fresh();
    const h = host(file);
    await h.ready();
    execFileSync('mkfifo', [file]);
    await h.event('error', 'NOT_REGULAR_FILE');
    const c = await h.collect();
    expect(c.ms).toBeLessThan(1000);
    expect(c.accessLog.detail).toMatch(/the path is a FIFO \(named pipe\); only regular files are read/);
    await stopCleanly(h);
  });

  it.each(['/dev/zero', '/dev/urandom'])('a symlink to %s is never read: bounded memory, prompt collect() and stop()', async (device) => {
    const file = fresh();
    const h = host(file);
    await h.ready();
    symlinkSync(device, file);
    await h.event('error', 'NOT_REGULAR_FILE');
    const c = await h.collect();
    expect(c.ms).toBeLessThan(1000);
    expect(c.accessLog).toMatchObject({ lines: 0, status: 'error' });
    expect(c.accessLog.detail).toMatch(/character device/);
    expect(c.rssMb).toBeLessThan(200);
    await stopCleanly(h);
  });

  it('a 200 MB line without a newline: memory stays bounded, the loop never stalls, collect() and stop() complete', async () => {
    const file = fresh();
    writeFileSync(file, lines(1));
    const h = host(file, { callTimeoutMs: 3000 });
    await h.ready();
    expect((await h.collect()).total).toBe(1);
    const base = (await h.collect()).rssMb;
    const fd = openSync(file, 'a');
    const block = Buffer.alloc(8 << 20, 0x61);
    for (let i = 0; i < 25; i++) writeSync(fd, block);
    closeSync(fd);
    // collect() waits at most callTimeoutMs for the log; the rest is read on later turns.
    let last = await h.collect();
    let maxRss = last.rssMb;
    let maxStall = last.maxStallMs;
    expect(last.ms).toBeLessThan(3000 + 1000);
    while (last.accessLog.pendingBytes > 0) {
      last = await h.collect();
      maxRss = Math.max(maxRss, last.rssMb);
      maxStall = Math.max(maxStall, last.maxStallMs);
      expect(last.ms).toBeLessThan(3000 + 1000);
    }
    appendFileSync(file, `\n${LINE}`);
    const c = await h.collect();
    expect(c.total).toBe(2);
    expect(c.accessLog).toMatchObject({ lines: 3, malformed: 1, overlong: 1, status: 'following' });
    // Before: one buffer doubled to hold the whole line (464 MB RSS, a 464 ms stall).
    console.log(`200 MB line: RSS +${(maxRss - base).toFixed(1)} MB, longest event-loop stall ${maxStall.toFixed(1)} ms`);
    expect(maxRss - base).toBeLessThan(100);
    expect(maxStall).toBeLessThan(250);
    await stopCleanly(h);
  });
});
