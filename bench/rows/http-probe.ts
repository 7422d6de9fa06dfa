/**
 * What the automatic HTTP probe costs a server: autocannon requests/s against a hello-world
 * server uninstrumented, with the probe, and with prom-client's Histogram (the usual peer).
 * The server runs in its own process (with a dashboard running), autocannon in this one; the
 * instrumentation is switched inside that one process between rounds, in alternating order,
 * and ratios are taken round by round, so drift of a shared, noisy machine cancels out.
 */
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { BenchContext, Row } from '../lib/row.js';
import { childFile } from '../lib/child.js';
import { median, throughput } from '../lib/stats.js';

type Mode = 'none' | 'threadboard' | 'prom-client' | 'vitals';

async function serverChild(): Promise<{ url: string; use(mode: Mode): Promise<void>; close(): Promise<void> }> {
  const child = spawn(process.execPath, [childFile('http-server').pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error('the bench server exited');
    return r.value;
  };
  const { port } = JSON.parse(await next()) as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    async use(mode) {
      child.stdin.write(`${mode}\n`);
      if ((await next()) !== `ok ${mode}`) throw new Error(`the bench server did not switch to ${mode}`);
    },
    async close() {
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

export async function httpProbeRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 1 : 2;
  const modes: readonly Mode[] = ['none', 'threadboard', 'prom-client', 'vitals'];
  const results: Record<Mode, number[]> = { none: [], threadboard: [], 'prom-client': [], vitals: [] };
  const vsNone: number[] = [];
  const vsProm: number[] = [];
  const vitalsVsProbe: number[] = [];
  const server = await serverChild();
  try {
    // Warm-up: the JIT compiles the handler, the probe and prom-client before anything counts.
    for (const mode of modes) {
      await server.use(mode);
      await autocannon({ url: server.url, connections: 10, duration: 1 });
    }
    for (let round = 0; round < ctx.reps(6, 1); round++) {
      // Alternate the order each round so neither side always runs on a warmer (or busier) machine.
      const order = round % 2 ? [...modes].reverse() : modes;
      const got: Partial<Record<Mode, number>> = {};
      for (const mode of order) {
        await server.use(mode);
        const r = await autocannon({ url: server.url, connections: 10, duration: seconds });
        got[mode] = r.requests.average;
        results[mode].push(got[mode]);
      }
      // Ratios pair by pair: drift in the machine's speed between rounds cancels out.
      vsNone.push(got.threadboard! / got.none!);
      vsProm.push(got.threadboard! / got['prom-client']!);
      vitalsVsProbe.push(got.vitals! / got.threadboard!);
    }
  } finally {
    await server.close();
  }
  const tb = throughput(results.threadboard, 'req/s');
  const none = throughput(results.none, 'req/s');
  const prom = throughput(results['prom-client'], 'req/s');
  const rNone = median(vsNone);
  const rProm = median(vsProm);
  const rVitals = median(vitalsVsProbe);
  const spread = (r: number[]): string => `per-round ratios ${Math.min(...r).toFixed(3)}–${Math.max(...r).toFixed(3)}`;
  return [
    {
      name: 'HTTP probe vs none',
      what: 'autocannon req/s, hello-world node:http, dashboard running',
      threadboard: tb,
      reference: none,
      referenceWhat: 'same server, no instrumentation',
      ratio: rNone,
      target: 'ratio ≥ 0.97',
      met: rNone >= 0.97,
      note: `median of per-round ratios; ${spread(vsNone)}`,
    },
    {
      name: 'HTTP probe vs prom-client',
      what: 'autocannon req/s, hello-world node:http, dashboard running',
      threadboard: tb,
      reference: prom,
      referenceWhat: 'same server, prom-client Histogram per request',
      ratio: rProm,
      target: 'ratio > 1',
      met: rProm > 1,
      note: `median of per-round ratios; ${spread(vsProm)}`,
    },
    {
      name: 'HTTP probe with a second vitals monitor',
      what: 'autocannon req/s, probe + one more event-loop monitor, GC observer and 1 s samples',
      threadboard: throughput(results.vitals, 'req/s'),
      reference: tb,
      referenceWhat: 'same server, probe alone',
      ratio: rVitals,
      target: 'ratio ≥ 0.98',
      met: rVitals >= 0.98,
      note: `what process vitals add to the request path; median of per-round ratios; ${spread(vitalsVsProbe)}`,
    },
  ];
}
