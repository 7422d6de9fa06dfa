import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED_REASON, recoveryProblems, resultRow, type CrashObservation } from '../dist/src/demo/recovery-check.js';
import { formatTable } from '../dist/src/demo/text-table.js';
import type { DashboardSnapshot } from '../dist/src/index.js';
import { ISO } from './helpers.js';

const repo = path.resolve(import.meta.dirname, '..');
const TARGETS = ['coordinator', 'cpu', 'memory', 'requests'];
const FAULTS = ['throw', 'exit', 'hang', 'oom', 'kill'] as const;

function run(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: repo });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the crash-recovery demo (examples/crash-demo.ts)', () => {
  it('crashes every target in every fault kind, prints a 20-row table of checked recoveries, exits 0', async () => {
    const r = await run('dist/examples/crash-demo.js');
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    const lines = r.stdout.split('\n');
    // The snapshot it starts from.
    expect(lines.some((l) => /^CPU \d+\.\d%/.test(l))).toBe(true);
    expect(lines.some((l) => /^MEM \[/.test(l))).toBe(true);
    expect(lines.some((l) => /^REQ /.test(l))).toBe(true);
    expect(lines.find((l) => l.startsWith('updated: '))?.slice(9)).toMatch(ISO);

    const head = lines.findIndex((l) => /^TARGET\s+FAULT\s+DETECTED\s+OLD THREAD\s+NEW THREAD\s+RECOVERY\s+CHECK$/.test(l));
    expect(head).toBeGreaterThan(-1);
    expect(lines[head + 1]).toMatch(/^-+( {2}-+){6}$/);
    const rows = lines.slice(head + 2, head + 22).map((l) => l.split(/\s{2,}/));
    expect(lines[head + 22]).toBe('');
    const seen = new Set<string>();
    for (const [target, fault, detected, oldId, newId, recovery, check] of rows) {
      seen.add(`${target}/${fault}`);
      expect(detected).toBe(EXPECTED_REASON[fault as (typeof FAULTS)[number]]);
      expect(Number(newId)).not.toBe(Number(oldId));
      expect(recovery).toMatch(/^\d+ ms$/);
      expect(check).toBe('ok');
    }
    expect([...seen].sort()).toEqual(TARGETS.flatMap((t) => FAULTS.map((f) => `${t}/${f}`)).sort());
    expect(r.stdout).toContain('all 20 recoveries checked');
  });
});

describe('the recovery check the demo applies', () => {
  const good: CrashObservation = {
    target: 'cpu',
    fault: 'hang',
    crashAt: 1000,
    oldThreadId: 3,
    exit: { reason: 'hang', threadId: 3 },
    newThreadId: 7,
    firstSampleAt: 1900,
    error: null,
  };

  it('passes a right recovery and reports its time', () => {
    expect(recoveryProblems(good)).toEqual([]);
    expect(resultRow(good)).toEqual(['cpu', 'hang', 'hang', '3', '7', '900 ms', 'ok']);
  });

  it('fails a wrong reason, a missing or same-thread restart, and a stale or missing sample', () => {
    expect(recoveryProblems({ ...good, exit: { reason: 'error', threadId: 3 } })).toEqual(['reason error, expected hang']);
    expect(recoveryProblems({ ...good, newThreadId: 3 })).toEqual(['same thread id after restart']);
    expect(recoveryProblems({ ...good, newThreadId: null })).toEqual(['no restart']);
    expect(recoveryProblems({ ...good, firstSampleAt: 900 })).toEqual(['sample older than the crash']);
    expect(recoveryProblems({ ...good, exit: null, firstSampleAt: null, error: 'timed out' })).toEqual([
      'timed out',
      'no exit event',
      'no fresh sample',
    ]);
    expect(resultRow({ ...good, newThreadId: null }).at(-1)).toBe('FAIL: no restart');
  });

  it('formats aligned tables: right-aligned numbers, no trailing spaces', () => {
    expect(
      formatTable(
        ['A', 'NUM'],
        [
          ['x', '5'],
          ['long', '123'],
        ],
        ['left', 'right'],
      ),
    ).toEqual(['A     NUM', '----  ---', 'x       5', 'long  123']);
  });
});

describe('the getDashboard() example (examples/get-dashboard.ts)', () => {
  it('prints a snapshot as JSON and exits on its own', async () => {
    const r = await run('dist/examples/get-dashboard.js');
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as DashboardSnapshot;
    expect(s.collectionCount).toBe(1);
    expect(s.requests!.total).toBe(2);
  });
});

describe('the custom worker example (examples/custom-worker.mjs, the README one)', () => {
  it('runs as written: a worker reading shared state, resolved next to its module', async () => {
    const r = await run('examples/custom-worker.mjs');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('after 25 jobs arrived: { depth: 25, highWater: 25 }\nafter 20 were done:    { depth: 5, highWater: 25 }\n');
  });
});
