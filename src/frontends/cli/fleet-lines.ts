/** The plain-text view of a fleet (cluster mode): totals, the link to Redis, one line per node. */
import type { FleetAppMetric, FleetView } from '../../cluster/types.js';

/** Plain output is read by people and grep: a big fleet shows its first nodes and a count of the rest. */
const MAX_NODE_LINES = 50;

const ms = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)}ms`);
const pct = (x: number | null): string => (x === null ? '–' : `${x.toFixed(2)}%`);
const rps = (x: number | null): string => (x === null ? '–' : x.toFixed(1));

function ago(iso: string, nowMs: number): string {
  const s = Math.max(0, (nowMs - Date.parse(iso)) / 1000);
  return s < 10 ? `${s.toFixed(1)}s ago` : `${Math.round(s)}s ago`;
}

export function fleetLines(f: FleetView, nowMs = Date.parse(f.at)): string[] {
  const t = f.totals;
  const r = t.requests;
  const link = f.transport;
  const lines = [
    `FLEET ${f.name}  nodes: ${t.nodes} (${t.up} up, ${t.down} down)  hosts: ${t.hosts}  rps: ${rps(r.rps)}  ` +
      `p50: ${ms(r.p50LatencyMs)}  p99: ${ms(r.p99LatencyMs)}  errors: ${pct(r.errorRate)}  total: ${r.total}  ` +
      `${link.kind}: ${link.status}`,
  ];
  if (link.status !== 'connected') {
    const why = link.lastError ? `: ${link.lastError.message}` : '';
    lines.push(`FLEET ${link.endpoint} ${link.status} since ${link.since}${why}`);
  }
  for (const n of f.nodes.slice(0, MAX_NODE_LINES)) {
    const cpu = n.hostCpu === null ? '–' : `${n.hostCpu.toFixed(1)}%`;
    const self = n.node === f.self ? ' (this process)' : '';
    lines.push(
      `  ${n.node}  ${n.host}  ${n.status}  rps: ${rps(n.requests.rps)}  p99: ${ms(n.requests.p99LatencyMs)}  ` +
        `errors: ${pct(n.requests.errorRate)}  total: ${n.requests.total}  host cpu: ${cpu}  seen: ${ago(n.lastSeenAt, nowMs)}${self}`,
    );
  }
  if (f.nodes.length > MAX_NODE_LINES) lines.push(`  … and ${f.nodes.length - MAX_NODE_LINES} more nodes`);
  // Like the local APP lines, so `grep '^FLEET APP jobs_done'` finds the fleet's figure.
  for (const [name, m] of Object.entries(f.app)) lines.push(`FLEET APP ${name}  ${appFigures(m)}`);
  return lines;
}

function appFigures(m: FleetAppMetric): string {
  switch (m.type) {
    case 'counter':
      return `value: ${m.value}  rate: ${m.rate === null ? '–' : `${m.rate.toFixed(2)}/s`}`;
    case 'gauge':
      return `value: ${m.value}`;
    case 'histogram': {
      const v = (x: number | null): string => (x === null ? '–' : m.unit === 'ms' ? ms(x) : String(x));
      return `count: ${m.count}  p50: ${v(m.p50)}  p99: ${v(m.p99)}  avg: ${v(m.avg)}`;
    }
  }
}
