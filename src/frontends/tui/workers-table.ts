/** The workers table as text: columns fitted to the width, the selected row highlighted. */
import type { WorkerStatus } from '../../snapshot.js';
import { duration, fit } from './format.js';
import type { WorkerRow } from './workers-model.js';

interface Column {
  title: string;
  width: number;
  align: 'left' | 'right';
  cell: (row: WorkerRow, nowMs: number) => string;
}

const STATUS_COLOR: Record<WorkerStatus, string> = {
  running: 'green',
  starting: 'yellow',
  restarting: 'yellow',
  failed: 'red',
  stopped: 'gray',
};

export function lastExitText(row: WorkerRow, nowMs: number): string {
  if (!row.lastExit) return '-';
  return `${row.lastExit.reason} ${duration(nowMs - row.lastExit.at)} ago`;
}

function columns(rows: readonly WorkerRow[], width: number): Column[] {
  const nameWidth = Math.min(16, Math.max(11, ...rows.map((r) => r.name.length)));
  const fixed: Column[] = [
    { title: 'NAME', width: nameWidth, align: 'left', cell: (r) => r.name },
    { title: 'THREAD', width: 6, align: 'right', cell: (r) => (r.threadId === null ? '-' : String(r.threadId)) },
    { title: 'STATUS', width: 10, align: 'left', cell: (r) => r.status },
    { title: 'RESTARTS', width: 8, align: 'right', cell: (r) => String(r.restarts) },
    { title: 'UPTIME', width: 7, align: 'right', cell: (r, now) => (r.since === null ? '-' : duration(now - r.since)) },
    { title: 'ELU', width: 4, align: 'right', cell: (r) => (r.elu === null ? '-' : `${Math.round(r.elu * 100)}%`) },
    { title: 'HEAP', width: 6, align: 'right', cell: (r) => (r.heapMiB === null ? '-' : `${r.heapMiB.toFixed(1)}M`) },
  ];
  // Two columns of marker, one space between columns; "last exit" takes what is left.
  const rest = (): number => width - 2 - fixed.reduce((n, c) => n + c.width + 1, 0);
  // Per-thread CPU exists where Node has process.threadCpuUsage: the column shows where there is
  // something to show, and where it leaves "last exit" its room.
  if (rows.some((r) => r.cpuPercent !== null) && rest() - 6 >= 8) {
    fixed.push({ title: 'CPU', width: 5, align: 'right', cell: (r) => (r.cpuPercent === null ? '-' : `${Math.round(r.cpuPercent)}%`) });
  }
  if (rest() >= 8) fixed.push({ title: 'LAST EXIT', width: rest(), align: 'left', cell: lastExitText });
  return fixed;
}

/** The header line and one line per row, each exactly `width` columns wide (plus tags). */
export function workerTableLines(
  rows: readonly WorkerRow[],
  selected: number,
  width: number,
  nowMs: number,
): { header: string; lines: string[] } {
  const cols = columns(rows, width);
  const header = fit(`  ${cols.map((c) => fit(c.title, c.width, c.align)).join(' ')}`, width);
  const lines = rows.map((row, i) => {
    const cells = cols.map((c) => {
      const text = fit(c.cell(row, nowMs), c.width, c.align);
      return c.title === 'STATUS' ? `{${STATUS_COLOR[row.status]}-fg}${text}{/${STATUS_COLOR[row.status]}-fg}` : text;
    });
    const marker = i === selected ? '▶ ' : '  ';
    const visible = 2 + cols.reduce((n, c) => n + c.width + 1, 0) - 1;
    const line = marker + cells.join(' ') + ' '.repeat(Math.max(0, width - visible));
    return i === selected ? `{inverse}${line}{/inverse}` : line;
  });
  return { header: `{bold}${header}{/bold}`, lines };
}
