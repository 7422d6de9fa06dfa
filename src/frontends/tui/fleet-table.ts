/**
 * The terminal's fleet view (cluster mode, key `f`): the fleet's totals and its link on top, then
 * one row per node. Pure: it renders a FleetView as the engine computed it and derives nothing.
 */
import type { FleetNode, FleetView } from '../../cluster/types.js';
import { escapeTags } from './tags.js';
import { duration, fit } from './format.js';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (n: FleetNode, nowMs: number) => string;
}

const ms = (x: number | null): string => (x === null ? '–' : x >= 100 ? `${Math.round(x)}ms` : `${x.toFixed(1)}ms`);
const pct = (x: number | null): string => (x === null ? '–' : `${x.toFixed(1)}%`);

function columns(nodes: readonly FleetNode[], width: number): Column[] {
  const nodeWidth = Math.min(24, Math.max(4, ...nodes.map((n) => n.node.length)));
  const hostWidth = Math.min(16, Math.max(4, ...nodes.map((n) => n.host.length)));
  const all: Column[] = [
    { title: 'NODE', width: nodeWidth, align: 'left', cell: (n) => n.node },
    { title: 'HOST', width: hostWidth, align: 'left', cell: (n) => n.host },
    { title: 'STATUS', width: 6, align: 'left', cell: (n) => n.status },
    { title: 'RPS', width: 7, align: 'right', cell: (n) => (n.requests.rps === null ? '–' : n.requests.rps.toFixed(1)) },
    { title: 'P99', width: 8, align: 'right', cell: (n) => ms(n.requests.p99LatencyMs) },
    { title: '5XX', width: 6, align: 'right', cell: (n) => pct(n.requests.errorRate) },
    { title: 'HOST CPU', width: 8, align: 'right', cell: (n) => pct(n.hostCpu) },
    { title: 'TOTAL', width: 9, align: 'right', cell: (n) => String(n.requests.total) },
  ];
  // A narrow terminal keeps the columns that fit, leftmost first; "last seen" takes what is left.
  const cols: Column[] = [];
  let used = 0;
  for (const c of all) {
    if (used + c.width + 1 > width) continue;
    cols.push(c);
    used += c.width + 1;
  }
  if (width - used >= 9)
    cols.push({ title: 'SEEN', width: width - used, align: 'left', cell: (n, now) => `${duration(now - Date.parse(n.lastSeenAt))} ago` });
  return cols;
}

/** The fleet's line, its requests' line, the link's when it is not connected, the table's header and its rows; each `width` wide (plus tags). */
export function fleetTableLines(f: FleetView, width: number, nowMs: number): { top: string[]; header: string; rows: string[] } {
  const t = f.totals;
  const r = t.requests;
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  const top = [
    fit(
      `${f.name} · ${plural(t.nodes, 'node')} (${t.up} up, ${t.down} down) on ${plural(t.hosts, 'host')} · ` +
        `${f.transport.kind} ${f.transport.status}`,
      width,
    ),
    fit(`${r.rps.toFixed(1)} rps · p99 ${ms(r.p99LatencyMs)} · 5xx ${pct(r.errorRate)} · total ${r.total}`, width),
  ];
  if (f.transport.status !== 'connected') {
    const why = f.transport.lastError ? `: ${f.transport.lastError.message}` : '';
    top.push(`{yellow-fg}${escapeTags(fit(`${f.transport.endpoint} ${f.transport.status}${why}`, width))}{/yellow-fg}`);
  }
  const cols = columns(f.nodes, width);
  const header = fit(cols.map((c) => fit(c.title, c.width, c.align)).join(' '), width);
  const rows = f.nodes.map((n) => {
    const cells = cols.map((c) => {
      const text = escapeTags(fit(c.cell(n, nowMs), c.width, c.align));
      if (c.title === 'STATUS') return n.status === 'up' ? `{green-fg}${text}{/green-fg}` : `{red-fg}${text}{/red-fg}`;
      return text;
    });
    const line = cells.join(' ');
    return n.node === f.self ? `{bold}${line}{/bold}` : line;
  });
  return { top: top.map((l, i) => (i < 2 ? escapeTags(l) : l)), header, rows };
}
