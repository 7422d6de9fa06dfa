/**
 * The live page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * numbers that move, the threads table, a coordinator crash shown as a restart, a crash button,
 * and the page reconnecting by itself to a restarted server. Leaves a screenshot in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';

const TOKEN = 'browser-token-0123456789abcdef';
const ARTIFACTS = path.resolve('test-artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

describe('browser: the live page in headless Chromium', () => {
  let dash: Dashboard;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let traffic: NodeJS.Timeout;
  const pageErrors: string[] = [];

  const text = (selector: string): Promise<string> => page.locator(selector).innerText();
  const row = (name: string, cell: string): Promise<string> => text(`#workers tr[data-name="${name}"] td.${cell}`);

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dash = await startDashboard({ httpProbe: false, intervalMs: 500 });
    // Some traffic, so the requests card has something to show.
    let n = 0;
    traffic = setInterval(() => {
      for (let i = 0; i < 20; i++) dash.recordRequest({ durationMs: 1 + ((n++ * 7) % 40), status: n % 25 === 0 ? 500 : 200 });
    }, 50);
    server = await startWebServer(dash, { port: 0, token: TOKEN, control: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
  });
  afterAll(async () => {
    clearInterval(traffic);
    await browser?.close();
    await server?.close();
    await dash?.stop();
  });

  it('opens with the token, which moves into a cookie, and goes live over the WebSocket', async () => {
    const res = await page.goto(`${server.url}/?token=${TOKEN}`);
    expect(res?.status()).toBe(200);
    expect(page.url()).toBe(`${server.url}/`);
    await page.locator('#conn', { hasText: 'live' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#cpu-value')?.textContent?.endsWith('%'));
    expect(pageErrors).toEqual([]);
  });

  it('shows numbers that change from one read to the next, without polling', async () => {
    const read = async () => ({ updated: await text('#updated'), cpu: await text('#cpu-value'), requests: await text('#requests-sub') });
    const first = await read();
    expect(first.cpu).toMatch(/^\d+(\.\d)?%$/);
    expect(first.updated).toMatch(/^last sample \d\d:\d\d:\d\d\.\d{3} · collections \d+$/);
    await page.waitForFunction(
      (before) =>
        document.querySelector('#updated')?.textContent !== before.updated &&
        document.querySelector('#requests-sub')?.textContent !== before.requests,
      first,
    );
    const second = await read();
    expect(second.updated).not.toBe(first.updated);
    expect(second.requests).not.toBe(first.requests);
    expect(await text('#memory-value')).toMatch(/^\d+(\.\d)?%$/);
    expect(await text('#requests-value')).toMatch(/^\d+(\.\d)? req\/s$/);
    // The charts are drawn from the pushed history.
    await page.waitForFunction(() => (document.querySelector('#cpu-chart polyline')?.getAttribute('points') ?? '').split(' ').length >= 2);
    // Only the WebSocket brings data: no request to the API after the page loaded.
    const apiCalls: string[] = [];
    page.on('request', (r) => r.url().includes('/api/') && apiCalls.push(r.url()));
    await page.waitForFunction((before) => document.querySelector('#updated')?.textContent !== before, second.updated);
    expect(apiCalls).toEqual([]);
  });

  it('lists the coordinator and the three workers with status, restarts and last exit', async () => {
    const names = await page.locator('#workers tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name));
    expect(names).toEqual(['coordinator', 'cpu', 'memory', 'requests']);
    for (const name of names) {
      expect(await row(name!, 'status')).toBe('running');
      expect(await row(name!, 'restarts')).toBe('0');
      expect(await row(name!, 'exit')).toBe('–');
    }
    expect(await page.locator('#workers tr[data-name="cpu"] button').isVisible()).toBe(true);
  });

  it('shows the restart after the coordinator is killed', async () => {
    const oldThread = await row('coordinator', 'thread');
    await dash.crash('coordinator', 'kill');
    await page.waitForFunction(() => document.querySelector('#workers tr[data-name="coordinator"] td.restarts')?.textContent === '1');
    await page.waitForFunction(() => document.querySelector('#workers tr[data-name="coordinator"] td.status')?.textContent === 'running');
    expect(await row('coordinator', 'thread')).not.toBe(oldThread);
    expect(await row('coordinator', 'exit')).toMatch(/^killed: /);
    await page.locator('#events li', { hasText: 'coordinator exited (killed)' }).waitFor();
    await page.locator('#events li', { hasText: 'coordinator restarted (#1)' }).waitFor();
    // Its workers are new threads and run again.
    await page.waitForFunction(() =>
      ['cpu', 'memory', 'requests'].every(
        (n) => document.querySelector(`#workers tr[data-name="${n}"] td.status`)?.textContent === 'running',
      ),
    );
    // A few more rounds, so the screenshot shows the charts drawn.
    await page.waitForFunction(() => (document.querySelector('#cpu-chart polyline')?.getAttribute('points') ?? '').split(' ').length >= 8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-dashboard.png'), fullPage: true });
  });

  it('crashes a worker from its button, over the authenticated WebSocket', async () => {
    await page.locator('#workers tr[data-name="memory"] select').selectOption('kill');
    await page.locator('#workers tr[data-name="memory"] button').click();
    await page.locator('#control-result', { hasText: 'crash sent: kill to memory' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#workers tr[data-name="memory"] td.restarts')?.textContent === '1');
    await page.locator('#events li', { hasText: 'memory restarted (#1)' }).waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('has no crash buttons on a server without control', async () => {
    const plain = await startWebServer(dash, { port: 0 });
    const other = await browser.newPage();
    try {
      await other.goto(`${plain.url}/`);
      await other.locator('#conn', { hasText: 'live' }).waitFor();
      await other.locator('#workers tr[data-name="cpu"]').waitFor();
      expect(await other.locator('#workers button, #workers select').count()).toBe(0);
      expect(await other.locator('#workers th.control').isVisible()).toBe(false);
    } finally {
      await other.close();
      await plain.close();
    }
  });

  it('reconnects by itself when the server restarts', async () => {
    const port = server.port;
    await server.close();
    await page.locator('#conn', { hasText: 'reconnecting' }).waitFor();
    server = await startWebServer(dash, { port, token: TOKEN, control: true });
    await page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 20_000 });
    const before = await text('#updated');
    await page.waitForFunction((b) => document.querySelector('#updated')?.textContent !== b, before);
    // The new server's hello carries the dashboard's state: the coordinator's restart is still shown.
    expect(await row('coordinator', 'restarts')).toBe('1');
  });
});
