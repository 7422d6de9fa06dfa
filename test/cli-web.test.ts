import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCliArgs, parseHostPort } from '../dist/src/frontends/cli/args.js';
import { dashboardOptionsFor } from '../dist/src/frontends/cli/engine-options.js';

const RUN = path.resolve(import.meta.dirname, '..', 'dist', 'run.js');

describe('--web', () => {
  it('parses [host:]port', () => {
    expect(parseHostPort('7070')).toEqual({ host: '127.0.0.1', port: 7070 });
    expect(parseHostPort('0.0.0.0:80')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseHostPort('[::1]:0')).toEqual({ host: '::1', port: 0 });
    expect(parseHostPort('localhost:65535')).toEqual({ host: 'localhost', port: 65535 });
    for (const bad of ['', 'web', '70000', ':80', 'host:', '1.2.3.4:8:8']) expect(parseHostPort(bad)).toBeNull();
    expect(() => parseCliArgs(['--web', 'nope'])).toThrow(/--web.*got 'nope'/);
  });

  it('takes the token from THREADBOARD_WEB_TOKEN, never the command line', () => {
    const cli = parseCliArgs(['--web', '0.0.0.0:7070', '--web-control']);
    expect(dashboardOptionsFor(cli, { THREADBOARD_WEB_TOKEN: 'a'.repeat(24) }).web).toEqual({
      host: '0.0.0.0',
      port: 7070,
      control: true,
      token: 'a'.repeat(24),
    });
    expect(dashboardOptionsFor(cli, {}).web).toEqual({ host: '0.0.0.0', port: 7070, control: true });
  });

  it('serves the live page from the CLI and says where', async () => {
    const child = spawn(process.execPath, [RUN, '--web', '127.0.0.1:0', '--plain', '--interval', '200'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let err = '';
      child.stderr.setEncoding('utf8');
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no URL on stderr: ${err}`)), 15_000);
        child.stderr.on('data', (d: string) => {
          err += d;
          const m = /live page at (http:\/\/127\.0\.0\.1:\d+)/.exec(err);
          if (m) {
            clearTimeout(timer);
            resolve(m[1]!);
          }
        });
      });
      const res = await fetch(`${url}/api/dashboard`);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { workers: unknown[] }).workers).toHaveLength(3);
    } finally {
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
    }
  });

  it('refuses a public bind without a token, naming the option, exit 1', async () => {
    const child = spawn(process.execPath, [RUN, '--web', '0.0.0.0:0', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, THREADBOARD_WEB_TOKEN: '' },
    });
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    // In the CLI's own words: the variable to set and how, not the library's option name.
    expect(err).toMatch(
      /^threadboard: --web 0\.0\.0\.0 is not a loopback address.*set THREADBOARD_WEB_TOKEN .*openssl rand -base64 24.*--web 7070/,
    );
    expect(err).not.toMatch(/web\.token/);
  });

  it('names THREADBOARD_WEB_TOKEN when --web-control has no token, and refuses --web-control without --web', async () => {
    const run = async (args: string[], token = ''): Promise<{ code: number | null; err: string }> => {
      const child = spawn(process.execPath, [RUN, ...args], {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: { ...process.env, THREADBOARD_WEB_TOKEN: token },
      });
      let err = '';
      child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
      const [code] = (await once(child, 'exit')) as [number | null];
      return { code, err };
    };
    const noToken = await run(['--web', '0', '--web-control', '--json']);
    expect(noToken.code).toBe(1);
    expect(noToken.err).toMatch(/^threadboard: --web-control needs a token.*THREADBOARD_WEB_TOKEN/);
    const badToken = await run(['--web', '0', '--web-control', '--json'], 'short');
    expect(badToken.err).toMatch(/^threadboard: THREADBOARD_WEB_TOKEN is not a usable token/);
    const noWeb = await run(['--web-control', '--json']);
    expect(noWeb.code).toBe(2);
    expect(noWeb.err).toMatch(/^threadboard: flag --web-control needs --web/);
  });
});
