/**
 * Runs a hostile scenario in a child process of its own, so a defect that kills the host (an
 * uncaught exception, an unhandled rejection) shows as that process's exit, not as vitest's.
 * The script imports the built package by path; `print(x)` writes one JSON line the test reads.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const repo = path.resolve(import.meta.dirname, '..', '..');
export const fixture = (f: string): string => path.join(repo, 'test', 'fixtures', f);

export interface ScenarioResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every line the script printed with print(), parsed. */
  printed: unknown[];
}

export interface ScenarioOptions {
  /** Flags for node itself, e.g. ['--expose-gc']. */
  nodeArgs?: string[];
  /** Descriptor limit for the child (ulimit -n). */
  maxFiles?: number;
  timeoutMs?: number;
  /** Called with the child process once it is spawned (to signal it, say). */
  onSpawn?: (child: ChildProcess) => void;
}

const PRELUDE = `
import { startDashboard } from ${JSON.stringify(path.join(repo, 'dist', 'src', 'index.js'))};
const print = (x) => process.stdout.write('@@' + JSON.stringify(x) + '\\n');
// what: a description, or a function giving one with the state at the time out.
const until = async (what, fn, ms = 10000) => {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + (typeof what === 'function' ? what() : what));
    await new Promise((r) => setTimeout(r, 10));
  }
};
`;

export async function runScenario(body: string, options: ScenarioOptions = {}): Promise<ScenarioResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-hostile-'));
  const file = path.join(dir, 'scenario.mjs');
  writeFileSync(file, `${PRELUDE}\n${body}\n`);
  const nodeArgs = [...(options.nodeArgs ?? []), file];
  const [cmd, args] =
    options.maxFiles === undefined
      ? [process.execPath, nodeArgs]
      : ['bash', ['-c', `ulimit -n ${options.maxFiles} && exec "$0" "$@"`, process.execPath, ...nodeArgs]];
  try {
    return await new Promise<ScenarioResult>((resolve, reject) => {
      const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      options.onSpawn?.(child);
      let stdout = '';
      let stderr = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`scenario did not end within ${options.timeoutMs ?? 30_000} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
      }, options.timeoutMs ?? 30_000);
      child.once('error', reject);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const printed = stdout
          .split('\n')
          .filter((l) => l.startsWith('@@'))
          .map((l) => JSON.parse(l.slice(2)) as unknown);
        resolve({ code, signal, stdout, stderr, printed });
      });
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
