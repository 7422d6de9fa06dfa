/**
 * The demo app: a plain node:http server on 127.0.0.1. Its requests need no measuring code: the
 * dashboard's HTTP probe sees them through diagnostics_channel, as it would any app's. Given the
 * dashboard's `metrics`, it also keeps app metrics of its own, as a host's code would (jobs
 * done, jobs in progress, time per job), so the APP section has figures to show.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { AppMetrics } from '../main/app-metrics/registry.js';
import { parseDemoPath } from './demo-mix.js';

export interface DemoApp {
  url: string;
  close(): Promise<void>;
}

export async function startDemoApp(metrics?: AppMetrics): Promise<DemoApp> {
  const pending = new Set<NodeJS.Timeout>();
  const done = metrics?.counter('demo_jobs_done', { help: 'Demo app: requests it answered with a 2xx.' });
  const inProgress = metrics?.gauge('demo_jobs_in_progress', { help: 'Demo app: requests whose work is under way.' });
  const took = metrics?.histogram('demo_job_duration_ms', { help: "Demo app: each request's work, start to answer." });
  const server = http.createServer((req, res) => {
    const ask = parseDemoPath(req.url ?? '');
    const started = performance.now();
    inProgress?.inc();
    const answer = (): void => {
      inProgress?.dec();
      took?.observe(performance.now() - started);
      const status = ask?.status ?? 404;
      if (status < 300) done?.inc();
      const body = JSON.stringify({ demo: true, status });
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
      res.end(body);
    };
    if (!ask || ask.delayMs === 0) return answer();
    // Stands in for the work a real handler does (a query, a render).
    const timer = setTimeout(() => {
      pending.delete(timer);
      answer();
    }, ask.delayMs);
    pending.add(timer);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of pending) clearTimeout(t);
        inProgress?.dec(pending.size);
        pending.clear();
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
