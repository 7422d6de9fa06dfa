// Issue 15: the README's app metrics example runs as written, against the built package.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');

describe('the app metrics example (examples/app-metrics.mjs, the README one)', () => {
  it('counts, sets and observes, finds the same instrument again, and shows each mistake as its typed error', async () => {
    const { stdout } = await run(process.execPath, ['examples/app-metrics.mjs'], { cwd: repo, timeout: 60_000 });
    expect(stdout).toBe(
      [
        'jobs_done: 205 queue_depth: 0',
        'job_duration_ms: count 200 sum 1900 ms',
        'same instrument: true (at most 64 per dashboard)',
        'MetricConflictError ERR_THREADBOARD_METRIC_CONFLICT',
        'ArgumentError ERR_THREADBOARD_ARGUMENT',
        'ArgumentError ERR_THREADBOARD_ARGUMENT',
        '',
      ].join('\n'),
    );
  });
});
