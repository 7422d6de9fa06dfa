/**
 * Memory: an idle dashboard against a bare Node process plus 4 raw idle threads (the same
 * thread count), and the marginal RSS of each additional metric worker against that of a raw
 * idle thread, with collect() latency as the worker count grows. Each shape is its own process.
 */
import type { BenchContext, Row } from '../lib/row.js';
import { childFile, runChild } from '../lib/child.js';
import { cost, median } from '../lib/stats.js';

interface Rss {
  rssMb: number;
  collectMs?: number;
}

export async function footprintRows(ctx: BenchContext): Promise<Row[]> {
  const env = { SETTLE_MS: ctx.quick ? '300' : '2000' };
  const run = (args: string[]): Promise<Rss> => runChild<Rss>(childFile('footprint'), args, 120_000, env);
  const dash: number[] = [];
  const raw4: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < ctx.reps(3, 1); i++) {
    dash.push((await run(['dashboard'])).rssMb);
    raw4.push((await run(['raw', '4'])).rssMb);
    bare.push((await run(['bare'])).rssMb);
  }
  const rawPerThread = (median(raw4) - median(bare)) / 4;
  ctx.log('  scale: 3, 16, 64 custom workers');
  const scale: Record<number, Rss> = {};
  for (const n of [3, 16, 64]) scale[n] = await run(['custom', String(n)]);
  // The marginal cost of one more worker (the slope from 16 to 64), so the coordinator's own
  // thread is not spread over the workers.
  const perWorker = (scale[64]!.rssMb - scale[16]!.rssMb) / 48;
  const collect = [3, 16, 64].map((n) => scale[n]!.collectMs!);
  const growth = collect[2]! / collect[0]!;
  const linear = 64 / 3;
  const ratio = median(dash) / median(raw4);
  return [
    {
      name: 'footprint',
      what: 'RSS of an idle dashboard (coordinator + 3 workers)',
      threadboard: cost(dash, 'MB'),
      reference: cost(raw4, 'MB'),
      referenceWhat: 'bare Node + 4 raw idle worker threads',
      ratio,
      target: 'ratio ≤ 1.15',
      met: ratio <= 1.15,
    },
    {
      name: 'scale: RSS per worker',
      what: 'marginal RSS per metric worker, 16 → 64 custom workers',
      threadboard: { median: perWorker, worst: perWorker, runs: 1, unit: 'MB' },
      reference: { median: rawPerThread, worst: rawPerThread, runs: 1, unit: 'MB' },
      referenceWhat: 'raw idle worker thread RSS',
      ratio: perWorker / rawPerThread,
      target: 'ratio ≤ 1.2',
      met: perWorker / rawPerThread <= 1.2,
      note: `RSS at 3/16/64 workers: ${[3, 16, 64].map((n) => scale[n]!.rssMb.toFixed(0)).join(' / ')} MB`,
    },
    {
      name: 'scale: collect() latency',
      what: 'collect() median at 3 / 16 / 64 workers',
      threadboard: { median: collect[2]!, worst: collect[2]!, runs: 20, unit: 'ms' },
      reference: { median: collect[0]!, worst: collect[0]!, runs: 20, unit: 'ms' },
      referenceWhat: 'the same at 3 workers',
      ratio: growth,
      target: `grows ≤ linearly (64/3 = ${linear.toFixed(1)}×)`,
      met: growth <= linear,
      note: `collect() at 3/16/64 workers: ${collect.map((c) => c.toFixed(2)).join(' / ')} ms`,
    },
  ];
}
