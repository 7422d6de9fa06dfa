/**
 * 1,000 WebSocket clients on the live page, each receiving every snapshot at the 1 s interval:
 * p99 delay from snapshot creation to receipt and the server's RSS, against one client over
 * the same number of snapshots (measured by bench/ws-fanout.ts in separate processes).
 */
import type { BenchContext, Row } from '../lib/row.js';
import { single } from '../lib/stats.js';
import { wsFanout } from '../ws-fanout.js';

export async function wsFanoutRows(ctx: BenchContext): Promise<Row[]> {
  const clients = ctx.quick ? 100 : 1000;
  const r = await wsFanout({ clients, seconds: ctx.quick ? 3 : 10, intervalMs: 1000 });
  const note = `${r.snapshots} snapshots, ${r.missed} missed deliveries, ${r.droppedFrames} frames dropped for slow clients`;
  return [
    {
      name: 'WebSocket fan-out',
      what: `p99 delay, snapshot creation → receipt, ${clients} clients`,
      threadboard: single(r.p99DelayMs, 'ms'),
      reference: single(r.single.p99DelayMs, 'ms'),
      referenceWhat: 'the same snapshots to a single client',
      ratio: r.p99DelayMs / r.single.p99DelayMs,
      target: '— (reported)',
      met: r.missed === 0,
      note,
    },
    {
      name: 'WebSocket fan-out: server RSS',
      what: `server process RSS with ${clients} clients`,
      threadboard: single(r.serverRssMb, 'MB'),
      reference: single(r.single.serverRssMb, 'MB'),
      referenceWhat: 'the same server with a single client',
      ratio: r.serverRssMb / r.single.serverRssMb,
      target: '— (reported)',
      met: true,
    },
  ];
}
