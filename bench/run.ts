/**
 * The benchmark suite: every figure beside a reference measured in the same run.
 *   node dist/bench/run.js            full run (under 3 minutes), writes bench/results.json
 *   node dist/bench/run.js --quick    every row, briefly (CI runs this so no row can rot)
 *   --only NAME[,NAME]                rows whose group matches: recovery, calls, http, probe, vitals, app, footprint, cpu, log, ws
 *   --out FILE                        where to write the JSON (default bench/results.json)
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { BenchContext, Row } from './lib/row.js';
import { markdownTable } from './lib/table.js';
import { accessLogRows } from './rows/access-log.js';
import { appMetricsRows } from './rows/app-metrics.js';
import { callRows } from './rows/calls.js';
import { cpuCostRows } from './rows/cpu-cost.js';
import { footprintRows } from './rows/footprint.js';
import { httpProbeRows } from './rows/http-probe.js';
import { probeHotPathRows } from './rows/probe-hot-path.js';
import { processVitalsRows } from './rows/process-vitals.js';
import { recoveryRows } from './rows/recovery.js';
import { wsFanoutRows } from './rows/ws-fanout.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' }, out: { type: 'string' } },
});
const quick = values.quick ?? false;
const only = values.only ? new Set(values.only.split(',')) : null;
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const out = values.out ?? path.join(repoRoot, 'bench', 'results.json');

const ctx: BenchContext = {
  quick,
  reps: (full, q) => (quick ? q : full),
  log: (m) => process.stderr.write(`${m}\n`),
};

const groups: Array<[string, (c: BenchContext) => Promise<Row[]>]> = [
  ['recovery', recoveryRows],
  ['calls', callRows],
  ['http', httpProbeRows],
  ['probe', probeHotPathRows],
  ['vitals', processVitalsRows],
  ['app', appMetricsRows],
  ['footprint', footprintRows],
  ['cpu', cpuCostRows],
  ['log', accessLogRows],
  ['ws', wsFanoutRows],
];

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
const result = { date: new Date().toISOString(), quick, seconds: Math.round((Date.now() - started) / 1000), machine, rows, failures };
writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
process.stdout.write(`\n${markdownTable(rows)}\n\n`);
process.stdout.write(
  `machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGb} GB, Node ${machine.node}; ${result.seconds} s; written to ${out}\n`,
);
for (const f of failures) process.stderr.write(`FAILED ${f}\n`);
process.exitCode = failures.length > 0 ? 1 : 0;
