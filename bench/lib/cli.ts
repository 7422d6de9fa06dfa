/**
 * The bench command line: what to run and where to write, or a usage error in the tool's own
 * words. Pure, so the errors are tested without running a row.
 */
import { parseArgs } from 'node:util';

export const USAGE = `usage: node dist/bench/run.js [--quick] [--only GROUP[,GROUP]] [--out FILE]
  (no flags)          every row, full length: writes bench/results.json, which docs/benchmarks.md's table is made from
  --quick             every row, briefly (CI runs this so no row can rot); writes bench/results-quick.json
  --only GROUP,…      only these groups: GROUPS; writes bench/results-only.json
  --out FILE          write the results here instead
  --help              this text
`;

export type BenchArgs =
  | { kind: 'help' }
  | { kind: 'error'; message: string }
  | { kind: 'run'; quick: boolean; only: ReadonlySet<string> | null; out: string | null };

/** `groups`: the row groups there are; `out` null means the default file for these flags. */
export function parseBenchArgs(argv: readonly string[], groups: readonly string[]): BenchArgs {
  let values: { quick?: boolean; only?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: { quick: { type: 'boolean' }, only: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    return { kind: 'error', message: (err as Error).message };
  }
  if (values.help) return { kind: 'help' };
  let only: Set<string> | null = null;
  if (values.only !== undefined) {
    only = new Set(
      values.only
        .split(',')
        .map((g) => g.trim())
        .filter((g) => g !== ''),
    );
    const unknown = [...only].filter((g) => !groups.includes(g));
    if (only.size === 0 || unknown.length > 0)
      return {
        kind: 'error',
        message: `--only expects groups among ${groups.join(', ')}; got '${unknown.join(',') || values.only}'`,
      };
  }
  if (values.out === '') return { kind: 'error', message: '--out expects a file path' };
  return { kind: 'run', quick: values.quick ?? false, only, out: values.out ?? null };
}

/** Where results go by default: only a full run of every row replaces the committed results. */
export function defaultOut(args: { quick: boolean; only: ReadonlySet<string> | null }): string {
  if (args.quick) return 'results-quick.json';
  if (args.only) return 'results-only.json';
  return 'results.json';
}
