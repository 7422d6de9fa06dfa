import { describe, expect, it } from 'vitest';
import { accessLogLine } from '../../dist/src/frontends/cli/text-lines.js';
import { backoffMs, BACKOFF_CAP_MS, describeState, problemOf, sameState, wrongKind } from '../../dist/src/main/access-log/status.js';
import { TickLoop } from '../../dist/src/main/access-log/tick-loop.js';
import type { AccessLogSection } from '../../dist/src/snapshot.js';
import { DashboardState } from '../../dist/src/frontends/tui/dashboard-state.js';
import { visibleText } from '../../dist/src/frontends/tui/tags.js';

const kind = (k: 'dir' | 'fifo' | 'chr') => ({
  isDirectory: () => k === 'dir',
  isFIFO: () => k === 'fifo',
  isCharacterDevice: () => k === 'chr',
  isBlockDevice: () => false,
  isSocket: () => false,
});

describe('access-log status', () => {
  it('retries after pollMs, doubling, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 30].map((n) => backoffMs(n, 250))).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(backoffMs(3, 60_000)).toBe(60_000);
    expect(BACKOFF_CAP_MS).toBe(5000);
  });

  it('names the problem by its OS code, without repeating code and path in the message', () => {
    const err = Object.assign(new Error("EACCES: permission denied, open '/var/log/x.log'"), { code: 'EACCES' });
    expect(problemOf(err, 'T')).toEqual({ code: 'EACCES', message: 'permission denied', since: 'T' });
    expect(problemOf('odd', 'T')).toEqual({ code: 'UNKNOWN', message: 'odd', since: 'T' });
    expect(wrongKind(kind('dir')).code).toBe('EISDIR');
    expect(wrongKind(kind('fifo'))).toMatchObject({
      code: 'NOT_REGULAR_FILE',
      message: 'the path is a FIFO (named pipe); only regular files are read',
    });
    expect(wrongKind(kind('chr')).message).toMatch(/character device/);
  });

  it('says what it does in one line, and tells changes apart by status and code', () => {
    const error = { code: 'EACCES', message: 'permission denied', since: 'T' };
    expect(describeState('/l', { status: 'following', error: null })).toBe('following /l');
    expect(describeState('/l', { status: 'waiting', error: null })).toBe('waiting for /l to appear');
    expect(describeState('/l', { status: 'error', error })).toBe('cannot read /l: permission denied (EACCES); retrying');
    expect(sameState({ status: 'error', error }, { status: 'error', error: { ...error, since: 'later' } })).toBe(true);
    expect(sameState({ status: 'error', error }, { status: 'error', error: { ...error, code: 'EISDIR' } })).toBe(false);
    expect(sameState({ status: 'waiting', error: null }, { status: 'following', error: null })).toBe(false);
  });
});

describe('access-log state in the front ends', () => {
  const section = (over: Partial<AccessLogSection>): AccessLogSection => ({
    path: '/l',
    status: 'following',
    detail: 'following /l',
    error: null,
    lines: 3,
    malformed: 1,
    overlong: 0,
    malformedExample: null,
    truncations: 0,
    rotations: 0,
    pendingBytes: 0,
    watching: true,
    replay: null,
    ...over,
  });

  it('the plain output has a LOG line with the state first', () => {
    expect(accessLogLine(section({ status: 'waiting', detail: 'waiting for /l to appear' }))).toBe(
      'LOG waiting for /l to appear  lines: 3  malformed: 1',
    );
  });

  it('the terminal event log gets one line per change, from the first snapshot or an event', () => {
    const st = new DashboardState(1000);
    const at = '2026-11-22T10:00:00.000Z';
    st.onAccessLog({ path: '/l', status: 'waiting', detail: 'waiting for /l to appear', error: null, at });
    st.onAccessLog({ path: '/l', status: 'waiting', detail: 'waiting for /l to appear', error: null, at });
    const error = { code: 'EACCES', message: 'permission denied', since: at };
    st.onAccessLog({ path: '/l', status: 'error', detail: 'cannot read /l: permission denied (EACCES); retrying', error, at });
    st.onAccessLog({ path: '/l', status: 'following', detail: 'following /l', error: null, at });
    const lines = st.log.all().map(visibleText);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/… access log waiting for \/l to appear$/);
    expect(lines[1]).toMatch(/✖ access log cannot read \/l: permission denied \(EACCES\); retrying$/);
    expect(lines[2]).toMatch(/✔ access log following \/l$/);
  });
});

describe('TickLoop', () => {
  it('runs one tick at a time, again at once while behind, and catchUp() waits for a tick that found no more', async () => {
    let ticks = 0;
    let running = 0;
    let backlog = 3;
    const loop = new TickLoop(async () => {
      running++;
      expect(running).toBe(1);
      ticks++;
      await new Promise((r) => setTimeout(r, 2));
      running--;
      const behind = backlog > 0;
      if (behind) backlog--;
      return { behind, nextMs: 60_000, wakeable: true };
    });
    loop.start();
    const t0 = Date.now();
    await loop.catchUp(Date.now() + 5000);
    expect(backlog).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
    const before = ticks;
    // Nothing to read: one fresh tick answers.
    await loop.catchUp(Date.now() + 5000);
    expect(ticks).toBe(before + 1);
    await loop.stop(100);
    await loop.catchUp(Date.now() + 5000);
    expect(ticks).toBe(before + 1);
  });

  it('catchUp() gives up at its deadline and stop() at its bound, even when a tick never ends', async () => {
    const loop = new TickLoop(() => new Promise<never>(() => undefined));
    loop.start();
    const t0 = Date.now();
    await loop.catchUp(Date.now() + 100);
    expect(Date.now() - t0).toBeLessThan(1000);
    const t1 = Date.now();
    await loop.stop(100);
    expect(Date.now() - t1).toBeLessThan(1000);
  });
});

describe('a replayed backlog in the plain output', () => {
  it('says how many requests were replayed and their rate by the log’s own clock', async () => {
    const { accessLogLine: line } = await import('../../dist/src/frontends/cli/text-lines.js');
    const base = {
      path: '/l',
      status: 'following' as const,
      detail: 'following /l',
      error: null,
      lines: 3,
      malformed: 0,
      overlong: 0,
      malformedExample: null,
      truncations: 0,
      rotations: 0,
      pendingBytes: 0,
      watching: true,
    };
    const replay = { requests: 2000, from: 'a', to: 'b', rps: 2, done: true };
    expect(line({ ...base, replay })).toBe("LOG following /l  lines: 3  malformed: 0  replayed: 2000 at 2 rps by the log's clock");
    expect(line({ ...base, replay: { ...replay, rps: null, done: false } })).toBe(
      'LOG following /l  lines: 3  malformed: 0  replayed: 2000 (reading)',
    );
  });
});
