/** The benchmark table as text (pure). */
import type { Row } from './row.js';
import type { Figure } from './stats.js';

function num(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  if (a >= 100) return x.toFixed(0);
  if (a >= 10) return x.toFixed(1);
  if (a >= 1) return x.toFixed(2);
  return x.toFixed(3);
}

export function figure(f: Figure | null): string {
  if (!f) return '—';
  return f.runs > 1 && f.worst !== f.median ? `${num(f.median)} ${f.unit} (worst ${num(f.worst)})` : `${num(f.median)} ${f.unit}`;
}

/** unstable: a throughput row whose rounds disagreed (see Row.unstable) is neither a pass nor a fail. */
export function verdict(r: Row): string {
  if (r.unstable) return 'unstable';
  return r.met ? 'yes' : '**no**';
}

export function markdownTable(rows: readonly Row[]): string {
  const head = '| row | threadboard | reference (same run) | ratio | target | met |\n| --- | --- | --- | --- | --- | --- |';
  const lines = rows.map(
    (r) =>
      `| ${r.name} | ${figure(r.threadboard)} | ${r.reference ? `${figure(r.reference)}: ${r.referenceWhat}` : '—'} | ${r.ratio === null ? '—' : num(r.ratio)} | ${r.target} | ${verdict(r)} |`,
  );
  return [head, ...lines].join('\n');
}
