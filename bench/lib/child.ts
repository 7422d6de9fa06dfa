/** Runs a bench child process and returns the JSON object it prints last. */
import { spawn } from 'node:child_process';

export async function runChild<T>(file: URL, args: readonly string[], timeoutMs: number, env: Record<string, string> = {}): Promise<T> {
  const child = spawn(process.execPath, [file.pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0) throw new Error(`${file.pathname} exited with ${code}: ${out.slice(-500)}`);
  return JSON.parse(last) as T;
}

export const childFile = (name: string): URL => new URL(`../children/${name}.js`, import.meta.url);
export const fixtureFile = (name: string): URL => new URL(`../fixtures/${name}.js`, import.meta.url);
