/**
 * What the page writes, as plain functions: numbers with their units, times, the threads table's
 * rows and the event log's lines. The browser loads this file as compiled (/format.js) and the
 * tests call it in Node, so it imports types only: nothing the browser would have to fetch.
 */
import type { FleetView } from '../../../cluster/types.js';
import type { AppMetricValue, DashboardSnapshot, ExitInfo, WorkerStatus } from '../../../snapshot.js';
import type { LoggedEvent } from '../frames.js';
import type { Chart, SeriesStats } from './series.js';

/** Shown for a value the dashboard does not have (no sample yet, latency of no request): never 0 or NaN. */
export const UNKNOWN = '–';

/** `x` with `digits` decimals, or UNKNOWN for null, NaN and ±Infinity. */
export function fixed(x: number | null | undefined, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : UNKNOWN;
}

/** `12.3%`, `4.50 ms`, `20.0 req/s`; UNKNOWN alone (no unit) when there is no value. */
export function withUnit(x: number | null | undefined, digits: number, unit: string): string {
  const n = fixed(x, digits);
  if (n === UNKNOWN) return n;
  return unit === '%' ? `${n}%` : `${n} ${unit}`;
}

/** An axis label: at most 3 significant digits, no trailing zeros (`0`, `2.5`, `120`, `1500`). */
export function axisNumber(x: number): string {
  if (x === 0) return '0';
  return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Number(x.toPrecision(2)));
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** Local wall-clock time of an ISO string or epoch ms: `HH:MM:SS.mmm`, or `HH:MM:SS` / `HH:MM` when coarser. */
export function clock(at: string | number | null, precision: 'ms' | 's' | 'min' = 'ms'): string {
  if (at === null) return UNKNOWN;
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return UNKNOWN;
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (precision === 'min') return hm;
  const hms = `${hm}:${pad(d.getSeconds())}`;
  return precision === 's' ? hms : `${hms}.${pad(d.getMilliseconds(), 3)}`;
}

/** `512 MiB`, `1.5 GiB`. */
export function mib(mb: number): string {
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GiB` : `${mb} MiB`;
}

/** A duration for people: `850 ms`, `12 s`, `30 min`, `3 h`. */
export function duration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toPrecision(3))} s`;
  if (ms < 3_600_000) return `${Number((ms / 60_000).toPrecision(3))} min`;
  return `${Number((ms / 3_600_000).toPrecision(3))} h`;
}

/** `now 12.3% · min 2.1% · max 45.0%`; UNKNOWN for what the span has no value of. */
export function statsText(s: SeriesStats, digits: number, unit: string): string {
  return `now ${withUnit(s.current, digits, unit)} · min ${withUnit(s.min, digits, unit)} · max ${withUnit(s.max, digits, unit)}`;
}

export interface AxisLabels {
  /** Top, middle, bottom (0), with the unit. */
  y: [string, string, string];
  /** Oldest, middle, newest: wall-clock times, to the minute for spans of minute-wide points. */
  x: [string, string, string];
}

export function axisLabels(c: Chart, unit: string, stepMs: number): AxisLabels {
  const value = (n: number): string => (unit === '%' ? `${axisNumber(n)}%` : `${axisNumber(n)} ${unit}`);
  const precision = stepMs < 60_000 ? 's' : 'min';
  const time = (t: number): string => clock(t, precision);
  return {
    y: [value(c.yMax), value(c.yMax / 2), value(0)],
    x: c.from === null || c.to === null ? ['', '', ''] : [time(c.from), time((c.from + c.to) / 2), time(c.to)],
  };
}

export interface ThreadRow {
  name: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  startedAt: string | null;
  /** null for the coordinator, which produces no samples of its own. */
  lastSampleAt: string | null;
  lastExit: ExitInfo | null;
  /** Event-loop utilization 0..1 and heap in MiB over the last interval, null when not known. */
  elu: number | null;
  heapMiB: number | null;
}

/** The threads table, straight from one snapshot: the coordinator, then every metric worker. */
export function threadRows(s: DashboardSnapshot): ThreadRow[] {
  const c = s.coordinator;
  const rows: ThreadRow[] = [
    {
      name: 'coordinator',
      status: c.status,
      restarts: c.restarts,
      threadId: c.threadId,
      startedAt: c.startedAt,
      lastSampleAt: null,
      lastExit: c.lastExit,
      elu: c.eventLoopUtilization,
      heapMiB: c.heapUsedMiB,
    },
  ];
  for (const w of s.workers) {
    rows.push({
      name: w.name,
      status: w.status,
      restarts: w.restarts,
      threadId: w.threadId,
      startedAt: w.startedAt,
      lastSampleAt: w.lastSampleAt,
      lastExit: w.lastExit,
      elu: w.eventLoopUtilization,
      heapMiB: w.heapUsedMiB,
    });
  }
  return rows;
}

/** One row of the app card: the snapshot's figures of one instrument as text, UNKNOWN for what it has not measured. */
export interface AppRow {
  name: string;
  type: AppMetricValue['type'];
  /** A counter's or gauge's value; a histogram's count of observations. */
  value: string;
  rate: string;
  p50: string;
  p99: string;
  avg: string;
}

/** A figure in a histogram's unit: ms to the hundredth, plain numbers to three significant digits. */
function inUnit(x: number | null, unit: 'ms' | 'none'): string {
  if (x === null) return UNKNOWN;
  return unit === 'ms' ? withUnit(x, 2, 'ms') : String(Number(x.toPrecision(3)));
}

const perSecond = (x: number | null): string => (x === null ? UNKNOWN : `${fixed(x, 2)}/s`);

/** The app card, straight from the snapshot's `app` section, in the order the instruments were created. */
export function appRows(s: DashboardSnapshot): AppRow[] {
  return Object.entries(s.app).map(([name, m]) => {
    switch (m.type) {
      case 'counter':
        return { name, type: m.type, value: String(m.value), rate: perSecond(m.rate), p50: '', p99: '', avg: '' };
      case 'gauge':
        return { name, type: m.type, value: String(m.value), rate: '', p50: '', p99: '', avg: '' };
      case 'histogram':
        return {
          name,
          type: m.type,
          value: `${m.count} obs`,
          rate: perSecond(m.rate),
          p50: inUnit(m.p50, m.unit),
          p99: inUnit(m.p99, m.unit),
          avg: inUnit(m.avg, m.unit),
        };
    }
  });
}

export function exitText(e: ExitInfo | null): string {
  return e ? `${e.reason}: ${e.message} (${clock(e.at)})` : UNKNOWN;
}

/** One line of the event log (without its time, which the page puts first). */
export function eventText(le: LoggedEvent): string {
  switch (le.kind) {
    case 'exit': {
      const e = le.event;
      return `${e.target} exited (${e.reason})${e.message ? `: ${e.message}` : ''}${e.willRestart ? ', restarting' : ', stays down'}`;
    }
    case 'restart': {
      const e = le.event;
      const backoff = e.delayMs ? ` (backoff ${e.delayMs} ms)` : '';
      return `${e.target} restarted (#${e.restarts}): thread ${e.oldThreadId ?? UNKNOWN} → ${e.newThreadId}, down ${e.downtimeMs} ms${backoff}`;
    }
    case 'recovered': {
      const e = le.event;
      return `${e.target} recovered: thread ${e.threadId} delivered a fresh sample ${e.ms} ms after the crash`;
    }
    case 'failed':
      return `${le.event.target} failed: ${le.event.message}`;
    case 'group-failed':
      return `${le.event.workers.join(', ')} gave up: ${le.event.message}; the built-in workers carry on`;
  }
}

/** One row of the page's fleet table, straight from the engine's fleet view. */
export interface FleetRow {
  node: string;
  host: string;
  status: string;
  rps: string;
  p99: string;
  errors: string;
  hostCpu: string;
  total: string;
  seen: string;
  self: boolean;
}

/** The fleet's two summary lines and its rows (cluster mode); it renders, it does not judge. */
export function fleetText(f: FleetView): { title: string; totals: string; link: string | null; rows: FleetRow[] } {
  const t = f.totals;
  const r = t.requests;
  const plural = (n: number, word: string): string => n + ' ' + word + (n === 1 ? '' : 's');
  return {
    title: f.name + ' · ' + plural(t.nodes, 'node') + ' (' + t.up + ' up, ' + t.down + ' down) on ' + plural(t.hosts, 'host'),
    totals:
      withUnit(r.rps, 1, 'req/s') +
      ' · p99 ' +
      withUnit(r.p99LatencyMs, 2, 'ms') +
      ' · 5xx ' +
      fixed(r.errorRate, 1) +
      '% · total ' +
      r.total +
      ' · ' +
      f.transport.kind +
      ' ' +
      f.transport.status,
    link:
      f.transport.status === 'connected'
        ? null
        : f.transport.endpoint + ' ' + f.transport.status + (f.transport.lastError ? ': ' + f.transport.lastError.message : ''),
    rows: f.nodes.map((n) => ({
      node: n.node,
      host: n.host,
      status: n.status,
      rps: withUnit(n.requests.rps, 1, 'req/s'),
      p99: withUnit(n.requests.p99LatencyMs, 2, 'ms'),
      errors: n.requests.errorRate === null ? UNKNOWN : fixed(n.requests.errorRate, 1) + '%',
      hostCpu: n.hostCpu === null ? UNKNOWN : fixed(n.hostCpu, 1) + '%',
      total: String(n.requests.total),
      seen: clock(n.lastSeenAt, 's'),
      self: n.node === f.self,
    })),
  };
}
