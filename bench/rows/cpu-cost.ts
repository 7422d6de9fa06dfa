/**
 * CPU share of one core: the engine alone (a child process with an idle dashboard at the
 * default 1 s interval), and the CLI's terminal UI running in a real terminal (tmux), both
 * measured over the same window.
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

async function uiCpu(seconds: number): Promise<number> {
  const session = `threadboard-bench-${process.pid}`;
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '120', '-y', '40', `exec ${process.execPath} ${RUN_JS}`]);
  try {
    const pid = Number(execFileSync('tmux', ['list-panes', '-t', session, '-F', '#{pane_pid}'], { encoding: 'utf8' }).trim());
    await new Promise((r) => setTimeout(r, 1500));
    const t0 = cpuTicks(pid);
    const w0 = Date.now();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    const ticks = cpuTicks(pid) - t0;
    return (ticks / CLK_TCK / ((Date.now() - w0) / 1000)) * 100;
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session]);
  }
}

/** The engine's CPU is judged on the median of this many consecutive windows. */
const WINDOWS = 6;

export async function cpuCostRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 3 : 30;
  const [engine, ui] = await Promise.all([
    runChild<{ windows: number[] }>(childFile('engine-cpu'), [String(seconds), String(WINDOWS)], (seconds + 30) * 1000),
    uiCpu(seconds),
  ]);
  return [
    {
      name: 'CPU cost: engine',
      what: `share of one core, idle dashboard, 1 s interval: median of ${WINDOWS} windows over ${seconds} s`,
      threadboard: cost(engine.windows, '% core'),
      reference: null,
      referenceWhat: '—',
      ratio: median(engine.windows),
      target: '≤ 1 % (median window)',
      met: median(engine.windows) <= 1,
      note: `windows: ${engine.windows.map((w) => w.toFixed(2)).join(', ')} %`,
    },
    {
      name: 'CPU cost: with terminal UI',
      what: `share of one core, \`threadboard\` CLI in tmux, over ${seconds} s`,
      threadboard: single(ui, '% core'),
      reference: null,
      referenceWhat: '—',
      ratio: null,
      target: '≤ 3 %',
      met: ui <= 3,
      note: 'process CPU from /proc/<pid>/stat at 10 ms resolution',
    },
  ];
}
