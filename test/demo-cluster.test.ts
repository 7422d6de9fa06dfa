// Issue 11: the fleet crash-recovery demo (examples/cluster-demo.ts, `npm run demo:cluster`) run
// as a user runs it, and what it says when redis-server is missing.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { findRedisServer, redisMissingMessage } from '../dist/src/demo/redis-launch.js';

const repo = path.resolve(import.meta.dirname, '..');

function run(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [file], { cwd: repo, env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('the fleet crash-recovery demo', () => {
  it('kills a node, sees it down in time, gets it back as a counter reset, and the fleet total equals the load; exits 0', async () => {
    const r = await run('dist/examples/cluster-demo.js');
    expect(r.stderr).toBe('');
    expect(r.code, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/^SIGKILL web-2 \(pid \d+\)$/m);
    expect(r.stdout).toMatch(/^== web-2 down after \d+ ms$/m);
    expect(r.stdout).toMatch(/^ {2}web-2 {2}alpha {2}down /m);
    expect(r.stdout).toMatch(/^== web-2 back \(pid \d+\)/m);
    const table = r.stdout.split('\n').filter((l) => / (ok|FAILED)$/.test(l));
    expect(table).toHaveLength(5);
    expect(table.every((l) => l.endsWith(' ok'))).toBe(true);
    const total = /fleet total equals what the load generator got +(\d+) \/ (\d+)/.exec(r.stdout);
    expect(total?.[1]).toBe(total?.[2]);
    expect(r.stdout).toMatch(/^RESULT: PASS/m);
  });

  it('says how to install redis-server when there is none, and exits 2', async () => {
    expect(findRedisServer({ PATH: '/nonexistent' }, [])).toBeNull();
    expect(findRedisServer({ PATH: '/nonexistent' })).toMatch(/redis-server$/);
    expect(redisMissingMessage({})).toMatch(/apt-get install redis-server/);
    const r = await run('dist/examples/cluster-demo.js', { ...process.env, THREADBOARD_REDIS_SERVER: '/nonexistent/redis-server' });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('THREADBOARD_REDIS_SERVER=/nonexistent/redis-server is not an executable file');
    expect(r.stderr).toContain('bash scripts/system-deps.sh');
  });
});
