/**
 * A hello-world node:http server in its own process, with a dashboard running, whose
 * instrumentation is switched between rounds by a line on stdin:
 *   none         no instrumentation on the request path
 *   threadboard  the dashboard's HTTP probe (diagnostics_channel → shared counters)
 *   prom-client  a prom-client Histogram observed per request on 'finish' (the usual peer)
 *   vitals       the probe, and a second process-vitals monitor (event-loop delay histogram at
 *                10 ms, GC observer, a sample each second) beside the dashboard's own: what one
 *                such monitor adds to the request path
 * One process for all three, so per-process effects (JIT decisions, core placement, heap
 * layout), which vary more between processes than the effect being measured, cancel out.
 *   cpu          prints "cpu <ns>": the CPU time the main thread (the one serving requests) has
 *                used so far, from /proc/thread-self/schedstat (nanoseconds, user and kernel),
 *                so the dashboard's own threads are not counted against the request path
 * Prints {"port":N} once listening and "ok <mode>" after each switch.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import client from 'prom-client';
import { startDashboard } from '../../src/index.js';
import { HttpProbe } from '../../src/main/http-probe.js';
import { ProcessVitals } from '../../src/main/process-vitals.js';
import { RequestCounters } from '../../src/shared/request-counters.js';

// The dashboard's own automatic probe is off; the same probe class, over counters of the same
// kind, is attached on demand instead (the dashboard runs beside it, as it would in a host).
const dash = await startDashboard({ httpProbe: false });
const probe = new HttpProbe(new RequestCounters());
const registry = new client.Registry();
const histogram = new client.Histogram({
  name: 'http_request_duration_seconds',
  help: 'request duration',
  labelNames: ['code'],
  registers: [registry],
});
let prom = false;
let vitals: { monitor: ProcessVitals; timer: NodeJS.Timeout } | null = null;
const stopVitals = (): void => {
  if (!vitals) return;
  clearInterval(vitals.timer);
  vitals.monitor.stop();
  vitals = null;
};

const server = http.createServer((_req, res) => {
  if (prom) {
    const end = histogram.startTimer();
    res.once('finish', () => end({ code: res.statusCode }));
  }
  res.end('hello world');
});

createInterface({ input: process.stdin }).on('line', (mode) => {
  if (mode === 'cpu') {
    process.stdout.write(`cpu ${readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[0]}\n`);
    return;
  }
  probe.detach();
  prom = false;
  stopVitals();
  if (mode === 'threadboard') probe.attach();
  else if (mode === 'vitals') {
    probe.attach();
    const monitor = new ProcessVitals();
    vitals = { monitor, timer: setInterval(() => monitor.sample(), 1000) };
  } else if (mode === 'prom-client') prom = true;
  else if (mode !== 'none') throw new Error(`unknown mode ${mode}`);
  process.stdout.write(`ok ${mode}\n`);
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: (server.address() as AddressInfo).port }) + '\n');
});
process.stdin.once('end', () => {
  server.closeAllConnections();
  server.close();
  probe.detach();
  stopVitals();
  void dash.stop();
});
