/**
 * Issue 15's last item over a real redis-server: two dashboards (this process and a child
 * process) count known numbers of app-metric increments and observations, and the fleet view
 * has their exact sum and merged histogram; the child restarted under the same node name never
 * takes the fleet counter back.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { BUCKET_COUNT, bucketIndex, quantile } from '../dist/src/shared/histogram.js';
import type { FleetView } from '../dist/src/cluster/types.js';
import { startRedis, type RedisServer } from './cluster/redis-server.js';
import { waitFor } from './helpers.js';

const repo = path.resolve(import.meta.dirname, '..');

/** A second node in its own process: `incs` increments of jobs_done, observations 1..`observations` ms of job_ms, queue_depth 4. */
function child(url: string, incs: number, observations: number): ChildProcess {
  return spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { startDashboard } from ${JSON.stringify(path.join(repo, 'dist/src/index.js'))};
       const dash = await startDashboard({ httpProbe: false, intervalMs: 250, cluster: { redis: ${JSON.stringify(url)}, name: 'shop', node: 'web-2', host: 'host-b' } });
       const jobs = dash.metrics.counter('jobs_done');
       for (let i = 0; i < ${incs}; i++) jobs.inc();
       const took = dash.metrics.histogram('job_ms');
       for (let i = 1; i <= ${observations}; i++) took.observe(i);
       dash.metrics.gauge('queue_depth').set(4);
       process.stdin.on('end', () => dash.stop().then(() => process.exit(0)));
       process.stdin.resume();`,
    ],
    { stdio: ['pipe', 'ignore', 'inherit'] },
  );
}

async function stopChild(c: ChildProcess | undefined): Promise<void> {
  if (!c || c.exitCode !== null) return;
  c.stdin?.end();
  await once(c, 'exit');
}

describe('app metrics across a fleet over Redis', () => {
  let redis: RedisServer;
  let dash: Dashboard;
  let other: ChildProcess | undefined;
  let web: WebServer;

  beforeAll(async () => {
    redis = await startRedis();
    dash = await startDashboard({
      httpProbe: false,
      intervalMs: 250,
      cluster: { redis: redis.url, name: 'shop', node: 'web-1', host: 'host-a' },
    });
    web = await startWebServer(dash, { port: 0 });
  });
  afterAll(async () => {
    await stopChild(other);
    await web?.close();
    await dash?.stop();
    await redis?.stop();
  });

  it('sums the counters and merges the histograms of both nodes exactly, through a restart', async () => {
    const jobs = dash.metrics.counter('jobs_done');
    for (let i = 0; i < 5000; i++) jobs.inc();
    jobs.inc(1000);
    const took = dash.metrics.histogram('job_ms');
    for (let i = 0; i < 300; i++) took.observe(2);
    dash.metrics.gauge('queue_depth').set(3);
    other = child(redis.url, 7000, 500);

    const seen: number[] = [];
    const value = (f: FleetView): number => {
      const m = f.app.jobs_done;
      const v = m?.type === 'counter' ? m.value : 0;
      seen.push(v);
      return v;
    };
    const f = await waitFor('both nodes’ counts in the fleet', async () => {
      const view = await dash.getFleet();
      return value(view) === 13_000 && view.app.job_ms?.type === 'histogram' && view.app.job_ms.count === 800 ? view : null;
    });
    const merged = f.app.job_ms;
    if (merged?.type !== 'histogram') throw new Error('no merged histogram');
    // The expected merge: this node's 300 × 2 ms and the child's 1..500 ms, in one histogram.
    const dense = new Float64Array(BUCKET_COUNT);
    dense[bucketIndex(2000)]! += 300;
    for (let i = 1; i <= 500; i++) dense[bucketIndex(i * 1000)]! += 1;
    expect(merged.p99).toBe(quantile(dense, 0.99) / 1000);
    expect(merged.p50).toBe(quantile(dense, 0.5) / 1000);
    expect(merged.sum).toBe(300 * 2 + (500 * 501) / 2);
    expect(f.app.queue_depth).toEqual({ type: 'gauge', value: 7 });
    // The viewer's /metrics: the same figures as Prometheus families, the histogram with its buckets.
    const text = await (await fetch(`${web.url}/metrics`)).text();
    expect(text).toMatch(/^threadboard_fleet_app_jobs_done_total 13000$/m);
    expect(text).toMatch(/^threadboard_fleet_app_job_seconds_count 800$/m);
    expect(text).toMatch(/^threadboard_fleet_app_job_seconds_bucket\{le="\+Inf"\} 800$/m);
    expect(text).toMatch(/^threadboard_fleet_app_queue_depth 7$/m);
    expect(text).toMatch(/^threadboard_app_jobs_done_total 6000$/m);
    const lint = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', timeout: 10_000 });
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe('');
    expect(lint.status).toBe(0);

    // The child restarts under the same node name and counts from 0 again.
    await stopChild(other);
    other = child(redis.url, 100, 10);
    const after = await waitFor('the restarted node’s counts added', async () => {
      const view = await dash.getFleet();
      return value(view) === 13_100 && view.app.job_ms?.type === 'histogram' && view.app.job_ms.count === 810 ? view : null;
    });
    expect(after.nodes.find((n) => n.node === 'web-2')?.resets).toBe(1);
    // Never backwards, at any moment the test looked.
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThanOrEqual(seen[i - 1]!);
  });
});
