import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');

interface Figure {
  median: number;
  worst: number;
}
interface Row {
  name: string;
  threadboard: Figure;
  reference: Figure | null;
  ratio: number | null;
}

describe('the benchmark suite, --quick', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-bench-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // Timings are not asserted here (the machine is shared and noisy): only that no row has rotted.
  it('runs every row and every row produces numbers', async () => {
    const out = path.join(dir, 'results.json');
    await run(process.execPath, [path.join(repo, 'dist/bench/run.js'), '--quick', '--out', out], { cwd: repo, timeout: 230_000 });
    const result = JSON.parse(readFileSync(out, 'utf8')) as { rows: Row[]; failures: string[] };
    expect(result.failures).toEqual([]);
    const names = result.rows.map((r) => r.name);
    for (const expected of [
      'worker recovery',
      'coordinator recovery',
      'hang detection',
      'getDashboard() p99',
      'HTTP probe vs none',
      'HTTP probe vs prom-client',
      'HTTP probe: cost per request',
      'app counter inc() vs Atomics.add',
      'app histogram observe() vs Atomics.add',
      'app counter inc() vs prom-client',
      'app histogram observe() vs prom-client',
      'footprint',
      'CPU cost: engine',
      'CPU cost: with terminal UI',
      'scale: RSS per worker',
      'scale: collect() latency',
      'access-log parsing',
      'WebSocket fan-out',
      'cluster: publisher CPU',
      'cluster: bytes per report',
      'cluster: viewer CPU, 200 nodes',
      'cluster: publish-to-view p99, 200 nodes',
    ])
      expect(names).toContain(expected);
    for (const row of result.rows) {
      expect(Number.isFinite(row.threadboard.median), row.name).toBe(true);
      if (row.reference) expect(Number.isFinite(row.reference.median), row.name).toBe(true);
      if (row.ratio !== null) expect(Number.isFinite(row.ratio), row.name).toBe(true);
    }
  }, 240_000);
});
