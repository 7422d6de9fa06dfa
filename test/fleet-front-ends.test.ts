/**
 * Cluster mode's front ends over a real redis-server: the page's fleet section in headless
 * Chromium and the terminal's fleet view (key f) under tmux, each showing the engine's fleet view
 * of two real dashboards (one in this process, one in a child process) as the engine computed it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { startRedis, type RedisServer } from './cluster/redis-server.js';
import { waitFor } from './helpers.js';

const repo = path.resolve(import.meta.dirname, '..');
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'];

describe('the fleet on the page and in the terminal', () => {
  let redis: RedisServer;
  let other: ChildProcess;
  let dash: Dashboard;
  let web: WebServer;
  let browser: Browser;
  const session = `fleet-${process.pid}`;
  // A private tmux server (never a user's sessions), in a UTF-8 locale as the tmux tests run theirs.
  const socketDir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-tmux-'));
  const tmux = (...args: string[]): string =>
    execFileSync('tmux', ['-S', path.join(socketDir, 'socket'), '-f', '/dev/null', ...args], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { ...process.env, LANG: 'C.UTF-8' },
    });

  beforeAll(async () => {
    redis = await startRedis();
    // A second node: another process, another host name, its own traffic.
    other = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { startDashboard } from ${JSON.stringify(path.join(repo, 'dist/src/index.js'))};
         const dash = await startDashboard({ httpProbe: false, intervalMs: 250, cluster: { redis: ${JSON.stringify(redis.url)}, name: 'shop', node: 'web-2', host: 'host-b' } });
         setInterval(() => { for (let i = 0; i < 10; i++) dash.recordRequest({ durationMs: 5, status: 200 }); }, 100);
         process.stdin.on('end', () => dash.stop().then(() => process.exit(0)));
         process.stdin.resume();`,
      ],
      { stdio: ['pipe', 'ignore', 'inherit'] },
    );
    dash = await startDashboard({
      httpProbe: false,
      intervalMs: 250,
      cluster: { redis: redis.url, name: 'shop', node: 'web-1', host: 'host-a' },
    });
    web = await startWebServer(dash, { port: 0 });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    try {
      tmux('kill-server');
    } catch {
      // already gone
    }
    rmSync(socketDir, { recursive: true, force: true });
    await browser?.close();
    await web?.close();
    await dash?.stop();
    if (other && other.exitCode === null) {
      other.stdin?.end();
      await once(other, 'exit');
    }
    await redis?.stop();
  });

  it('the page lists every node of the fleet with its figures, as the fleet view has them', async () => {
    const view = await waitFor('both nodes up', async () => {
      const f = await dash.getFleet();
      return f.totals.up === 2 && (f.nodes.find((n) => n.node === 'web-2')?.requests.total ?? 0) > 0 ? f : null;
    });
    expect(view.nodes.map((n) => n.node).sort()).toEqual(['web-1', 'web-2']);
    const page = await browser.newPage();
    try {
      await page.goto(`${web.url}/`);
      await page.locator('#fleet-nodes tr[data-node="web-2"]').waitFor();
      // The page shows the fleet view pushed last (at most every 500 ms): the first can predate
      // web-2's first counted request; the next one has it.
      await page.waitForFunction(() => Number(document.querySelector('#fleet-nodes tr[data-node="web-2"] .total')?.textContent) > 0);
      expect(await page.locator('#fleet').isVisible()).toBe(true);
      expect(await page.locator('#fleet-title').textContent()).toBe('shop · 2 nodes (2 up, 0 down) on 2 hosts');
      expect(await page.locator('#fleet-totals').textContent()).toMatch(
        /^\d+\.\d req\/s · p99 .* · 5xx \d+\.\d% · total \d+ · redis connected$/,
      );
      const row = page.locator('#fleet-nodes tr[data-node="web-2"]');
      expect(await row.locator('.host').textContent()).toBe('host-b');
      expect(await row.locator('.status').textContent()).toBe('up');
      expect(Number(await row.locator('.total').textContent())).toBeGreaterThan(0);
      expect(await page.locator('#fleet-nodes tr.self').getAttribute('data-node')).toBe('web-1');
    } finally {
      await page.close();
    }
  });

  it('the page has no fleet section without cluster mode', async () => {
    const plain = await startDashboard({ httpProbe: false, intervalMs: 500 });
    const plainWeb = await startWebServer(plain, { port: 0 });
    const page = await browser.newPage();
    try {
      await page.goto(`${plainWeb.url}/`);
      await page.locator('#conn', { hasText: 'live' }).waitFor();
      expect(await page.locator('#fleet').isVisible()).toBe(false);
    } finally {
      await page.close();
      await plainWeb.close();
      await plain.stop();
    }
  });

  it('the terminal shows the fleet on f, and the workers again on a second f', async () => {
    tmux(
      'new-session',
      '-d',
      '-s',
      session,
      '-x',
      '120',
      '-y',
      '40',
      '-e',
      'LANG=C.UTF-8',
      '-c',
      repo,
      `node dist/run.js --cluster ${redis.url} --cluster-name shop --cluster-node tui-1`,
    );
    const capture = (): string => tmux('capture-pane', '-p', '-t', session);
    await waitFor('the dashboard up, f in the footer', () => / f fleet/.test(capture()), 20_000, 100);
    tmux('send-keys', '-t', session, 'f');
    const fleet = await waitFor(
      'the fleet view with three nodes',
      () => {
        const text = capture();
        return /Fleet shop/.test(text) && /shop [·~] 3 nodes \(3 up, 0 down\) on 3 hosts/.test(text) ? text : null;
      },
      15_000,
      100,
    );
    expect(fleet).toMatch(/NODE +HOST +STATUS +RPS +P99/);
    expect(fleet).toMatch(/web-2 +host-b +up /);
    expect(fleet).toMatch(/tui-1 +\S+ +up /);
    tmux('send-keys', '-t', session, 'f');
    await waitFor('the workers table again', () => /NAME +THREAD +STATUS/.test(capture()), 5000, 100);
    tmux('send-keys', '-t', session, 'q');
    // The dashboard was the session's only program: once it has quit, the session is gone.
    const gone = (): boolean => {
      try {
        tmux('has-session', '-t', session);
        return false;
      } catch {
        return true;
      }
    };
    await waitFor('the dashboard to quit', gone, 15_000, 100);
  });
});
