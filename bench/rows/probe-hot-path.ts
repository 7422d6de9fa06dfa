/**
 * The probe's per-request cost without the noise of a whole server: requests published on
 * Node's real diagnostics channels in a loop, nanoseconds per request with the probe
 * subscribed, against prom-client's per-request work (startTimer + end with a label) in the
 * same process, and Node's own publish cost as the floor (a no-op subscriber).
 */
import dc from 'node:diagnostics_channel';
import { performance } from 'node:perf_hooks';
import client from 'prom-client';
import { HttpProbe } from '../../src/main/http-probe.js';
import { RequestCounters } from '../../src/shared/request-counters.js';
import type { BenchContext, Row } from '../lib/row.js';
import { cost, median } from '../lib/stats.js';

const start = dc.channel('http.server.request.start');
const finish = dc.channel('http.server.response.finish');
// Stand-ins for what Node publishes: the probe reads message.socket, .server and .response.statusCode.
const message = { request: {}, response: { statusCode: 200 }, socket: { once() {} }, server: {} };

function nsPerRequest(n: number, perRequest: () => void): number {
  for (let i = 0; i < n; i++) perRequest(); // warm-up, so the JIT has compiled it
  const t0 = performance.now();
  for (let i = 0; i < n; i++) perRequest();
  return ((performance.now() - t0) / n) * 1e6;
}

const publish = (): void => {
  start.publish(message);
  finish.publish(message);
};

export async function probeHotPathRows(ctx: BenchContext): Promise<Row[]> {
  const n = ctx.quick ? 200_000 : 2_000_000;
  const probeNs: number[] = [];
  const promNs: number[] = [];
  const floorNs: number[] = [];
  const registry = new client.Registry();
  const histogram = new client.Histogram({ name: 'd', help: 'd', labelNames: ['code'], registers: [registry] });
  for (let rep = 0; rep < ctx.reps(5, 1); rep++) {
    const noop = (): void => undefined;
    start.subscribe(noop);
    finish.subscribe(noop);
    floorNs.push(nsPerRequest(n, publish));
    start.unsubscribe(noop);
    finish.unsubscribe(noop);

    const probe = new HttpProbe(new RequestCounters());
    probe.attach();
    probeNs.push(nsPerRequest(n, publish));
    probe.detach();

    promNs.push(nsPerRequest(n, () => histogram.startTimer()({ code: 200 })));
  }
  const floor = median(floorNs);
  const own = probeNs.map((x) => x - floor);
  return [
    {
      name: 'HTTP probe: cost per request',
      what: 'ns per request on the real diagnostics channels, minus Node’s own publish cost',
      threadboard: cost(own, 'ns'),
      reference: cost(promNs, 'ns'),
      referenceWhat: 'prom-client Histogram startTimer() + end({ code })',
      ratio: median(own) / median(promNs),
      target: '— (informative; lower is better)',
      met: true,
      note: `Node's publish floor ${floor.toFixed(0)} ns per request`,
    },
  ];
}
