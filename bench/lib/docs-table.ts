/**
 * docs/benchmarks.md's table and machine line, made from a results file: the page shows what
 * the last full run measured, on the machine it ran on, and nothing typed by hand.
 */
import { markdownTable } from './table.js';
import type { Row } from './row.js';

export interface BenchResult {
  date: string;
  quick: boolean;
  seconds: number;
  machine: { cpu: string; cores: number; memoryGb: number; node: string; platform: string };
  rows: Row[];
  failures: string[];
}

export const TABLE_START = '<!-- bench-table:start (written by npm run bench from bench/results.json) -->';
export const TABLE_END = '<!-- bench-table:end -->';

export function benchSection(r: BenchResult): string {
  const m = r.machine;
  const day = r.date.slice(0, 10);
  return [
    TABLE_START,
    `Latest full run, ${day}, on ${m.cores} cores of ${m.cpu} with ${m.memoryGb} GB, ${m.platform}, Node ${m.node} (${r.seconds} s):`,
    '',
    markdownTable(r.rows),
    TABLE_END,
  ].join('\n');
}

/** The page with its table replaced by this result's; the page must hold both markers. */
export function withBenchSection(page: string, r: BenchResult): string {
  const a = page.indexOf(TABLE_START);
  const b = page.indexOf(TABLE_END);
  if (a < 0 || b < a) throw new Error(`the benchmarks page has no ${TABLE_START} … ${TABLE_END} section`);
  return page.slice(0, a) + benchSection(r) + page.slice(b + TABLE_END.length);
}
