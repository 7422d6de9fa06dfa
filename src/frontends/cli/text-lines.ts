/** The plain-text view of a snapshot: what the CLI prints when its output is not a terminal. */
import type { AccessLogSection, AppMetricValue, AppSection, DashboardSnapshot } from '../../snapshot.js';

const fixed = (x: number, d = 1): string => x.toFixed(d);
/** A latency, or '–' when it is not known (no timed request in the interval). */
const ms = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)}ms`);

export function bar(percent: number, width = 20): string {
  const filled = Math.round((Math.min(100, Math.max(0, percent)) / 100) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/** Lines in the shape of the original example: CPU, MEM, REQ, updated. */
export function snapshotLines(s: DashboardSnapshot): string[] {
  const lines: string[] = [];
  const stale = (section: string): string => (s.stale.includes(section) ? '  (stale: worker restarting)' : '');
  if (s.cpu) {
    const load = s.cpu.loadAvg.map((l) => l.toFixed(2)).join(', ');
    lines.push(`CPU ${fixed(s.cpu.usage)}%  load: [${load}]  cores: ${s.cpu.cores}${stale('cpu')}`);
  } else lines.push('CPU (waiting for first sample)');
  if (s.memory) {
    const m = s.memory;
    lines.push(`MEM ${bar(m.usagePercent)} ${fixed(m.usagePercent)}%  ${m.usedMiB}/${m.totalMiB} MiB${stale('memory')}`);
  } else lines.push('MEM (waiting for first sample)');
  if (s.requests) {
    const r = s.requests;
    lines.push(
      `REQ ${fixed(r.rps)} rps  p50: ${ms(r.p50LatencyMs)}  p99: ${ms(r.p99LatencyMs)}  ` +
        `avg: ${ms(r.avgLatencyMs)}  errors: ${fixed(r.errorRate, 2)}%  conns: ${r.activeConnections}  total: ${r.total}` +
        stale('requests'),
    );
  } else lines.push('REQ (waiting for first sample)');
  const p = s.process;
  if (p) {
    lines.push(
      `PROC cpu: ${fixed(p.cpuPercent)}%  rss: ${p.rssMiB.toFixed(0)} MiB  heap: ${fixed(p.heapUsedMiB)}/${p.heapTotalMiB.toFixed(0)} MiB  ` +
        `loop p99: ${ms(p.eventLoop.p99Ms)}  max: ${ms(p.eventLoop.maxMs)}  busy: ${fixed(p.eventLoop.utilization * 100, 0)}%  gc: ${p.gc.count}`,
    );
  } else lines.push('PROC (waiting for the first interval)');
  if (s.accessLog) lines.push(accessLogLine(s.accessLog));
  lines.push(...appLines(s.app));
  lines.push(`updated: ${s.lastUpdated ?? 'never'}`);
  return lines;
}

/** LOG <state>: <lines> lines, <malformed> malformed — the state first, since it says whether the counts move. */
export function accessLogLine(log: AccessLogSection): string {
  const r = log.replay;
  const replay = r
    ? `  replayed: ${r.requests}${r.rps === null ? '' : ` at ${r.rps} rps by the log's clock`}${r.done ? '' : ' (reading)'}`
    : '';
  return `LOG ${log.detail}  lines: ${log.lines}  malformed: ${log.malformed}${replay}`;
}

/** A figure that may be unknown (no interval measured yet, no observation in it): '–'. */
const known = (x: number | null, show: (x: number) => string): string => (x === null ? '–' : show(x));
const perSecond = (x: number): string => `${fixed(x, 2)}/s`;

/** One APP line per app metric, `key: value` pairs after its name, so `grep '^APP jobs_done'` finds one. */
export function appLines(app: AppSection): string[] {
  return Object.entries(app).map(([name, m]) => `APP ${name}  ${appFigures(m)}`);
}

function appFigures(m: AppMetricValue): string {
  switch (m.type) {
    case 'counter':
      return `value: ${m.value}  rate: ${known(m.rate, perSecond)}`;
    case 'gauge':
      return `value: ${m.value}`;
    case 'histogram': {
      const v = (x: number): string => (m.unit === 'ms' ? ms(x) : String(x));
      return `count: ${m.count}  p50: ${known(m.p50, v)}  p99: ${known(m.p99, v)}  avg: ${known(m.avg, v)}  rate: ${known(m.rate, perSecond)}`;
    }
  }
}
