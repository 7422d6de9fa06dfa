import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliArgsError, defaultCliOptions, FLAGS, parseCliArgs, usage } from '../dist/src/frontends/cli/args.js';
import { closestName, editDistance } from '../dist/src/frontends/cli/closest-name.js';
import { parseDurationMs } from '../dist/src/frontends/cli/duration.js';
import { dashboardOptionsFor } from '../dist/src/frontends/cli/engine-options.js';

const repo = path.resolve(import.meta.dirname, '..');

function rejects(argv: string[]): CliArgsError {
  try {
    parseCliArgs(argv);
  } catch (err) {
    expect(err).toBeInstanceOf(CliArgsError);
    return err as CliArgsError;
  }
  throw new Error(`parseCliArgs(${JSON.stringify(argv)}) accepted it`);
}

describe('parseCliArgs', () => {
  it('gives the defaults for no flags: 1 s interval, no demo traffic, terminal output', () => {
    expect(parseCliArgs([])).toEqual(defaultCliOptions());
    expect(parseCliArgs([])).toMatchObject({ intervalMs: 1000, demoTraffic: false, json: false, plain: false, accessLog: null });
  });

  it('reads every flag, in both --flag value and --flag=value forms, and short names', () => {
    expect(parseCliArgs(['--interval', '250'])).toMatchObject({ intervalMs: 250 });
    expect(parseCliArgs(['--interval=2s'])).toMatchObject({ intervalMs: 2000 });
    expect(parseCliArgs(['-i', '500ms'])).toMatchObject({ intervalMs: 500 });
    expect(parseCliArgs(['--access-log', '/var/log/x.log'])).toMatchObject({ accessLog: { path: '/var/log/x.log', from: 'end' } });
    expect(parseCliArgs(['--access-log-from', 'start', '-l', 'a.log'])).toMatchObject({ accessLog: { path: 'a.log', from: 'start' } });
    expect(parseCliArgs(['--demo-traffic'])).toMatchObject({ demoTraffic: true });
    expect(parseCliArgs(['--demo-traffic', '--no-demo-traffic'])).toMatchObject({ demoTraffic: false });
    expect(parseCliArgs(['--json'])).toMatchObject({ json: true });
    expect(parseCliArgs(['--plain'])).toMatchObject({ plain: true });
    expect(parseCliArgs(['--hang-timeout', '3s'])).toMatchObject({ hangTimeoutMs: 3000 });
    expect(parseCliArgs(['-h'])).toMatchObject({ help: true });
    expect(parseCliArgs(['--version'])).toMatchObject({ version: true });
  });

  it('rejects an unknown flag by name, suggests the near one, and lists the known ones', () => {
    const e = rejects(['--intervl', '5']);
    expect(e.flag).toBe('--intervl');
    expect(e.code).toBe('ERR_THREADBOARD_CLI_ARGS');
    expect(e.message).toContain("unknown flag '--intervl'");
    expect(e.message).toContain('Did you mean --interval?');
    for (const f of FLAGS) expect(e.message).toContain(`--${f.name}`);
    expect(rejects(['--frobnicate']).message).not.toContain('Did you mean');
    expect(rejects(['-x']).flag).toBe('-x');
  });

  it('rejects bad values naming the flag and what it accepts', () => {
    for (const bad of ['abc', '10', '0', '-5', '1.5ms', '99999999']) {
      const e = rejects(['--interval', bad]);
      expect(e.flag).toBe('--interval');
      expect(e.message).toContain('--interval');
      expect(e.message).toContain('milliseconds from 50 to 3600000');
      expect(e.message).toContain(`got '${bad}'`);
    }
    expect(rejects(['--access-log-from', 'middle']).message).toMatch(/'start'.*'end'.*got 'middle'/);
    expect(rejects(['--hang-timeout', '1']).message).toContain('--hang-timeout');
  });

  it('rejects a missing value, including a flag where the value should be', () => {
    for (const argv of [['--interval'], ['--interval', '--json'], ['--access-log'], ['-i']]) {
      const e = rejects(argv);
      expect(e.message).toContain('the value is missing');
    }
  });

  it('rejects values on switches, positional arguments, and --access-log-from alone', () => {
    expect(rejects(['--json=yes']).message).toContain('takes no value');
    expect(rejects(['dashboard']).message).toContain("unexpected argument 'dashboard'");
    expect(rejects(['--access-log-from', 'start']).message).toContain('needs --access-log');
  });

  it('writes --help from the flag table: every flag appears with its help', () => {
    const text = usage();
    for (const f of FLAGS) {
      expect(text).toContain(`--${f.name}`);
      expect(text).toContain(f.help);
    }
  });
});

describe('small parsers', () => {
  it('parseDurationMs: plain numbers are ms, ms and s suffixes, whole milliseconds only', () => {
    expect(parseDurationMs('500')).toBe(500);
    expect(parseDurationMs('500ms')).toBe(500);
    expect(parseDurationMs('2s')).toBe(2000);
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('1.5')).toBeNull();
    expect(parseDurationMs('')).toBeNull();
    expect(parseDurationMs('5m')).toBeNull();
    expect(parseDurationMs('-1')).toBeNull();
  });

  it('closestName: edit distance, and a suggestion only when near', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(closestName('--jsn', ['--json', '--plain'])).toBe('--json');
    expect(closestName('--zzzzzz', ['--json', '--plain'])).toBeNull();
  });

  it('dashboardOptionsFor: interval, hang timeout, probe on, access log when given', () => {
    const o = parseCliArgs(['-i', '200', '--hang-timeout', '900', '-l', 'x.log', '--access-log-from', 'start']);
    expect(dashboardOptionsFor(o)).toEqual({
      intervalMs: 200,
      hangTimeoutMs: 900,
      httpProbe: true,
      accessLog: { path: 'x.log', from: 'start' },
    });
    expect(dashboardOptionsFor(parseCliArgs([]))).not.toHaveProperty('accessLog');
  });
});

describe('the CLI process on bad flags', () => {
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, ['dist/run.js', ...args], { cwd: repo, encoding: 'utf8', timeout: 15_000 });

  it.each([
    [['--bogus'], /unknown flag '--bogus'/],
    [['--interval', 'fast'], /--interval <ms> expects milliseconds from 50 to 3600000.*got 'fast'/],
    [['--interval'], /--interval <ms> expects .*the value is missing/],
    [['--json=1'], /--json takes no value/],
  ])('%j: one clear line on stderr, nothing on stdout, exit code 2, no engine started', (args, message) => {
    const started = Date.now();
    const r = cli(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    // Rejected before any thread starts: far quicker than a dashboard start.
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('--help prints usage and exits 0; --version prints the package version', () => {
    const help = cli('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: threadboard [flags]');
    expect(help.stdout).toContain('--demo-traffic');
    const version = cli('--version');
    expect(version.status).toBe(0);
    expect(version.stdout).toMatch(/^threadboard \d+\.\d+\.\d+\n$/);
  });

  it('a bad access log path fails at start with the engine option error, in the CLI flag name, exit code 1', () => {
    const r = cli('--access-log', repo, '--json');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^threadboard: flag --access-log is not a regular file: /);
  });
});
