/**
 * The live page in real headless Chromium (Debian's /usr/bin/chromium driven by playwright-core):
 * numbers that move, '–' for unknown latency, charts that are the engine's history in every span,
 * a threads table that is the pushed snapshots' and nothing else (through a coordinator crash and
 * a failed dashboard), recovery lines, a crash button, and the page reconnecting by itself to a
 * restarted server. Leaves screenshots in test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard, type HistorySpan, type SeriesName, type WorkerStatus } from '../dist/src/index.js';
import { startWebServer, type WebServer } from '../dist/src/frontends/web/index.js';
import { SERIES } from '../dist/src/main/history.js';
import { statsText, threadRows } from '../dist/src/frontends/web/page/format.js';
import { chart } from '../dist/src/frontends/web/page/series.js';
import { waitFor } from './helpers.js';

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
/** The page's charts: card id, series, decimals (as app.js draws them). */
const CHARTS: Array<{ card: string; key: SeriesName; digits: number }> = [
  { card: 'cpu', key: 'cpu', digits: 1 },
  { card: 'memory', key: 'mem', digits: 1 },
  { card: 'requests', key: 'rps', digits: 1 },
  { card: 'latency', key: 'p99', digits: 2 },
  { card: 'process', key: 'procCpu', digits: 1 },
];

/** What the page shows of its charts: each path and caption, and the x axis of the first. */
async function drawnCharts(page: Page): Promise<{ d: string[]; captions: string[]; xAxis: string }> {
  return page.evaluate(
    (cards) => {
      const fig = (card: string) => document.getElementById(`${card}-chart`)!;
      return {
        d: cards.map((c) => fig(c).querySelector('path.line')!.getAttribute('d') ?? ''),
        captions: cards.map((c) => fig(c).querySelector('figcaption')!.textContent ?? ''),
        xAxis: fig(cards[0]!).querySelector('.x-axis')!.textContent ?? '',
      };
    },
    CHARTS.map((c) => c.card),
  );
}

/** The same charts drawn from dash.history(span) by the same pure functions. */
function engineCharts(dash: Dashboard, span: HistorySpan): { d: string[]; captions: string[]; points: number } {
  const view = dash.history(span);
  const drawn = CHARTS.map((c) => ({ c, chart: chart(view, c.key, SERIES[c.key].unit) }));
  return {
    d: drawn.map((x) => x.chart.d),
    captions: drawn.map((x) => statsText(x.chart.stats, x.c.digits, SERIES[x.c.key].unit)),
    points: view.points.length,
  };
}

/** Records, in the page, every text the status cell of `name`'s row shows (a MutationObserver on the cell). */
async function watchStatus(page: Page, name: string): Promise<void> {
  await page.evaluate((n) => {
    const seen: string[] = [];
    (window as unknown as Record<string, string[]>)[`seen-${n}`] = seen;
    const cell = document.querySelector(`#workers tr[data-name="${n}"] td.status`)!;
    seen.push(cell.textContent ?? '');
    new MutationObserver(() => {
      if (seen[seen.length - 1] !== cell.textContent) seen.push(cell.textContent ?? '');
    }).observe(cell, { childList: true, characterData: true, subtree: true });
  }, name);
}

const statusesSeen = (page: Page, name: string): Promise<string[]> =>
  page.evaluate((n) => (window as unknown as Record<string, string[]>)[`seen-${n}`] ?? [], name);

describe('browser: the live page in headless Chromium', () => {
  let dash: Dashboard;
  let server: WebServer;
  let browser: Browser;
  let page: Page;
  let traffic: NodeJS.Timeout | undefined;
  const pageErrors: string[] = [];

  const text = (selector: string, p: Page = page): Promise<string> => p.locator(selector).innerText();
  const row = (name: string, cell: string, p: Page = page): Promise<string> => text(`#workers tr[data-name="${name}"] td.${cell}`, p);
  const startTraffic = (): void => {
    let n = 0;
    traffic = setInterval(() => {
      for (let i = 0; i < 20; i++) dash.recordRequest({ durationMs: 1 + ((n++ * 7) % 40), status: n % 25 === 0 ? 500 : 200 });
    }, 50);
  };
  const stopTraffic = (): void => clearInterval(traffic);
  const watchErrors = (p: Page): void => {
    p.on('pageerror', (err) => pageErrors.push(`pageerror: ${err.message}`));
    p.on('console', (msg) => {
      if (msg.type() === 'error') pageErrors.push(`console: ${msg.text()}`);
    });
  };

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    dash = await startDashboard({ httpProbe: false, intervalMs: 500 });
    server = await startWebServer(dash, { port: 0, token: TOKEN, control: true });
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watchErrors(page);
  });
  afterAll(async () => {
    stopTraffic();
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

  it('shows unknown latency as –, never 0 or NaN: before any request, and again once requests stop', async () => {
    await page.waitForFunction(() => document.querySelector('#requests-value')?.textContent?.endsWith('req/s'));
    expect(await text('#latency-value')).toBe('–');
    expect(await text('#latency-sub')).toBe('p50 – · avg –');
    expect(await text('#latency-chart figcaption')).toBe('now – · min – · max –');
    startTraffic();
    await page.waitForFunction(() => /^\d+\.\d\d ms$/.test(document.querySelector('#latency-value')?.textContent ?? ''));
    expect(await text('#latency-sub')).toMatch(/^p50 \d+\.\d\d ms · avg \d+\.\d\d ms$/);
    await page.waitForFunction(() => /^now \d+\.\d\d ms/.test(document.querySelector('#latency-chart figcaption')?.textContent ?? ''));
    stopTraffic();
    // An interval without requests has no latency: the card and the chart's newest point say so.
    await page.waitForFunction(() => document.querySelector('#latency-value')?.textContent === '–');
    expect(await text('#latency-sub')).toBe('p50 – · avg –');
    await page.waitForFunction(() =>
      /^now – · min \d+\.\d\d ms · max \d+\.\d\d ms$/.test(document.querySelector('#latency-chart figcaption')?.textContent ?? ''),
    );
    expect(await page.locator('body').innerText()).not.toMatch(/NaN|undefined|null/);
    startTraffic();
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
    // Only the WebSocket brings data: no request to the API after the page loaded.
    const apiCalls: string[] = [];
    page.on('request', (r) => r.url().includes('/api/') && apiCalls.push(r.url()));
    await page.waitForFunction((before) => document.querySelector('#updated')?.textContent !== before, second.updated);
    expect(apiCalls).toEqual([]);
  });

  it("draws the engine's history, with axes in units, and switches span with a click", async () => {
    await waitFor('three points of 2m history', () => dash.history('2m').points.length >= 3);
    const axes = new Map<HistorySpan, string>();
    for (const span of ['30m', '3h', '2m'] as const) {
      await page.locator(`#spans button[data-span="${span}"]`).click();
      const pressed = await page
        .locator('#spans button')
        .evaluateAll((bs) => bs.map((b) => `${(b as HTMLElement).dataset.span}:${b.getAttribute('aria-pressed')}`));
      expect(pressed).toEqual(['2m', '30m', '3h'].map((s) => `${s}:${s === span}`));
      const { stepMs, capacity } = dash.history(span);
      expect(await text('#span-note')).toBe(
        { '2m': 'last 2 min · a point per 1 s', '30m': 'last 30 min · a point per 10 s', '3h': 'last 3 h · a point per 1 min' }[span],
      );
      expect(stepMs * capacity).toBe({ '2m': 120_000, '30m': 1_800_000, '3h': 10_800_000 }[span]);
      // Same path and same now / min / max as the engine's history drawn in Node: polled, since a
      // push may land between reading the page and reading the engine.
      await waitFor(`the ${span} charts to be dash.history('${span}')`, async () => {
        const [drawn, engine] = [await drawnCharts(page), engineCharts(dash, span)];
        return (
          engine.points > 0 &&
          JSON.stringify(drawn.d) === JSON.stringify(engine.d) &&
          JSON.stringify(drawn.captions) === JSON.stringify(engine.captions)
        );
      });
      axes.set(span, (await drawnCharts(page)).xAxis);
    }
    // Seconds on the axis of 1 s and 10 s points, minutes on that of 1 min points.
    expect(axes.get('2m')).toMatch(/^(\d\d:\d\d:\d\d){3}$/);
    expect(axes.get('30m')).toMatch(/^(\d\d:\d\d:\d\d){3}$/);
    expect(axes.get('3h')).toMatch(/^(\d\d:\d\d){3}$/);
    expect(await page.locator('#cpu-chart .y-axis').innerText()).toBe('100%\n50%\n0%');
    expect(await page.locator('#requests-chart .y-axis').innerText()).toMatch(/^\d+(\.\d+)? req\/s\n\d+(\.\d+)? req\/s\n0 req\/s$/);
    expect(await page.locator('#latency-chart .y-axis').innerText()).toMatch(/ ms\n.* ms\n0 ms$/);
    expect(await text('#cpu-chart figcaption')).toMatch(/^now \d+\.\d% · min \d+\.\d% · max \d+\.\d%$/);
    // The host process's card: its CPU, memory, event loop and GC, from snapshot.process.
    expect(await text('#process-value')).toMatch(/^\d+\.\d%$/);
    expect(await text('#process-sub')).toMatch(/^rss \d+ MiB · heap \d+ MiB · loop p99 \d+\.\d ms · busy \d+% · gc \d+$/);
  });

  it("shows the app card only once the host has app metrics, with the snapshot's figures", async () => {
    expect(await page.locator('#card-app').isHidden()).toBe(true);
    const jobs = dash.metrics.counter('browser_jobs_done');
    const took = dash.metrics.histogram('browser_job_duration_ms');
    dash.metrics.gauge('browser_queue_depth').set(17);
    for (let i = 0; i < 40; i++) {
      jobs.inc();
      took.observe(5 + (i % 10));
    }
    await page.locator('#card-app').waitFor({ state: 'visible' });
    const row = (name: string) => page.locator(`#app tr[data-name="${name}"] td`).allInnerTexts();
    await page.waitForFunction(() => document.querySelector('#app tr[data-name="browser_jobs_done"] .value')?.textContent === '40');
    expect(await row('browser_queue_depth')).toEqual(['browser_queue_depth', 'gauge', '17', '', '', '', '']);
    // Once main has measured an interval: a rate, and the histogram's percentiles in ms.
    await page.waitForFunction(() =>
      /\/s$/.test(document.querySelector('#app tr[data-name="browser_jobs_done"] .rate')?.textContent ?? ''),
    );
    const h = await row('browser_job_duration_ms');
    expect(h.slice(0, 3)).toEqual(['browser_job_duration_ms', 'histogram', '40 obs']);
    expect(h[3]).toMatch(/^\d+\.\d\d\/s$/);
    expect(h.slice(4).join(' ')).toMatch(/^(\d+\.\d\d ms|–) (\d+\.\d\d ms|–) (\d+\.\d\d ms|–)$/);
    expect(pageErrors).toEqual([]);
  });

  it('lists the coordinator and the three workers with status, restarts, start time and last exit', async () => {
    const names = await page.locator('#workers tbody tr').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset.name));
    expect(names).toEqual(['coordinator', 'cpu', 'memory', 'requests']);
    for (const name of names) {
      expect(await row(name!, 'status')).toBe('running');
      expect(await row(name!, 'restarts')).toBe('0');
      expect(await row(name!, 'exit')).toBe('–');
      expect(await row(name!, 'started')).toMatch(/^\d\d:\d\d:\d\d$/);
      // The thread's own vitals, from its heartbeat cell.
      expect(await row(name!, 'elu')).toMatch(/^\d+%$/);
      expect(await row(name!, 'heap')).toMatch(/^\d+\.\d MiB$/);
    }
    expect(await page.locator('#workers tr[data-name="cpu"] button').isVisible()).toBe(true);
  });

  it('lists events without touching the table: an exit or a failure with no snapshot behind it changes no row', async () => {
    // Events that no thread produced, emitted as the engine emits them: a page that patched its
    // table from events would show cpu restarting and everything failed, at least until the next snapshot.
    await page.evaluate(() => {
      const w = window as unknown as { rowsAtEvent: string[]; eventsObserver: MutationObserver };
      w.rowsAtEvent = [];
      w.eventsObserver = new MutationObserver(() => {
        const rows = Array.from(document.querySelectorAll('#workers tbody tr')).map(
          (r) => `${(r as HTMLElement).dataset.name}:${r.querySelector('.status')?.textContent}:${r.querySelector('.exit')?.textContent}`,
        );
        w.rowsAtEvent.push(`${document.querySelector('#events li')?.textContent} => ${rows.join(' ')}`);
      });
      w.eventsObserver.observe(document.getElementById('events')!, { childList: true });
    });
    const at = new Date().toISOString();
    dash.emit('exit', { target: 'cpu', threadId: 1, reason: 'killed', message: 'synthetic exit', at, willRestart: true });
    dash.emit('failed', { target: 'coordinator', message: 'synthetic failure', at });
    await page.locator('#events li', { hasText: 'cpu exited (killed): synthetic exit, restarting' }).waitFor();
    await page.locator('#events li', { hasText: 'coordinator failed: synthetic failure' }).waitFor();
    const seen = await page.evaluate(() => {
      const w = window as unknown as { rowsAtEvent: string[]; eventsObserver: MutationObserver };
      w.eventsObserver.disconnect();
      return w.rowsAtEvent;
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    for (const line of seen) {
      expect(line).toMatch(/=> coordinator:running:– cpu:running:– memory:running:– requests:running:–$/);
    }
  });

  it('follows the pushed snapshots through a coordinator crash, and lists its exit, restart and recovery', async () => {
    const pushed: WorkerStatus[] = [];
    const onSnapshot = (s: { coordinator: { status: WorkerStatus } }): number => pushed.push(s.coordinator.status);
    dash.on('snapshot', onSnapshot);
    try {
      await watchStatus(page, 'coordinator');
      const oldThread = await row('coordinator', 'thread');
      await dash.crash('coordinator', 'kill');
      await page.waitForFunction(() => document.querySelector('#workers tr[data-name="coordinator"] td.restarts')?.textContent === '1');
      await page.waitForFunction(() => document.querySelector('#workers tr[data-name="coordinator"] td.status')?.textContent === 'running');
      expect(await row('coordinator', 'thread')).not.toBe(oldThread);
      expect(await row('coordinator', 'exit')).toMatch(/^killed: /);
      await page.locator('#events li', { hasText: 'coordinator exited (killed)' }).waitFor();
      await page.locator('#events li', { hasText: 'coordinator restarted (#1)' }).waitFor();
      await page
        .locator('#events li', { hasText: /coordinator recovered: thread \d+ delivered a fresh sample \d+ ms after the crash/ })
        .waitFor();
      // While it was down the engine pushed its status (not 'running'): the page showed that, and
      // nothing the engine did not push.
      const down = pushed.filter((s) => s !== 'running');
      expect(down.length).toBeGreaterThan(0);
      const shown = await statusesSeen(page, 'coordinator');
      expect(shown).toEqual(expect.arrayContaining(down));
      for (const status of shown.slice(1)) expect(pushed).toContain(status);
    } finally {
      dash.off('snapshot', onSnapshot);
    }
    // Its workers are new threads and run again; the table is the snapshot's.
    await page.waitForFunction(() =>
      ['cpu', 'memory', 'requests'].every(
        (n) => document.querySelector(`#workers tr[data-name="${n}"] td.status`)?.textContent === 'running',
      ),
    );
    // A few more rounds, so the screenshot shows the charts drawn.
    await waitFor('eight points of 2m history', () => dash.history('2m').points.length >= 8);
    await page.waitForFunction(() => (document.querySelector('#cpu-chart path.line')?.getAttribute('d') ?? '').split(/[ML]/).length > 8);
    await page.screenshot({ path: path.join(ARTIFACTS, 'web-dashboard.png'), fullPage: true });
    expect(pageErrors).toEqual([]);
  });

  it('crashes a worker from its button, over the authenticated WebSocket, and lists its recovery', async () => {
    await page.locator('#workers tr[data-name="memory"] select').selectOption('kill');
    await page.locator('#workers tr[data-name="memory"] button').click();
    await page.locator('#control-result', { hasText: 'crash sent: kill to memory' }).waitFor();
    await page.waitForFunction(() => document.querySelector('#workers tr[data-name="memory"] td.restarts')?.textContent === '1');
    await page.locator('#events li', { hasText: 'memory restarted (#1)' }).waitFor();
    await page.locator('#events li.ev-recovered', { hasText: 'memory recovered: thread' }).waitFor();
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

  it("shows a dashboard that gave up as its final snapshot says, every row 'failed'", async () => {
    const doomed = await startDashboard({
      httpProbe: false,
      intervalMs: 500,
      supervision: { maxRestarts: 1, periodMs: 60_000, backoff: { initialMs: 10, maxMs: 40 } },
    });
    const web = await startWebServer(doomed, { port: 0 });
    const other = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    watchErrors(other);
    try {
      await other.goto(`${web.url}/`);
      await other.locator('#conn', { hasText: 'live' }).waitFor();
      await other.waitForFunction(() => document.querySelector('#workers tr[data-name="cpu"] td.status')?.textContent === 'running');
      await watchStatus(other, 'coordinator');
      let exits = 0;
      doomed.on('exit', (e) => void (e.target === 'coordinator' && exits++));
      // One restart is allowed within the minute; the second crash is one too many.
      for (let i = 1; i <= 2; i++) {
        await doomed.crash('coordinator', 'kill');
        await waitFor(`coordinator exit #${i}`, () => exits === i);
      }
      await other.locator('#events li.ev-failed', { hasText: 'coordinator failed: ' }).waitFor();
      await other.waitForFunction(() => document.querySelector('#workers tr[data-name="coordinator"] td.status')?.textContent === 'failed');
      const final = threadRows(await doomed.getDashboard());
      expect(final.map((r) => r.status)).toEqual(['failed', 'failed', 'failed', 'failed']);
      await other.waitForFunction(
        (want) =>
          JSON.stringify(Array.from(document.querySelectorAll('#workers tbody tr')).map((r) => r.querySelector('.status')!.textContent)) ===
          want,
        JSON.stringify(final.map((r) => r.status)),
      );
      for (const r of final) {
        expect(await row(r.name, 'restarts', other)).toBe(String(r.restarts));
        expect(await row(r.name, 'thread', other)).toBe(r.threadId === null ? '–' : String(r.threadId));
      }
      // The engine's verdict, on the page as given: the badge, the failing check, the threads outlined red.
      await other.waitForFunction(() => document.querySelector('#health')?.textContent === 'health critical');
      expect(await other.locator('#threads').getAttribute('data-health')).toBe('critical');
      expect(await other.locator('#health-detail').textContent()).toContain('critical: failed: coordinator');
      const shown = await statusesSeen(other, 'coordinator');
      expect(shown[0]).toBe('running');
      expect(shown.at(-1)).toBe('failed');
      expect(shown.slice(1, -1).length).toBeGreaterThan(0);
      expect(await text('#conn', other)).toBe('live');
      await other.screenshot({ path: path.join(ARTIFACTS, 'web-dashboard-failed.png'), fullPage: true });
    } finally {
      await other.close();
      await web.close();
      await doomed.stop();
    }
    expect(pageErrors).toEqual([]);
  });

  it('reconnects by itself when the server restarts, keeping the chosen span', async () => {
    await page.locator('#spans button[data-span="30m"]').click();
    const port = server.port;
    await server.close();
    await page.locator('#conn', { hasText: 'reconnecting' }).waitFor();
    server = await startWebServer(dash, { port, token: TOKEN, control: true });
    await page.locator('#conn', { hasText: 'live' }).waitFor({ timeout: 20_000 });
    const before = await text('#updated');
    await page.waitForFunction((b) => document.querySelector('#updated')?.textContent !== b, before);
    // The new server's hello carries the dashboard's state: the coordinator's restart is still shown.
    expect(await row('coordinator', 'restarts')).toBe('1');
    expect(await page.locator('#spans button[aria-pressed="true"]').innerText()).toBe('30m');
    expect(pageErrors).toEqual([]);
  });
});
