import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { OptionsError, startDashboard } from '../dist/src/index.js';
import { threadCount } from './helpers.js';

describe('startDashboard({ web })', () => {
  it('serves the page and API, does not count its own requests as traffic, and stop() closes it', async () => {
    const dash = await startDashboard({ web: { port: 0 } });
    const app = http.createServer((_req, res) => res.end('app'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
    const url = dash.webUrl!;
    try {
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/?$/);
      for (let i = 0; i < 5; i++) expect((await fetch(new URL('/api/dashboard', url))).status).toBe(200);
      expect(await (await fetch(url)).text()).toMatch(/<html/i);
      const appUrl = `http://127.0.0.1:${(app.address() as AddressInfo).port}/`;
      for (let i = 0; i < 3; i++) await (await fetch(appUrl)).text();
      await dash.collect();
      // Only the user's app is traffic: the dashboard's own page and API requests are excluded.
      expect((await dash.getDashboard()).requests!.total).toBe(3);
    } finally {
      app.close();
      await dash.stop();
    }
    expect(dash.webUrl).toBeNull();
    await expect(fetch(new URL('/api/dashboard', url))).rejects.toThrow();
  });

  it('rejects bad web options before any thread starts', async () => {
    const threads = threadCount();
    const err = await startDashboard({ web: { host: '0.0.0.0' } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OptionsError);
    expect((err as OptionsError).option).toBe('web.token');
    expect(threadCount()).toBe(threads);
  });
});
