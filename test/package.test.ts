import { execFile } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');

describe('the package', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-consumer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is imported by name from plain Node, works, and lets the process exit on its own after stop()', async () => {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(repo, path.join(dir, 'node_modules', 'threadboard'), 'dir');
    writeFileSync(
      path.join(dir, 'main.mjs'),
      `import { startDashboard } from 'threadboard';
       const dash = await startDashboard();
       await dash.collect();
       const s = await dash.getDashboard();
       console.log(JSON.stringify({ workers: await dash.workerCount(), cpu: s.cpu !== null, memory: s.memory !== null, count: s.collectionCount }));
       await dash.stop();
       // No process.exit: if any thread, timer or port were left open, the process would not end.`,
    );
    const { stdout } = await run(process.execPath, ['main.mjs'], { cwd: dir, timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ workers: 3, cpu: true, memory: true, count: 1 });
  });
});
