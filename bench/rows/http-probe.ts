/**
 * What the automatic HTTP probe costs a server: autocannon requests/s against the same
 * hello-world server uninstrumented, with a dashboard running, and with prom-client's
 * Histogram (the usual peer). The server runs in its own process, autocannon in this one;
 * modes are interleaved so drift in the machine's speed hits all three alike.
 */
import autocannon from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import type { BenchContext, Row } from '../lib/row.js';
import { childFile } from '../lib/child.js';
import { median, throughput } from '../lib/stats.js';

async function serverChild(mode: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [childFile('http-server').pathname, mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!.setEncoding('utf8'), 'data')) as [string];
  const { port } = JSON.parse(line.trim().split('\n')[0]!) as { port: number };
  return { child, url: `http://127.0.0.1:${port}/` };
}

async function measure(mode: string, seconds: number): Promise<number> {
  const { child, url } = await serverChild(mode);
  try {
    // A short warm-up so the JIT has compiled the handler (and the probe) before counting.
    await autocannon({ url, connections: 10, duration: 1 });
    const r = await autocannon({ url, connections: 10, duration: seconds });
    return r.requests.average;
  } finally {
    child.kill('SIGTERM');
    await once(child, 'exit');
  }
}

export async function httpProbeRows(ctx: BenchContext): Promise<Row[]> {
  const seconds = ctx.quick ? 1 : 5;
  const results: Record<string, number[]> = { none: [], threadboard: [], 'prom-client': [] };
  for (let round = 0; round < ctx.reps(3, 1); round++) {
    for (const mode of Object.keys(results)) {
      ctx.log(`  http probe: ${mode}, round ${round + 1}`);
      results[mode]!.push(await measure(mode, seconds));
    }
  }
  const tb = throughput(results.threadboard!, 'req/s');
  const none = throughput(results.none!, 'req/s');
  const prom = throughput(results['prom-client']!, 'req/s');
  const vsNone = median(results.threadboard!) / median(results.none!);
  const vsProm = median(results.threadboard!) / median(results['prom-client']!);
  return [
    {
      name: 'HTTP probe vs none',
      what: 'autocannon req/s, hello-world node:http, dashboard running',
      threadboard: tb,
      reference: none,
      referenceWhat: 'same server, no instrumentation',
      ratio: vsNone,
      target: 'ratio ≥ 0.97',
      met: vsNone >= 0.97,
    },
    {
      name: 'HTTP probe vs prom-client',
      what: 'autocannon req/s, hello-world node:http, dashboard running',
      threadboard: tb,
      reference: prom,
      referenceWhat: 'same server, prom-client Histogram per request',
      ratio: vsProm,
      target: 'ratio > 1',
      met: vsProm > 1,
    },
  ];
}
