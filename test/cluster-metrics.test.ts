// Issue 11: /metrics on a fleet viewer, over a real redis-server with nodes as child processes
// under real load: per-node series with a `node` label, fleet totals, a merged fleet histogram,
// all accepted by Prometheus' own promtool.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { FleetLoad } from '../dist/src/demo/fleet-load.js';
import { startFleetNode } from '../dist/src/demo/fleet-process.js';
import { startRedis } from './cluster/redis-server.js';
import { waitFor } from './helpers.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-fleet-metrics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

/** The value of one series in Prometheus text, or undefined. */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('/metrics on a fleet viewer', () => {
  it('has per-node series with a node label and fleet totals equal to the load, and passes promtool check metrics', async () => {
    const r = await startRedis();
    cleanup.push(() => r.stop());
    const nodes = await Promise.all(
      ['web-1', 'web-2'].map((node, i) =>
        startFleetNode({ redis: r.url, name: 'shop', node, host: i === 0 ? 'alpha' : 'beta', intervalMs: 250, builtins: ['requests'] }),
      ),
    );
    for (const n of nodes) cleanup.push(() => n.stop());
    const viewer = await startDashboard({
      builtins: ['requests'],
      httpProbe: false,
      web: { port: 0 },
      cluster: { redis: r.url, name: 'shop', publish: false },
    });
    cleanup.push(() => viewer.stop());
    const load = new FleetLoad({ clients: 2, rate: 40 });
    nodes.forEach((n, i) => load.start({ name: `web-${i + 1}`, port: n.port }));
    await waitFor('both nodes serving', async () => (await viewer.getFleet()).nodes.filter((n) => n.requests.total > 0).length === 2);
    await load.stop();
    const served = load.total();
    const text = await waitFor('the scrape to show the load', async () => {
      const t = await fetch(`${viewer.webUrl}/metrics`).then((res) => res.text());
      return value(t, 'threadboard_fleet_requests_total') === served ? t : null;
    });
    for (const [i, n] of ['web-1', 'web-2'].entries()) {
      expect(value(text, `threadboard_fleet_node_requests_total{node="${n}"}`)).toBe(load.counts()[n]);
      expect(value(text, `threadboard_fleet_node_up{node="${n}"}`)).toBe(1);
      expect(text).toContain(
        `threadboard_fleet_node_info{node="${n}",host="${i === 0 ? 'alpha' : 'beta'}",pid="${nodes[i]!.pid}",lean="false"} 1`,
      );
    }
    expect(value(text, 'threadboard_fleet_nodes{status="up"}')).toBe(2);
    expect(value(text, 'threadboard_fleet_request_duration_seconds_count')).toBe(served);
    expect(value(text, 'threadboard_fleet_request_duration_seconds_bucket{le="+Inf"}')).toBe(served);
    expect(value(text, 'threadboard_fleet_transport_connected{kind="redis"}')).toBe(1);
    // The viewer's own process figures are still there.
    expect(text).toContain('threadboard_http_requests_total');
    const file = path.join(dir, 'metrics.txt');
    writeFileSync(file, text);
    const { stdout, stderr } = await run('bash', ['-c', `promtool check metrics < ${file}`]).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });
});
