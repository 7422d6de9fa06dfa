/**
 * CPU share of one core: the engine alone (a child process with an idle dashboard at the
 * default 1 s interval), and the CLI's terminal UI running in a real terminal (tmux), both
 * measured over the same window, after the same warm-up. Their code runs once a second, so V8
 * compiles it only slowly: the TUI cost 4.8–5.4 % of a core in its first 20 s and 1.7–2.6 % from
 * the 40th on (Node 20, 10 s windows of /proc/<pid>/stat). Both run for hours: the warm-up's
 * figure is in the note.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchContext, Row } from '../lib/row.js';
import { childFile, runChild } from '../lib/child.js';
import { cost, median, single } from '../lib/stats.js';

const CLK_TCK = 100; // Linux USER_HZ
const RUN_JS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../run.js');

function cpuTicks(pid: number): number {
  // Fields after the command name: utime and stime are the 12th and 13th.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(rest[11]) + Number(rest[12]);
}

/** Percent of one core process `pid` used over the next `seconds`. */
async function ticksOver(pid: number, seconds: number): Promise<number> {
  const t0 = cpuTicks(pid);
  const w0 = Date.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  return ((cpuTicks(pid) - t0) / CLK_TCK / ((Date.now() - w0) / 1000)) * 100;
}

async function uiCpu(seconds: number, warmUpSeconds: number): Promise<{ steady: number; warmUp: number }> {
  const session = `threadboard-bench-${process.pid}`;
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', `exec ${process.execPath} ${RUN_JS}`]);
  try {
    const pid = Number(execFileSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim());
    const warmUp = await ticksOver(pid, warmUpSeconds);
    return { steady: await ticksOver(pid, seconds), warmUp };
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session]);
  }
}

/** The engine's CPU is judged on the median of this many consecutive windows. */
const WINDOWS = 6;

export async function cpuCostRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 30;
  const warmUpSeconds = ctx.quick ? 1.5 : 60;
  const args = [String(seconds), String(WINDOWS), String(warmUpSeconds)];
  const limitMs = (warmUpSeconds + seconds + 30) * 1000;
  const [engine, monitor, ui] = await Promise.all([
    runChild<{ windows: number[]; warmUp: number }>(childFile('engine-cpu'), args, limitMs),
    // The event-loop monitor alone, in a bare process: the part of the engine's CPU that is
    // the price of process vitals' 10 ms resolution (issue 14), whatever the rest costs.
    runChild<{ windows: number[] }>(childFile('loop-monitor'), args, limitMs),
    uiCpu(seconds, warmUpSeconds),
  ]);
  return [
    {
      name: 'CPU cost: engine',
      what: `share of one core, idle dashboard, 1 s interval: median of ${WINDOWS} windows over ${seconds} s, after ${warmUpSeconds} s`,
      threadboard: cost(engine.windows, '% core'),
      reference: cost(monitor.windows, '% core'),
      referenceWhat: 'a bare Node process running only the event-loop delay monitor the engine runs (same resolution)',
      ratio: median(engine.windows),
      target: '≤ 1 % (median window)',
      met: median(engine.windows) <= 1,
      note: `windows: ${engine.windows.map((w) => w.toFixed(2)).join(', ')} %; ${engine.warmUp.toFixed(2)} % over the first ${warmUpSeconds} s`,
    },
    {
      name: 'CPU cost: with terminal UI',
      what: `share of one core, \`threadboard\` CLI in tmux, over ${seconds} s, after ${warmUpSeconds} s`,
      threadboard: single(ui.steady, '% core'),
      reference: null,
      referenceWhat: '—',
      ratio: null,
      target: '≤ 3 %',
      met: ui.steady <= 3,
      note: `process CPU from /proc/<pid>/stat at 10 ms resolution; ${ui.warmUp.toFixed(2)} % over the first ${warmUpSeconds} s`,
    },
  ];
}
