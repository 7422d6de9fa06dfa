/**
 * Start-up, each measurement in a fresh process, dashboard and reference runs interleaved:
 * - startDashboard() until the first full snapshot, against four raw threads started at once;
 * - importing the package, against importing a bare module.
 */
import type { BenchContext, Row } from '../lib/row.js';
import { childFile, runChild } from '../lib/child.js';
import { cost, type Figure } from '../lib/stats.js';

interface Start {
  importMs: number;
  startMs: number;
}

export async function startUpRows(ctx: BenchContext): Promise<Row[]> {
  const dash: Start[] = [];
  const raw: Start[] = [];
  for (let i = 0; i < ctx.reps(9, 2); i++) {
    dash.push(await runChild<Start>(childFile('start-time'), ['dashboard'], 60_000));
    raw.push(await runChild<Start>(childFile('start-time'), ['raw'], 60_000));
  }
  const ms = (runs: readonly Start[], key: keyof Start): Figure =>
    cost(
      runs.map((r) => r[key]),
      'ms',
    );
  const start = ms(dash, 'startMs');
  const rawStart = ms(raw, 'startMs');
  const imp = ms(dash, 'importMs');
  const bare = ms(raw, 'importMs');
  const sr = start.median / rawStart.median;
  return [
    {
      name: 'start → first full snapshot',
      what: 'startDashboard() until CPU, memory and requests have all been sampled (fresh process)',
      threadboard: start,
      reference: rawStart,
      referenceWhat: 'four raw threads started at once → each one’s first message',
      ratio: sr,
      target: 'ratio ≤ 3',
      met: sr <= 3,
    },
    {
      name: 'package import',
      what: "await import('threadboard') in a fresh process",
      threadboard: imp,
      reference: bare,
      referenceWhat: 'importing a bare one-line module',
      ratio: imp.median - bare.median,
      target: '— (reported: ms over the bare import)',
      met: true,
      note: 'the ratio column is the difference in ms; the front ends (blessed, ws, prom-client) load only when used',
    },
  ];
}
