/**
 * The benchmark suite: every figure beside a reference measured in the same run. Usage in
 * bench/lib/cli.ts (`--help`).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultOut, parseBenchArgs, USAGE } from './lib/cli.js';
import { withBenchSection, type BenchResult } from './lib/docs-table.js';
import type { BenchContext, Row } from './lib/row.js';
import { markdownTable } from './lib/table.js';
import { accessLogRows } from './rows/access-log.js';
import { appMetricsRows } from './rows/app-metrics.js';
import { callRows } from './rows/calls.js';
import { clusterRows } from './rows/cluster.js';
import { cpuCostRows } from './rows/cpu-cost.js';
import { footprintRows } from './rows/footprint.js';
import { httpProbeRows } from './rows/http-probe.js';
import { probeHotPathRows } from './rows/probe-hot-path.js';
import { processVitalsRows } from './rows/process-vitals.js';
import { recoveryRows } from './rows/recovery.js';
import { startUpRows } from './rows/start-up.js';
import { wsFanoutRows } from './rows/ws-fanout.js';

const groups: Array<[string, (c: BenchContext) => Promise<Row[]>]> = [
  ['recovery', recoveryRows],
  ['start', startUpRows],
  ['calls', callRows],
  ['http', httpProbeRows],
  ['probe', probeHotPathRows],
  ['vitals', processVitalsRows],
  ['app', appMetricsRows],
  ['footprint', footprintRows],
  ['cpu', cpuCostRows],
  ['log', accessLogRows],
  ['ws', wsFanoutRows],
  ['cluster', clusterRows],
];

const names = groups.map(([name]) => name);
const usage = USAGE.replace('GROUPS', names.join(', '));
const args = parseBenchArgs(process.argv.slice(2), names);
if (args.kind === 'help') {
  process.stdout.write(usage);
  process.exit(0);
}
if (args.kind === 'error') {
  process.stderr.write(`bench: ${args.message}\n${usage}`);
  process.exit(2);
}
const { quick, only } = args;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = args.out ?? path.join(repoRoot, 'bench', defaultOut(args));

const ctx: BenchContext = {
  quick,
  reps: (full, q) => (quick ? q : full),
  log: (m) => process.stderr.write(`${m}\n`),
};

const started = Date.now();
const rows: Row[] = [];
const failures: string[] = [];
for (const [name, run] of groups) {
  if (only && !only.has(name)) continue;
  ctx.log(`bench: ${name}…`);
  try {
    rows.push(...(await run(ctx)));
  } catch (err) {
    // A row that cannot be measured is reported, never dropped silently.
    failures.push(`${name}: ${(err as Error).stack ?? String(err)}`);
  }
}

const cpus = os.cpus();
const machine = {
  cpu: cpus[0]?.model ?? 'unknown',
  cores: os.availableParallelism(),
  memoryGb: Math.round(os.totalmem() / 1073741824),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};
const result: BenchResult = {
  date: new Date().toISOString(),
  quick,
  seconds: Math.round((Date.now() - started) / 1000),
  machine,
  rows,
  failures,
};
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
// A full run of every row into the committed results is what the docs' table shows.
if (!quick && !only && args.out === null && failures.length === 0) {
  const page = path.join(repoRoot, 'docs', 'benchmarks.md');
  writeFileSync(page, withBenchSection(readFileSync(page, 'utf8'), result));
}
process.stdout.write(`\n${markdownTable(rows)}\n\n`);
process.stdout.write(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; ${result.seconds} s; written to ${out}\n`,
);
for (const f of failures) process.stderr.write(`FAILED ${f}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
