/**
 * The README's picture of the live page: the CLI with its demo traffic and a web server on a
 * free loopback port, the page opened in headless Chromium once its charts have a minute of
 * history, a PNG written to the path given. Part of scripts/readme-pictures.sh.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { chromium } from 'playwright-core';

const out = process.argv[2] ?? 'docs/images/page.png';
const port = await new Promise<number>((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => {
    const p = (s.address() as net.AddressInfo).port;
    s.close(() => resolve(p));
  });
});
const run = path.resolve(import.meta.dirname, '..', 'run.js');
const cli = spawn(process.execPath, [run, '--demo-traffic', '--web', `127.0.0.1:${port}`, '--plain'], { stdio: 'ignore' });
try {
  await sleep(45_000);
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.locator('#conn', { hasText: 'live' }).waitFor();
  await sleep(2000);
  await page.screenshot({ path: out, fullPage: true });
  await browser.close();
} finally {
  cli.kill('SIGINT');
  await once(cli, 'exit');
}
