// The bench tool's command line and the docs' table: errors in the tool's words, and a table
// that is the last full run's, not typed by hand.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultOut, parseBenchArgs } from '../../dist/bench/lib/cli.js';
import { benchSection, type BenchResult } from '../../dist/bench/lib/docs-table.js';

const repo = path.resolve(import.meta.dirname, '..', '..');
const GROUPS = ['recovery', 'http', 'log'];

describe('the bench command line', () => {
  it('runs every row by default, and only a full run writes the committed results', () => {
    const all = parseBenchArgs([], GROUPS);
    expect(all).toEqual({ kind: 'run', quick: false, only: null, out: null });
    expect(defaultOut({ quick: false, only: null })).toBe('results.json');
    expect(defaultOut({ quick: true, only: null })).toBe('results-quick.json');
    expect(defaultOut({ quick: false, only: new Set(['http']) })).toBe('results-only.json');
    expect(parseBenchArgs(['--only', 'http,log', '--out', '/tmp/x.json'], GROUPS)).toEqual({
      kind: 'run',
      quick: false,
      only: new Set(['http', 'log']),
      out: '/tmp/x.json',
    });
  });

  it('answers --help, and names the problem for an unknown flag or group', () => {
    expect(parseBenchArgs(['--help'], GROUPS)).toEqual({ kind: 'help' });
    expect(parseBenchArgs(['-h'], GROUPS)).toEqual({ kind: 'help' });
    expect(parseBenchArgs(['--only', 'bogus'], GROUPS)).toEqual({
      kind: 'error',
      message: "--only expects groups among recovery, http, log; got 'bogus'",
    });
    expect(parseBenchArgs(['--only', ','], GROUPS)).toMatchObject({ kind: 'error' });
    expect(parseBenchArgs(['--frobnicate'], GROUPS)).toMatchObject({ kind: 'error', message: expect.stringContaining('--frobnicate') });
  });
});

describe('docs/benchmarks.md', () => {
  it('shows the table and machine of bench/results.json, as npm run bench writes them', () => {
    const result = JSON.parse(readFileSync(path.join(repo, 'bench', 'results.json'), 'utf8')) as BenchResult;
    expect(result.quick).toBe(false);
    expect(readFileSync(path.join(repo, 'docs', 'benchmarks.md'), 'utf8')).toContain(benchSection(result));
  });
});
