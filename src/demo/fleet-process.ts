/** Starts fleet-node.js as a child process and waits for its ready line; for the cluster demo, its test and the bench. */
import { spawn, type ChildProcess } from 'node:child_process';
import type { FleetNodeConfig } from './fleet-node.js';

export interface FleetNodeProcess {
  name: string;
  port: number;
  pid: number;
  child: ChildProcess;
  /** What it wrote on stderr (a warning or an error that reached the host would show here). */
  stderr(): string;
  /** SIGKILL, as a crash would; resolves once it is gone. */
  kill(): Promise<void>;
  /** SIGTERM (a clean stop), SIGKILL after 5 s. */
  stop(): Promise<void>;
}

const NODE_FILE = new URL('./fleet-node.js', import.meta.url);

function gone(c: ChildProcess): Promise<void> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', () => r()));
}

export async function startFleetNode(
  config: FleetNodeConfig & { node: string },
  env: NodeJS.ProcessEnv = process.env,
): Promise<FleetNodeProcess> {
  const child = spawn(process.execPath, [NODE_FILE.pathname, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    // Bounded: a node that floods stderr cannot grow this process.
    if (stderr.length < 64 * 1024) stderr += d;
  });
  const ready = await new Promise<{ port: number; pid: number }>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`fleet node ${config.node} did not start within 20 s`));
    }, 20_000);
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{"ready"'));
      if (!line) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as { port: number; pid: number });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`fleet node ${config.node} exited before it was ready (${code ?? signal})`));
    });
  });
  return {
    name: config.node,
    port: ready.port,
    pid: ready.pid,
    child,
    stderr: () => stderr,
    async kill() {
      child.kill('SIGKILL');
      await gone(child);
    },
    async stop() {
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await gone(child);
      clearTimeout(t);
    },
  };
}
