// Issue 11, same host and no Redis: a real node:cluster app (test/fixtures/cluster-app.mjs) whose
// workers share one HTTP port under real load; the primary's dashboard is the fleet view.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import readline from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import type { FleetView } from '../dist/src/index.js';
import { FleetLoad } from '../dist/src/demo/fleet-load.js';
import { waitFor } from './helpers.js';

const APP = new URL('./fixtures/cluster-app.mjs', import.meta.url).pathname;

interface Answer {
  fleet: FleetView;
  appMessages: number;
}

const cleanup: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => undefined);
});

async function startApp(): Promise<{
  port: number;
  ask: () => Promise<Answer>;
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<number | null>;
}> {
  const child = spawn(process.execPath, [APP], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  });
  const lines: Array<(line: string) => void> = [];
  readline.createInterface({ input: child.stdout }).on('line', (line) => lines.shift()?.(line));
  const next = (): Promise<string> => new Promise((resolve) => lines.push(resolve));
  const ready = JSON.parse(await next()) as { port: number };
  return {
    port: ready.port,
    child,
    exited,
    stderr: () => stderr,
    ask: () => {
      const answer = next();
      child.stdin.write('fleet\n');
      return answer.then((l) => JSON.parse(l) as Answer);
    },
  };
}

describe('a node:cluster fleet without Redis', () => {
  it('sees every lean worker through the cluster IPC channel, with exact totals under load, beside the app’s own messages', async () => {
    const app = await startApp();
    const load = new FleetLoad({ clients: 4, rate: 50 });
    load.start({ name: 'app', port: app.port });
    await waitFor('every worker serving', async () => {
      const { fleet } = await app.ask();
      return fleet.nodes.filter((n) => n.lean && n.requests.total > 0).length === 3;
    });
    await new Promise((r) => setTimeout(r, 500));
    await load.stop();
    const served = load.total();
    const { fleet, appMessages } = await waitFor('the fleet total to equal the load', async () => {
      const a = await app.ask();
      return a.fleet.totals.requests.total === served ? a : null;
    });
    // Three lean workers and the primary, one host: its CPU and memory measured once, by the primary.
    expect(fleet.name).toBe('app');
    expect(fleet.transport).toMatchObject({ kind: 'ipc', status: 'connected', endpoint: 'node:cluster' });
    expect(fleet.totals).toMatchObject({ nodes: 4, up: 4, down: 0, hosts: 1 });
    const workers = fleet.nodes.filter((n) => n.lean);
    expect(workers).toHaveLength(3);
    for (const w of workers) {
      expect(w.engine).toBe('lean');
      expect(w.hostCpu).toBeTypeOf('number');
    }
    expect(fleet.hosts[0]?.cpu?.usage).toBeTypeOf('number');
    expect(fleet.hosts[0]?.memory?.usagePercent).toBeGreaterThan(0);
    expect(fleet.self).toMatch(/:\d+$/);
    expect(fleet.transport.rejected).toMatchObject({ schema: 0, 'not-json': 0 });
    // The app's own IPC messages still reach it.
    expect(appMessages).toBe(3);
    // SIGTERM: workers disconnect, every dashboard stops, and the primary ends by itself.
    app.child.kill('SIGTERM');
    expect(await app.exited).toBe(0);
    expect(app.stderr()).toBe('');
  });
});
