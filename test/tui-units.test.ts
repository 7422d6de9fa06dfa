import { describe, expect, it } from 'vitest';
import type { AccessLogSection, DashboardSnapshot, ExitEvent, RecoveredEvent, RestartEvent } from '../dist/src/index.js';
import { DashboardState } from '../dist/src/frontends/tui/dashboard-state.js';
import {
  EVENT_LOG_LIMIT,
  EventLog,
  exitText,
  groupFailedText,
  healthText,
  recoveredText,
  restartText,
  shortMessage,
} from '../dist/src/frontends/tui/event-log.js';
import { clock, duration, fit, gauge, millis, niceCeiling, percent } from '../dist/src/frontends/tui/format.js';
import { DEMO_BADGE, headerText } from '../dist/src/frontends/tui/header.js';
import { footerText, KEY_BINDINGS } from '../dist/src/frontends/tui/keys.js';
import { computeLayout, MIN_CHART_ROWS, panelSplit, split, type Rect } from '../dist/src/frontends/tui/layout.js';
import { coreLines, cpuLines, healthLook, memoryLines, packSegments, requestLines } from '../dist/src/frontends/tui/panel-text.js';
import { healthAreas } from '../dist/src/main/health.js';
import { snapshotLines } from '../dist/src/frontends/cli/text-lines.js';
import { chooseOutput } from '../dist/src/frontends/cli/screen-choice.js';
import { escapeTags, visibleText } from '../dist/src/frontends/tui/tags.js';
import { workerRows } from '../dist/src/frontends/tui/workers-model.js';
import { workerTableLines } from '../dist/src/frontends/tui/workers-table.js';

const T0 = Date.parse('2026-01-01T12:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function snapshot(over: Partial<DashboardSnapshot> = {}, at = T0): DashboardSnapshot {
  return {
    cpu: { usage: 42.5, windowMs: 1000, cores: 2, loadAvg: [0.5, 0.4, 0.3], perCore: [40, 45] },
    memory: { totalMiB: 8000, usedMiB: 2000, freeMiB: 6000, usagePercent: 25 },
    requests: {
      rps: 12.3,
      rps10s: 11.1,
      avgLatencyMs: 5.2,
      p50LatencyMs: 3.1,
      p99LatencyMs: 48.2,
      errorRate: 2,
      clientErrorRate: 6,
      activeConnections: 3,
      total: 1234,
      byStatus: { '1xx': 0, '2xx': 1100, '3xx': 0, '4xx': 90, '5xx': 44 },
    },
    process: null,
    app: {},
    health: { status: 'ok', checks: [], areas: { process: 'ok', requests: 'ok', threads: 'ok' } },
    custom: {},
    stale: [],
    lastUpdated: iso(at),
    collectionCount: 0,
    accessLog: null,
    channel: { received: 10, rejected: 0 },
    coordinator: {
      status: 'running',
      restarts: 0,
      threadId: 1,
      startedAt: iso(T0 - 60_000),
      lastExit: null,
      eventLoopUtilization: null,
      heapUsedMiB: null,
      cpuPercent: null,
    },
    workers: ['cpu', 'memory', 'requests'].map((name, i) => ({
      name,
      status: 'running' as const,
      restarts: 0,
      threadId: i + 2,
      lastSampleAt: iso(at),
      lastExit: null,
      startedAt: iso(T0 - 30_000),
      group: 'builtin',
      sampleErrors: 0,
      lastSampleError: null,
      eventLoopUtilization: null,
      heapUsedMiB: null,
      cpuPercent: null,
    })),
    ...over,
  };
}

describe('format', () => {
  it('formats percents, latencies, durations, clocks', () => {
    expect(percent(42.456)).toBe('42.5%');
    expect(millis(3.14159)).toBe('3.14 ms');
    expect(millis(31.4159)).toBe('31.4 ms');
    expect(millis(314.159)).toBe('314 ms');
    expect(millis(31_415)).toBe('31.4 s');
    expect(duration(42_000)).toBe('42s');
    expect(duration(185_000)).toBe('3m05s');
    expect(duration(2 * 3600_000 + 7 * 60_000)).toBe('2h07m');
    expect(duration(4 * 86400_000 + 3 * 3600_000)).toBe('4d03h');
    expect(duration(-5)).toBe('0s');
    expect(clock(new Date(2026, 0, 1, 9, 5, 7).getTime())).toBe('09:05:07');
  });

  it('draws gauges of exact width, clamped', () => {
    expect(gauge(50, 10)).toBe('█████░░░░░');
    expect(gauge(150, 4)).toBe('████');
    expect(gauge(-3, 4)).toBe('░░░░');
  });

  it('fits text to a width, and rounds chart ceilings to 1/2/5 steps', () => {
    expect(fit('abc', 5)).toBe('abc  ');
    expect(fit('abc', 5, 'right')).toBe('  abc');
    expect(fit('abcdef', 4)).toBe('abc…');
    expect([niceCeiling(0.3, 5), niceCeiling(7), niceCeiling(13), niceCeiling(48), niceCeiling(120)]).toEqual([5, 10, 20, 50, 200]);
  });

  it('escapes tags in foreign text and measures visible text', () => {
    expect(escapeTags('a{b}c')).toBe('a{open}b{close}c');
    expect(visibleText(`{bold}x{/bold} ${escapeTags('{y}')}{/}`)).toBe('x {y}');
  });
});

describe('layout', () => {
  const inside = (r: Rect, cols: number, rows: number): boolean =>
    r.left >= 0 && r.top >= 0 && r.left + r.width <= cols && r.top + r.height <= rows;

  it.each([
    [80, 24],
    [120, 40],
    [160, 50],
    [237, 61],
  ])('%i×%i: panels tile the screen exactly, nothing overlaps or spills', (cols, rows) => {
    const l = computeLayout(cols, rows);
    expect(l.tooSmall).toBe(false);
    const rects = [l.header, l.cpu, l.memory, l.requests, l.process, l.workers, l.events, l.footer];
    for (const r of rects) expect(inside(r, cols, rows)).toBe(true);
    expect(rects.reduce((n, r) => n + r.width * r.height, 0)).toBe(cols * rows);
    expect(l.cpu.width + l.memory.width + l.requests.width + l.process.width).toBe(cols);
    expect(l.workers.width + l.events.width).toBe(cols);
    expect(l.footer.top).toBe(rows - 1);
    expect(l.workers.top + l.workers.height).toBe(rows - 1);
    // The workers table has its rows, header and border; the event log keeps a readable width.
    expect(l.workers.height).toBeGreaterThanOrEqual(4 + 3);
    expect(l.workers.width).toBeGreaterThanOrEqual(50);
    expect(l.events.width).toBeGreaterThanOrEqual(30);
  });

  it('grows the bottom row for more workers, and reports a terminal that is too small', () => {
    expect(computeLayout(120, 40, 12).workers.height).toBeGreaterThanOrEqual(15);
    expect(computeLayout(79, 40).tooSmall).toBe(true);
    expect(computeLayout(120, 19).tooSmall).toBe(true);
  });

  it('splits widths evenly and hides a chart with no room for its plot', () => {
    expect(split(10, 3)).toEqual([4, 3, 3]);
    expect(panelSplit({ left: 0, top: 0, width: 40, height: 20 }, 3)).toEqual({ textRows: 3, chartRows: 15 });
    expect(panelSplit({ left: 0, top: 0, width: 40, height: 3 + 2 + MIN_CHART_ROWS - 1 }, 3).chartRows).toBe(0);
  });
});

describe('panel text', () => {
  it('packs per-core gauges into columns that fit, and says how many cores it left out', () => {
    const eight = [10, 20, 30, 40, 50, 60, 70, 80];
    const lines = coreLines(eight, 60, 10);
    for (const l of lines) expect(visibleText(l).length).toBeLessThanOrEqual(60);
    expect(lines.map(visibleText).join(' ')).toMatch(/cpu0 .* 10%.*cpu7 .* 80%/);
    const capped = coreLines(
      Array.from({ length: 64 }, () => 50),
      40,
      3,
    );
    expect(capped).toHaveLength(3);
    expect(visibleText(capped[2]!)).toMatch(/^\+\d+ more cores, average 50%$/);
  });

  it('wraps figures between figures when the panel is narrow, never inside one', () => {
    expect(packSegments(['aaaa', 'bbb', 'cc'], 20)).toEqual(['aaaa  bbb  cc']);
    expect(packSegments(['aaaa', 'bbb', 'cc'], 9)).toEqual(['aaaa  bbb', 'cc']);
    expect(packSegments(['{bold}aaaa{/bold}', 'bbb'], 9)).toEqual(['{bold}aaaa{/bold}  bbb']);
    const s = snapshot();
    expect(cpuLines(s.cpu, 24, 4).map(visibleText).slice(0, 2)).toEqual(['total 42.5%  cores 2', 'load 0.50 0.40 0.30']);
    expect(visibleText(coreLines([10, 20], 24, 1)[0]!)).toBe('2 cores, average 15%');
    for (const l of requestLines(s.requests, null, 24)) expect(visibleText(l).length).toBeLessThanOrEqual(24);
  });

  it('shows CPU, MEM and REQ figures, or that the first sample is awaited', () => {
    const s = snapshot();
    expect(visibleText(cpuLines(s.cpu, 60, 3)[0]!)).toBe('total 42.5%  cores 2  load 0.50 0.40 0.30');
    expect(memoryLines(s.memory, 40).map(visibleText)).toEqual([
      ` 25.0% ${'█'.repeat(8)}${'░'.repeat(25)}`,
      'used 2000 / 8000 MiB  free 6000 MiB',
    ]);
    expect(requestLines(s.requests, null, 40).map(visibleText)).toEqual([
      '12.3 rps  10s avg 11.1  total 1234',
      'p50 3.10 ms  p99 48.2 ms  avg 5.20 ms',
      '5xx 2.0%  4xx 6.0%  conns 3',
    ]);
    // A latency nobody measured (a log without request times) is shown as unknown, never as 0.
    const untimed = { ...s.requests!, avgLatencyMs: null, p50LatencyMs: null, p99LatencyMs: null };
    expect(visibleText(requestLines(untimed, null, 40)[1]!)).toBe('p50 –  p99 –  avg –');
    expect(snapshotLines({ ...s, requests: untimed })[2]).toMatch(/^REQ 12\.3 rps {2}p50: – {2}p99: – {2}avg: – {2}errors/);
    const log: AccessLogSection = {
      path: '/var/log/{x}.log',
      status: 'following',
      detail: 'following /var/log/{x}.log',
      error: null,
      lines: 10,
      malformed: 2,
      overlong: 0,
      malformedExample: 'junk',
      truncations: 0,
      rotations: 0,
      pendingBytes: 0,
      watching: true,
      replay: null,
    };
    expect(visibleText(requestLines(null, log, 60).at(-1)!)).toBe('log /var/log/{x}.log:  10 lines, 2 malformed');
    const waiting = { ...log, status: 'waiting' as const, detail: 'waiting for /var/log/{x}.log to appear' };
    expect(visibleText(requestLines(null, waiting, 80).at(-1)!)).toBe('log /var/log/{x}.log:  10 lines, 2 malformed  waiting for the file');
    const error = { ...log, status: 'error' as const, error: { code: 'EACCES', message: 'permission denied', since: iso(T0) } };
    expect(visibleText(requestLines(null, error, 80).at(-1)!)).toBe('log /var/log/{x}.log:  10 lines, 2 malformed  error EACCES');
    expect(visibleText(cpuLines(null, 40, 3)[0]!)).toBe('waiting for first sample…');
  });
});

/** The snapshot main pushes while the coordinator is down: every thread restarting, none running. */
function coordinatorDown(at: number): DashboardSnapshot {
  const s = snapshot({}, T0);
  return {
    ...s,
    stale: ['cpu', 'memory', 'requests'],
    coordinator: {
      status: 'restarting',
      restarts: 2,
      threadId: null,
      startedAt: iso(T0 - 60_000),
      lastExit: { reason: 'error', message: 'boom', at: iso(at) },
      eventLoopUtilization: null,
      heapUsedMiB: null,
      cpuPercent: null,
    },
    workers: s.workers.map((w) => ({ ...w, status: 'restarting' as const, threadId: null, startedAt: null, restarts: 3 })),
  };
}

describe('workers rows and table', () => {
  it('rows come from the snapshot: coordinator first, uptimes from when each thread started', () => {
    expect(workerRows(null)).toEqual([]);
    const rows = workerRows(snapshot());
    expect(rows.map((r) => r.name)).toEqual(['coordinator', 'cpu', 'memory', 'requests']);
    expect(rows[0]).toMatchObject({ threadId: 1, status: 'running', restarts: 0, since: T0 - 60_000, lastExit: null });
    expect(rows.slice(1).every((r) => r.since === T0 - 30_000)).toBe(true);
  });

  it('a restarting coordinator and its workers show from the snapshot alone: no thread, no uptime, restarts since start', () => {
    const rows = workerRows(coordinatorDown(T0 + 1000));
    expect(rows[0]).toMatchObject({
      status: 'restarting',
      threadId: null,
      restarts: 2,
      since: null,
      lastExit: { reason: 'error', message: 'boom', at: T0 + 1000 },
    });
    for (const r of rows.slice(1)) expect(r).toMatchObject({ status: 'restarting', threadId: null, since: null, restarts: 3 });
    const { lines } = workerTableLines(rows, 0, 80, T0 + 3000);
    // No thread: no uptime, event-loop use or heap either.
    expect(visibleText(lines[0]!)).toMatch(/^▶ coordinator +- restarting +2 +- +- +- error 2s ago/);
    expect(visibleText(lines[1]!)).toMatch(/^ {2}cpu +- restarting +3 +- +- +- +-/);
  });

  it('draws the table to the width, marks the selected row, and says the last exit and its age', () => {
    const s = snapshot();
    s.workers[1] = {
      ...s.workers[1]!,
      status: 'restarting',
      threadId: null,
      startedAt: null,
      lastExit: { reason: 'hang', message: '', at: iso(T0) },
    };
    s.workers[0] = { ...s.workers[0]!, eventLoopUtilization: 0.125, heapUsedMiB: 6.25 };
    const { header, lines } = workerTableLines(workerRows(s), 2, 80, T0 + 12_000);
    expect(visibleText(header)).toMatch(/^ {2}NAME +THREAD STATUS +RESTARTS +UPTIME +ELU +HEAP LAST EXIT +$/);
    expect(visibleText(header)).toHaveLength(80);
    for (const l of lines) expect(visibleText(l)).toHaveLength(80);
    expect(visibleText(lines[0]!)).toMatch(/^ {2}coordinator +1 running +0 +1m12s +- +- -/);
    expect(visibleText(lines[1]!)).toMatch(/^ {2}cpu +\d+ running +0 +\S+ +13% +6\.3M -/);
    expect(lines[2]).toContain('{inverse}');
    expect(visibleText(lines[2]!)).toMatch(/^▶ memory +- restarting +0 +- +- +- hang 12s ago/);
  });
});

describe('event log', () => {
  it('writes crash, restart and recovery lines with reason and times, bounded in length', () => {
    const e: ExitEvent = {
      target: 'cpu',
      threadId: 4,
      reason: 'oom',
      message: 'ERR_WORKER_OUT_OF_MEMORY\nstack…',
      at: iso(T0),
      willRestart: true,
    };
    expect(visibleText(exitText(e))).toBe('✖ cpu thread 4 died: oom (ERR_WORKER_OUT_OF_MEMORY), restarting');
    const r: RestartEvent = { target: 'cpu', restarts: 2, oldThreadId: 4, newThreadId: 8, delayMs: 100, downtimeMs: 142.5, at: iso(T0) };
    expect(visibleText(restartText(r))).toBe('✔ cpu restarted: thread 4 → 8 in 143 ms, backoff 100 ms (restart #2)');
    const rec: RecoveredEvent = { target: 'cpu', threadId: 8, diedAt: iso(T0), at: iso(T0 + 181), ms: 181 };
    expect(visibleText(recoveredText(rec))).toBe('✔ cpu recovered: first fresh sample 181 ms after it died (thread 8)');
    expect(visibleText(groupFailedText({ group: 'g', workers: ['a', 'b'], message: 'too many restarts', at: iso(T0) }))).toBe(
      '✖ group g (a, b) gave up: too many restarts; the built-in workers carry on',
    );
    expect(shortMessage('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    const log = new EventLog();
    for (let i = 0; i < EVENT_LOG_LIMIT + 50; i++) log.add(T0, `line ${i}`);
    expect(log.all()).toHaveLength(EVENT_LOG_LIMIT);
    expect(log.all().at(-1)).toContain(`line ${EVENT_LOG_LIMIT + 49}`);
  });
});

describe('health on screen', () => {
  it('colours each area by its worst check, names the state in the label, and logs what fails in its own words', () => {
    const checks = [
      { name: 'event-loop', status: 'warn' as const, message: 'event-loop delay p99 120 ms (warn at 100, critical at 500)' },
      { name: 'heap', status: 'critical' as const, message: 'heap 980 of 1000 MiB (98 %; warn at 80 %)' },
      { name: 'threads', status: 'ok' as const, message: 'no thread failed' },
      { name: 'samples', status: 'ok' as const, message: 'every running worker sampled within 3 intervals' },
      { name: 'errors', status: 'warn' as const, message: '5xx 6 % of the interval' },
    ];
    expect(healthAreas(checks)).toEqual({ process: 'critical', requests: 'warn', threads: 'ok' });
    expect(healthLook('ok')).toEqual({ border: 'cyan', suffix: '' });
    expect(healthLook('warn')).toEqual({ border: 'yellow', suffix: '· WARN ' });
    expect(healthLook('critical')).toEqual({ border: 'red', suffix: '· CRITICAL ' });
    expect(visibleText(healthText({ status: 'critical', checks }))).toBe(
      '✖ health critical event-loop delay p99 120 ms (warn at 100, critical at 500); heap 980 of 1000 MiB (98 %; warn at 80 %); 5xx 6 % of the interval',
    );
    expect(visibleText(healthText({ status: 'ok', checks: checks.map((c) => ({ ...c, status: 'ok' as const })) }))).toBe(
      '✔ health ok every check passes',
    );
  });
});

describe('keys, footer, header', () => {
  it('binds every footer key, and the footer fits the width it is given', () => {
    const footer = visibleText(footerText(200, true));
    for (const b of KEY_BINDINGS.filter((k) => k.label)) {
      expect(footer).toContain(`${b.label} ${b.help}`);
    }
    // The fleet key is for cluster mode: without a fleet, the footer does not offer it.
    expect(visibleText(footerText(200))).not.toContain('f fleet');
    expect(visibleText(footerText(80, true)).length).toBeLessThanOrEqual(80);
    expect(KEY_BINDINGS.flatMap((b) => b.keys)).toEqual(
      expect.arrayContaining(['q', 'C-c', 'up', 'down', 'k', 't', 'h', 'o', 'e', 'c', 'r', 's', 'C-z']),
    );
    expect(footer).toContain('s chart span');
    expect(visibleText(footerText(80))).toContain('s span');
    for (const w of [60, 80, 100, 120])
      expect(visibleText(footerText(w)).length).toBeLessThanOrEqual(Math.max(w, visibleText(footerText(0)).length));
    expect(visibleText(footerText(80)).length).toBeLessThanOrEqual(80);
  });

  it('the header says when it was updated and carries the DEMO TRAFFIC badge at full width', () => {
    const h = headerText({ host: 'box', intervalMs: 1000, snapshot: snapshot(), demo: true, failed: false }, 100);
    expect(visibleText(h)).toHaveLength(100);
    expect(visibleText(h)).toContain(`updated ${clock(T0)}`);
    expect(visibleText(h).endsWith(DEMO_BADGE)).toBe(true);
    expect(visibleText(headerText({ host: 'box', intervalMs: 250, snapshot: null, demo: false, failed: true }, 80))).toMatch(
      /every 250 ms · updated never .* FAILED $/,
    );
  });
});

describe('dashboard state', () => {
  it('lists crash, restart and recovery events; rows change only with a snapshot; keeps the selection in range', () => {
    const st = new DashboardState(1000);
    st.onSnapshot(snapshot({}, T0), T0);
    st.select(10);
    expect(st.selectedTarget()?.name).toBe('requests');
    st.select(-10);
    expect(st.selectedTarget()?.name).toBe('coordinator');
    st.onExit({ target: 'coordinator', threadId: 1, reason: 'error', message: 'boom', at: iso(T0 + 1500), willRestart: true });
    // An event is a log line, not a correction of the table: the engine's next snapshot says it.
    expect(st.rows()[0]).toMatchObject({ status: 'running', threadId: 1 });
    st.onSnapshot(coordinatorDown(T0 + 1500), T0 + 1510);
    expect(st.rows().map((r) => r.status)).toEqual(['restarting', 'restarting', 'restarting', 'restarting']);
    st.onRestart({ target: 'coordinator', restarts: 1, oldThreadId: 1, newThreadId: 9, delayMs: 0, downtimeMs: 50, at: iso(T0 + 1550) });
    // A fresh sample after the death is no recovery line by itself: that is the engine's 'recovered' event.
    st.onSnapshot(snapshot({}, T0 + 1600), T0 + 1600);
    expect(st.log.all().map(visibleText).join('\n')).not.toContain('recovered');
    st.onRecovered({ target: 'coordinator', threadId: 9, diedAt: iso(T0 + 1500), at: iso(T0 + 1600), ms: 100 });
    const text = st.log.all().map(visibleText).join('\n');
    expect(text).toContain('coordinator thread 1 died: error (boom), restarting');
    expect(text).toContain('coordinator restarted: thread 1 → 9');
    expect(text).toContain('coordinator recovered: first fresh sample 100 ms after it died (thread 9)');
  });

  it('shows FAILED from the snapshot, and logs refused samples and access-log changes once each', () => {
    const st = new DashboardState(1000);
    const s = snapshot();
    st.onSnapshot(s, T0);
    expect(st.failed).toBe(false);
    const refused = {
      ...s,
      workers: s.workers.map((w, i) => (i === 0 ? { ...w, sampleErrors: 1, lastSampleError: { message: 'not JSON', at: iso(T0) } } : w)),
    };
    st.onSnapshot(refused, T0 + 1);
    st.onSnapshot(refused, T0 + 2);
    const log: AccessLogSection = {
      path: '/x.log',
      status: 'waiting',
      detail: 'waiting for /x.log to appear',
      error: null,
      lines: 0,
      malformed: 0,
      overlong: 0,
      malformedExample: null,
      truncations: 0,
      rotations: 0,
      pendingBytes: 0,
      watching: false,
      replay: null,
    };
    st.onSnapshot({ ...refused, accessLog: log }, T0 + 3);
    st.onAccessLog({ path: '/x.log', status: 'waiting', detail: log.detail, error: null, at: iso(T0 + 4) });
    const down = coordinatorDown(T0 + 5);
    st.onSnapshot({ ...down, coordinator: { ...down.coordinator, status: 'failed' } }, T0 + 6);
    expect(st.failed).toBe(true);
    const text = st.log.all().map(visibleText);
    expect(text.filter((l) => l.includes('! cpu sample refused: not JSON'))).toHaveLength(1);
    expect(text.filter((l) => l.includes('… access log waiting for /x.log to appear'))).toHaveLength(1);
  });

  it('cycles the chart span for every panel: 2m → 30m → 3h → 2m', () => {
    const st = new DashboardState(1000);
    expect(st.span).toBe('2m');
    expect([st.cycleSpan(), st.cycleSpan(), st.cycleSpan()]).toEqual(['30m', '3h', '2m']);
  });
});

describe('screen or plain text', () => {
  it('draws a screen only on a terminal whose type can address the cursor', () => {
    expect(chooseOutput({ plain: false, isTTY: true, term: 'xterm-256color' })).toEqual({ kind: 'screen', why: null });
    expect(chooseOutput({ plain: true, isTTY: true, term: 'xterm-256color' })).toEqual({ kind: 'plain', why: null });
    expect(chooseOutput({ plain: false, isTTY: false, term: 'xterm-256color' })).toEqual({ kind: 'plain', why: null });
    // Not a terminal anyway: nothing to explain, whatever TERM says.
    expect(chooseOutput({ plain: false, isTTY: false, term: undefined }).why).toBeNull();
    for (const term of ['dumb', '', 'unknown', undefined]) expect(chooseOutput({ plain: false, isTTY: true, term }).kind).toBe('plain');
    expect(chooseOutput({ plain: false, isTTY: true, term: 'dumb' }).why).toMatch(/^TERM=dumb, so the terminal cannot draw the dashboard/);
    expect(chooseOutput({ plain: false, isTTY: true, term: undefined }).why).toMatch(/^TERM is not set/);
  });
});
