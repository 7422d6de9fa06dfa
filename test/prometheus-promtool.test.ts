// Issue 10.5: /metrics checked by Prometheus' own tool, and histogram_quantile() close to the truth.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { bucketsOf, histogramQuantile } from './prom-quantile.js';

const run = promisify(execFile);
const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-promtool-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const FAMILY = 'threadboard_http_request_duration_seconds';

/** Deterministic latencies (ms) shaped like real services: a log-normal body and slow tails. */
function traffic(kind: string, n: number): number[] {
  let seed = 7;
  const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const normal = (): number => Math.sqrt(-2 * Math.log(rnd() || 1e-9)) * Math.cos(2 * Math.PI * rnd());
  const gen: Record<string, () => number> = {
    // an API behind a database: median 20 ms, long-tailed
    api: () => 20 * Math.exp(0.8 * normal()),
    // static files from nginx with a slow upstream for one request in ten
    proxy: () => (rnd() < 0.9 ? 2 + 3 * rnd() : 50 + 150 * rnd()),
    // a fast service with 3 % timeouts-ish outliers
    tail: () => (rnd() < 0.97 ? 8 * Math.exp(0.5 * normal()) : 200 + 600 * rnd()),
  };
  return Array.from({ length: n }, () => Math.max(0.001, gen[kind]!()));
}

async function scrape(perOctave: number, latencies: number[]): Promise<string> {
  const dash = await startDashboard({ builtins: ['requests'], web: { port: 0, latencyBucketsPerOctave: perOctave } });
  try {
    for (const ms of latencies) dash.recordRequest({ durationMs: ms, status: 200 });
    return await fetch(`${dash.webUrl}/metrics`).then((r) => r.text());
  } finally {
    await dash.stop();
  }
}

describe('/metrics against Prometheus', () => {
  it('passes promtool check metrics', async () => {
    const text = await scrape(4, traffic('api', 2000));
    const file = path.join(dir, 'metrics.txt');
    writeFileSync(file, text);
    const { stdout, stderr } = await run('bash', ['-c', `promtool check metrics < ${file}`]).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${stdout}${stderr}`.trim()).toBe('');
  });

  it('passes promtool check metrics with app metrics of every kind (the README example names), their histogram as exact as the latency one', async () => {
    const dash = await startDashboard({ builtins: ['requests'], web: { port: 0 } });
    let text: string;
    const latencies = traffic('api', 5000);
    try {
      const jobs = dash.metrics.counter('jobs_done', { help: 'jobs finished' });
      jobs.inc();
      jobs.inc(5);
      dash.metrics.gauge('queue_depth').set(17);
      dash.metrics.counter('bytes_sent_total', { help: 'a name that already ends in _total keeps one' }).inc(1024);
      const took = dash.metrics.histogram('job_duration_ms');
      for (const ms of latencies) {
        took.observe(ms);
        dash.recordRequest({ durationMs: ms, status: 200 });
      }
      const sizes = dash.metrics.histogram('payload_bytes', { unit: 'none', help: 'request bodies\nwith a newline and a \\ in the help' });
      for (let i = 0; i < 1000; i++) sizes.observe(i * 37);
      text = await fetch(`${dash.webUrl}/metrics`).then((r) => r.text());
    } finally {
      await dash.stop();
    }
    const file = path.join(dir, 'app-metrics.txt');
    writeFileSync(file, text);
    const { stdout, stderr } = await run('bash', ['-c', `promtool check metrics < ${file}`]).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${stdout}${stderr}`.trim()).toBe('');
    expect(text).toMatch(/^threadboard_app_jobs_done_total 6$/m);
    expect(text).toMatch(/^threadboard_app_queue_depth 17$/m);
    expect(text).toMatch(/^threadboard_app_bytes_sent_total 1024$/m);
    expect(text).toMatch(/^# TYPE threadboard_app_job_duration_seconds histogram$/m);
    expect(text).toMatch(/^threadboard_app_payload_bytes_count 1000$/m);
    // The same observations, the same edges: the same cumulative counts as the request latency.
    expect(bucketsOf(text, 'threadboard_app_job_duration_seconds')).toEqual(bucketsOf(text, FAMILY));
  });

  it.each(['api', 'proxy', 'tail'])(
    'histogram_quantile(0.99) is within 10 percent of the exact p99 on %s-like traffic (default: 4 edges per octave)',
    async (kind) => {
      const latencies = traffic(kind, 20_000);
      const exact = [...latencies].sort((a, b) => a - b)[Math.ceil(0.99 * latencies.length) - 1]! / 1000;
      const q = (text: string): number => histogramQuantile(0.99, bucketsOf(text, FAMILY));
      const fine = q(await scrape(4, latencies));
      expect(Math.abs(fine / exact - 1)).toBeLessThan(0.1);
      // Powers of two alone (the edges before) are the coarse case this fixes.
      const coarse = q(await scrape(1, latencies));
      expect(Math.abs(coarse / exact - 1)).toBeGreaterThan(Math.abs(fine / exact - 1));
    },
  );

  it('our reading of histogram_quantile() is Prometheus’ own (promtool evaluates the same buckets)', async () => {
    const text = await scrape(4, traffic('proxy', 5000));
    const buckets = bucketsOf(text, FAMILY);
    const ours = histogramQuantile(0.99, buckets);
    const series = buckets
      .map(([le, c]) => `      - series: '${FAMILY}_bucket{le="${le === Infinity ? '+Inf' : le}"}'\n        values: '${c}'`)
      .join('\n');
    writeFileSync(path.join(dir, 'rules.yml'), 'groups: []\n');
    writeFileSync(
      path.join(dir, 'quantile.test.yml'),
      `rule_files: [rules.yml]
evaluation_interval: 1m
tests:
  - interval: 1m
    input_series:
${series}
    promql_expr_test:
      - expr: histogram_quantile(0.99, ${FAMILY}_bucket)
        eval_time: 0m
        exp_samples:
          - labels: '{}'
            value: ${ours}
`,
    );
    const out = await run('promtool', ['test', 'rules', 'quantile.test.yml'], { cwd: dir }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${out.stdout}${out.stderr}`).toMatch(/SUCCESS/);
  });
});
