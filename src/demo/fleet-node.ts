/**
 * One node of a demo or test fleet, as a process of its own: a real node:http app measured by
 * the probe, and a dashboard in cluster mode. Run by the cluster demo, its test and the bench:
 *   node dist/src/demo/fleet-node.js '{"name":"shop","node":"web-1","redis":"redis://127.0.0.1:6379"}'
 * It prints one JSON line when ready ({ ready, port, pid }), answers GET /?ms=N&status=S after
 * N ms with status S (so a load can shape latency and errors), and stops cleanly on SIGTERM.
 */
import http from 'node:http';
import { startDashboard } from '../index.js';
import type { ClusterOptions } from '../cluster/types.js';
import type { BuiltinWorkerName } from '../snapshot.js';

export interface FleetNodeConfig extends ClusterOptions {
  /** The dashboard's interval (and so the report interval). Default 1000. */
  intervalMs?: number;
  /** Built-in workers; default all three. */
  builtins?: BuiltinWorkerName[];
}

const config = JSON.parse(process.argv[2] ?? '{}') as FleetNodeConfig;
const { intervalMs = 1000, builtins, ...cluster } = config;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const ms = Math.min(10_000, Number(url.searchParams.get('ms') ?? 0) || 0);
  const status = Number(url.searchParams.get('status') ?? 200) || 200;
  const reply = (): void => {
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end('ok\n');
  };
  if (ms > 0) setTimeout(reply, ms);
  else reply();
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const dash = await startDashboard({ intervalMs, ...(builtins ? { builtins } : {}), cluster });
const port = (server.address() as { port: number }).port;
process.stdout.write(`${JSON.stringify({ ready: true, port, pid: process.pid })}\n`);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  server.closeAllConnections();
  server.close();
  dash.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
