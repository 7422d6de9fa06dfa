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
import { cost, median, throughput } from '../lib/stats.js';

type Mode = 'none' | 'threadboard' | 'prom-client' | 'vitals';

interface Server {
  url: string;
  use(mode: Mode): Promise<void>;
  /** CPU ns the server's main thread has used so far. */
  cpuNs(): Promise<number>;
  close(): Promise<void>;
}

async function serverChild(): Promise<Server> {
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
    async cpuNs() {
      child.stdin.write('cpu\n');
      const line = await next();
      if (!line.startsWith('cpu ')) throw new Error(`the bench server answered ${line} to cpu`);
      return Number(line.slice(4));
    },
    async close() {
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

/**
 * Server CPU per request at a fixed offered load well below saturation: the same request count
 * in every mode, so what differs is the work per request, not how fast a noisy machine let
 * autocannon go.
 */
const OFFERED_RPS = 3000;

async function cpuPerRequestUs(server: Server, requests: number): Promise<number> {
  const before = await server.cpuNs();
  const r = await autocannon({ url: server.url, connections: 10, amount: requests, overallRate: OFFERED_RPS });
  const used = (await server.cpuNs()) - before;
  const served = r.requests.total;
  if (served < requests * 0.99) throw new Error(`only ${served} of ${requests} requests were served`);
  return used / 1000 / served;
}

/** Throughput rounds agree when every per-round ratio is within this of their median. */
const THROUGHPUT_TOLERANCE = 0.05;
const unstable = (ratios: readonly number[]): boolean => {
  const m = median(ratios);
  return ratios.some((r) => Math.abs(r - m) > THROUGHPUT_TOLERANCE);
};

export async function httpProbeRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 1 : 2;
  const modes: readonly Mode[] = ['none', 'threadboard', 'prom-client', 'vitals'];
  const results: Record<Mode, number[]> = { none: [], threadboard: [], 'prom-client': [], vitals: [] };
  const vsNone: number[] = [];
  const vsProm: number[] = [];
  const vitalsVsProbe: number[] = [];
  const cpu: Record<'none' | 'threadboard' | 'prom-client', number[]> = { none: [], threadboard: [], 'prom-client': [] };
  const cpuVsNone: number[] = [];
  const cpuVsProm: number[] = [];
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
    const cpuModes = ['none', 'threadboard', 'prom-client'] as const;
    const requests = OFFERED_RPS * (ctx.quick ? 1 : 4);
    for (let round = 0; round < ctx.reps(10, 2); round++) {
      const order = round % 2 ? [...cpuModes].reverse() : cpuModes;
      const got: Partial<Record<(typeof cpuModes)[number], number>> = {};
      for (const mode of order) {
        await server.use(mode);
        got[mode] = await cpuPerRequestUs(server, requests);
        cpu[mode].push(got[mode]);
      }
      cpuVsNone.push(got.threadboard! / got.none!);
      cpuVsProm.push(got.threadboard! / got['prom-client']!);
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
  const agree = `rounds agree when each is within ${THROUGHPUT_TOLERANCE} of the median, else unstable`;
  const cNone = median(cpuVsNone);
  const cProm = median(cpuVsProm);
  const probeUs = median(cpu.threadboard) - median(cpu.none);
  const promUs = median(cpu['prom-client']) - median(cpu.none);
  return [
    {
      name: 'HTTP probe: CPU per request vs none',
      what: `server main-thread CPU per request at ${OFFERED_RPS} req/s offered (below saturation), dashboard running`,
      threadboard: cost(cpu.threadboard, 'µs'),
      reference: cost(cpu.none, 'µs'),
      referenceWhat: 'same server, no instrumentation',
      ratio: cNone,
      target: 'ratio ≤ 1.03',
      met: cNone <= 1.03,
      note: `median of paired per-round ratios, ${spread(cpuVsNone)}; the probe adds ${probeUs.toFixed(2)} µs per request`,
    },
    {
      name: 'HTTP probe: CPU per request vs prom-client',
      what: `server main-thread CPU per request at ${OFFERED_RPS} req/s offered (below saturation), dashboard running`,
      threadboard: cost(cpu.threadboard, 'µs'),
      reference: cost(cpu['prom-client'], 'µs'),
      referenceWhat: 'same server, prom-client Histogram per request',
      ratio: cProm,
      target: 'ratio < 1',
      met: cProm < 1,
      note: `median of paired per-round ratios, ${spread(cpuVsProm)}; prom-client adds ${promUs.toFixed(2)} µs per request, the probe ${probeUs.toFixed(2)}`,
    },
    {
      name: 'HTTP probe vs none',
      what: 'autocannon req/s, hello-world node:http, dashboard running',
      threadboard: tb,
      reference: none,
      referenceWhat: 'same server, no instrumentation',
      ratio: rNone,
      target: 'ratio ≥ 0.97',
      met: rNone >= 0.97,
      unstable: unstable(vsNone),
      note: `median of per-round ratios; ${spread(vsNone)}; ${agree}`,
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
      unstable: unstable(vsProm),
      note: `median of per-round ratios; ${spread(vsProm)}; ${agree}`,
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
      unstable: unstable(vitalsVsProbe),
      note: `what process vitals add to the request path; median of per-round ratios; ${spread(vitalsVsProbe)}; ${agree}`,
    },
  ];
}
