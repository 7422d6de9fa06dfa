// Issue 11, the CLI: --cluster <redis-url>, --cluster-name, --cluster-node and --cluster-viewer;
// flags checked in CLI words, and plain/JSON output with a fleet section over a real redis-server.
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { CliArgsError, parseCliArgs } from '../dist/src/frontends/cli/args.js';
import { dashboardOptionsFor } from '../dist/src/frontends/cli/engine-options.js';
import { fleetLines } from '../dist/src/frontends/cli/fleet-lines.js';
import type { FleetView } from '../dist/src/index.js';
import { startFleetNode } from '../dist/src/demo/fleet-process.js';
import { startRedis } from './cluster/redis-server.js';

const repo = path.resolve(import.meta.dirname, '..');

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

function rejects(argv: string[]): CliArgsError {
  try {
    parseCliArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(CliArgsError);
    return err as CliArgsError;
  }
  throw new Error(`parseCliArgs(${JSON.stringify(argv)}) accepted it`);
}

describe('cluster flags', () => {
  it('reads --cluster, --cluster-name, --cluster-node and --cluster-viewer in any order, into the engine’s cluster option', () => {
    const cli = parseCliArgs(['--cluster-name', 'shop', '--cluster', 'redis://127.0.0.1:6379', '--cluster-node=web-1']);
    expect(cli.cluster).toEqual({ redis: 'redis://127.0.0.1:6379', name: 'shop', node: 'web-1', viewer: false });
    expect(dashboardOptionsFor(cli).cluster).toEqual({ redis: 'redis://127.0.0.1:6379', name: 'shop', node: 'web-1', publish: true });
    const viewer = parseCliArgs(['--cluster', 'rediss://u:p@redis.internal:6380', '--cluster-viewer']);
    expect(dashboardOptionsFor(viewer).cluster).toEqual({ redis: 'rediss://u:p@redis.internal:6380', name: 'default', publish: false });
    expect(parseCliArgs([]).cluster).toBeNull();
  });

  it('says what each flag accepts, never echoes a password, and wants --cluster beside the others', () => {
    const bad = rejects(['--cluster', 'http://u:hunter2@127.0.0.1:6379']);
    expect(bad.flag).toBe('--cluster');
    expect(bad.message).toMatch(/--cluster <redis-url> expects a redis:\/\/ or rediss:\/\/ URL/);
    expect(bad.message).not.toContain('hunter2');
    expect(rejects(['--cluster', 'redis://x:6379', '--cluster-name', 'no spaces']).message).toMatch(
      /--cluster-name <name> expects a letter or digit/,
    );
    expect(rejects(['--cluster-viewer']).message).toBe(
      "threadboard: flag --cluster-viewer needs --cluster <redis-url> as well: it names the fleet's Redis.",
    );
    expect(rejects(['--cluster-name=shop']).flag).toBe('--cluster-name');
  });

  it('prints a fleet in plain lines: totals, the link when it is down, one line per node, one per app metric', () => {
    const view = {
      name: 'shop',
      at: '2026-01-01T00:00:10.000Z',
      self: 'web-1',
      downAfterIntervals: 3,
      nodes: [
        {
          node: 'web-1',
          host: 'alpha',
          status: 'up',
          lastSeenAt: '2026-01-01T00:00:09.500Z',
          hostCpu: 12.5,
          requests: { total: 10, rps: 2, p99LatencyMs: 3, errorRate: 0 },
        },
        {
          node: 'web-2',
          host: 'beta',
          status: 'down',
          lastSeenAt: '2026-01-01T00:00:00.000Z',
          hostCpu: null,
          requests: { total: 7, rps: null, p99LatencyMs: null, errorRate: null },
        },
      ],
      totals: { nodes: 2, up: 1, down: 1, hosts: 2, requests: { total: 17, rps: 2, p50LatencyMs: 1, p99LatencyMs: 3, errorRate: 0 } },
      app: {
        jobs_done: { type: 'counter', value: 13000, rate: 412.5 },
        queue_depth: { type: 'gauge', value: 7 },
        job_ms: { type: 'histogram', unit: 'ms', count: 800, sum: 125850, avg: 157.313, p50: 101, p99: 494 },
        size: { type: 'histogram', unit: 'none', count: 0, sum: 0, avg: null, p50: null, p99: null },
      },
      transport: {
        kind: 'redis',
        status: 'reconnecting',
        endpoint: 'redis://127.0.0.1:6379',
        since: '2026-01-01T00:00:05.000Z',
        lastError: { message: 'connect ECONNREFUSED' },
      },
    } as unknown as FleetView;
    expect(fleetLines(view)).toEqual([
      'FLEET shop  nodes: 2 (1 up, 1 down)  hosts: 2  rps: 2.0  p50: 1.00ms  p99: 3.00ms  errors: 0.00%  total: 17  redis: reconnecting',
      'FLEET redis://127.0.0.1:6379 reconnecting since 2026-01-01T00:00:05.000Z: connect ECONNREFUSED',
      '  web-1  alpha  up  rps: 2.0  p99: 3.00ms  errors: 0.00%  total: 10  host cpu: 12.5%  seen: 0.5s ago (this process)',
      '  web-2  beta  down  rps: –  p99: –  errors: –  total: 7  host cpu: –  seen: 10s ago',
      'FLEET APP jobs_done  value: 13000  rate: 412.50/s',
      'FLEET APP queue_depth  value: 7',
      'FLEET APP job_ms  count: 800  p50: 101.00ms  p99: 494.00ms  avg: 157.31ms',
      'FLEET APP size  count: 0  p50: –  p99: –  avg: –',
    ]);
  });

  it('--json --cluster-viewer prints the fleet beside the snapshot; --plain --cluster adds this process as a node', async () => {
    const r = await startRedis();
    cleanup.push(() => r.stop());
    const n = await startFleetNode({ redis: r.url, name: 'shop', node: 'web-1', intervalMs: 250, builtins: ['requests'] });
    cleanup.push(() => n.stop());
    const json = spawnSync(process.execPath, ['dist/run.js', '--json', '--cluster', r.url, '--cluster-name', 'shop', '--cluster-viewer'], {
      cwd: repo,
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout) as { requests: unknown; fleet: FleetView };
    expect(out.requests).toBeDefined();
    expect(out.fleet).toMatchObject({ name: 'shop', self: null, transport: { status: 'connected' } });
    expect(out.fleet.nodes.map((x) => x.node)).toEqual(['web-1']);

    const plain = spawn(
      process.execPath,
      ['dist/run.js', '--plain', '-i', '250', '--cluster', r.url, '--cluster-name', 'shop', '--cluster-node', 'cli-1'],
      {
        cwd: repo,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => plain.once('exit', (code) => resolve(code)));
    cleanup.push(async () => {
      plain.kill('SIGKILL');
      await exited;
    });
    const seen = await new Promise<string>((resolve) => {
      readline.createInterface({ input: plain.stdout }).on('line', (line) => {
        if (/^FLEET shop {2}nodes: 2 \(2 up, 0 down\)/.test(line)) resolve(line);
      });
    });
    expect(seen).toMatch(/redis: connected$/);
    plain.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
