/**
 * The text lines of the CPU, MEM and REQ panels, from a snapshot, as blessed-tagged strings
 * fitted to the panel's inner width. Pure, so the tests read exactly what the screen shows.
 */
import type { AccessLogSection, CpuSection, HealthStatus, MemorySection, ProcessSection, RequestsSection } from '../../snapshot.js';
import { gauge, millis, percent } from './format.js';
import { escapeTags, visibleText } from './tags.js';

const WAITING = '{gray-fg}waiting for first sample…{/gray-fg}';

/** The first line of a panel whose value predates its worker's current thread (snapshot.stale). */
export function staleLines(stale: boolean, width: number): string[] {
  return stale ? packSegments(['{yellow-fg}{bold}STALE{/bold}{/yellow-fg}', '{yellow-fg}worker restarting{/yellow-fg}'], width) : [];
}

/** Color for a utilisation figure: calm, busy, saturated. */
export function loadColor(pct: number): 'green' | 'yellow' | 'red' {
  return pct >= 85 ? 'red' : pct >= 60 ? 'yellow' : 'green';
}

function colored(text: string, color: string): string {
  return `{${color}-fg}${text}{/${color}-fg}`;
}

/**
 * Joins figures into as few lines of `width` as they fit in, two spaces apart, so a narrow
 * panel wraps between figures instead of cutting one in half.
 */
export function packSegments(segments: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const seg of segments) {
    if (line === '') line = seg;
    else if (visibleText(line).length + 2 + visibleText(seg).length <= width) line += `  ${seg}`;
    else {
      lines.push(line);
      line = seg;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Per-core gauges packed into columns, at most `maxLines` lines; when cores do not fit, the
 * last line says how many are left out rather than dropping them silently.
 */
export function coreLines(perCore: readonly number[], width: number, maxLines: number): string[] {
  const n = perCore.length;
  if (n === 0 || maxLines <= 0 || width <= 0) return [];
  const labelWidth = `cpu${n - 1}`.length;
  const minCell = labelWidth + 1 + 4 + 1 + 4;
  const columns = Math.max(1, Math.min(n, Math.floor((width + 2) / (Math.max(minCell, 18) + 2))));
  const cell = Math.floor((width + 2) / columns) - 2;
  const bar = Math.max(1, cell - labelWidth - 1 - 1 - 4);
  const lines: string[] = [];
  const perLine = columns;
  const needed = Math.ceil(n / perLine);
  const shown = needed > maxLines ? (maxLines - 1) * perLine : n;
  for (let i = 0; i < shown; i += perLine) {
    const cells: string[] = [];
    for (let j = i; j < Math.min(shown, i + perLine); j++) {
      const pct = perCore[j]!;
      const label = `cpu${j}`.padEnd(labelWidth);
      cells.push(`${label} ${colored(gauge(pct, bar), loadColor(pct))} ${percent(pct, 0).padStart(4)}`);
    }
    lines.push(cells.join('  '));
  }
  if (shown < n) {
    const rest = perCore.slice(shown);
    const avg = rest.reduce((a, b) => a + b, 0) / rest.length;
    const what = shown === 0 ? `${rest.length} cores` : `+${rest.length} more cores`;
    lines.push(`{gray-fg}${what}, average ${percent(avg, 0)}{/gray-fg}`);
  }
  return lines;
}

/** The totals, then at most `maxCoreLines` lines of per-core gauges. */
export function cpuLines(cpu: CpuSection | null, width: number, maxCoreLines: number): string[] {
  if (!cpu) return [WAITING];
  const load = cpu.loadAvg.map((l) => l.toFixed(2)).join(' ');
  const head = packSegments(
    [`total {bold}${colored(percent(cpu.usage), loadColor(cpu.usage))}{/bold}`, `cores ${cpu.cores}`, `load ${load}`],
    width,
  );
  return [...head, ...coreLines(cpu.perCore, width, maxCoreLines)];
}

export function memoryLines(mem: MemorySection | null, width: number): string[] {
  if (!mem) return [WAITING];
  const label = percent(mem.usagePercent).padStart(6);
  const bar = Math.max(1, width - label.length - 1);
  return [
    `{bold}${label}{/bold} ${colored(gauge(mem.usagePercent, bar), loadColor(mem.usagePercent))}`,
    ...packSegments([`used ${mem.usedMiB} / ${mem.totalMiB} MiB`, `free ${mem.freeMiB} MiB`], width),
  ];
}

/** Colour of an event-loop delay: the same thresholds as health's defaults would be a copy, so only red past 100 ms. */
const lagColor = (ms: number): 'green' | 'yellow' | 'red' => (ms >= 100 ? 'red' : ms >= 20 ? 'yellow' : 'green');

/** The host process: its CPU, memory by kind, the main event loop, GC over the interval. */
export function processLines(p: ProcessSection | null, width: number): string[] {
  if (!p) return [WAITING];
  const gc = p.gc.count === 0 ? 'gc 0' : `gc ${p.gc.count} (${millis(p.gc.pauseMs)}, max ${millis(p.gc.maxPauseMs)})`;
  return [
    ...packSegments([`cpu {bold}${colored(percent(p.cpuPercent), loadColor(p.cpuPercent))}{/bold}`, `pid ${p.pid}`], width),
    ...packSegments([`rss ${p.rssMiB.toFixed(0)} MiB`, `heap ${p.heapUsedMiB.toFixed(1)}/${p.heapTotalMiB.toFixed(0)} MiB`], width),
    ...packSegments(
      [
        `loop p99 ${colored(millis(p.eventLoop.p99Ms), lagColor(p.eventLoop.p99Ms))}`,
        `max ${millis(p.eventLoop.maxMs)}`,
        `busy ${percent(p.eventLoop.utilization * 100, 0)}`,
      ],
      width,
    ),
    ...packSegments([gc, `handles ${Object.values(p.handles).reduce((a, b) => a + b, 0)}`], width),
  ];
}

export function requestLines(req: RequestsSection | null, accessLog: AccessLogSection | null, width: number): string[] {
  const lines = req
    ? [
        ...packSegments([`{bold}${req.rps.toFixed(1)} rps{/bold}`, `10s avg ${req.rps10s.toFixed(1)}`, `total ${req.total}`], width),
        ...packSegments([`p50 ${millis(req.p50LatencyMs)}`, `p99 ${millis(req.p99LatencyMs)}`, `avg ${millis(req.avgLatencyMs)}`], width),
        ...packSegments(
          [
            `5xx ${colored(percent(req.errorRate), req.errorRate > 0 ? 'red' : 'green')}`,
            `4xx ${percent(req.clientErrorRate)}`,
            `conns ${req.activeConnections}`,
          ],
          width,
        ),
      ]
    : [WAITING];
  if (accessLog) {
    const bad = accessLog.malformed > 0 ? `, ${accessLog.malformed} malformed` : '';
    // Not following: say why in a word; the event log has the whole story.
    const state =
      accessLog.status === 'waiting'
        ? ['{yellow-fg}waiting for the file{/yellow-fg}']
        : accessLog.status === 'error'
          ? [`{red-fg}error ${escapeTags(accessLog.error?.code ?? '')}{/red-fg}`]
          : [];
    lines.push(...packSegments([`log ${escapeTags(accessLog.path)}:`, `${accessLog.lines} lines${bad}`, ...state], width));
  }
  return lines;
}

/** A panel's border colour and label suffix for its health area: calm, amber, red. */
export function healthLook(status: HealthStatus): { border: string; suffix: string } {
  switch (status) {
    case 'ok':
      return { border: 'cyan', suffix: '' };
    case 'warn':
      return { border: 'yellow', suffix: '· WARN ' };
    case 'critical':
      return { border: 'red', suffix: '· CRITICAL ' };
  }
}
