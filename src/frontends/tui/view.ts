/**
 * The blessed widgets, positioned from layout.ts and filled from DashboardState. Thin on
 * purpose: every string it shows comes from a pure function.
 */
import os from 'node:os';
import type { AppHistoryView } from '../../main/app-metrics/history.js';
import type { HistoryView, SeriesName } from '../../main/history.js';
import type { HealthStatus } from '../../snapshot.js';
import { appPanelLines } from './app-panel.js';
import { blessed, type Widgets } from './blessed.js';
import { renderChart } from './chart.js';
import { slotValues, type ChartUnit } from './chart-series.js';
import type { DashboardState } from './dashboard-state.js';
import { headerText } from './header.js';
import { fleetTableLines } from './fleet-table.js';
import { footerText } from './keys.js';
import { chartHeights, computeLayout, MIN_COLS, MIN_ROWS, panelSplit, type Layout, type Rect } from './layout.js';
import { cpuLines, healthLook, memoryLines, packSegments, processLines, requestLines, staleLines } from './panel-text.js';
import { workerTableLines } from './workers-table.js';

export interface ViewOptions {
  demo: { url: string } | null;
  /** Cluster mode: the fleet can replace the workers table (key f). */
  fleet: boolean;
}

/** What one chart of a panel draws: a series of the engine's history, in its unit and color. */
interface ChartOf {
  series: SeriesName;
  unit: ChartUnit;
  color: string;
}

interface Panel {
  box: Widgets.BoxElement;
  text: Widgets.BoxElement;
  charts: Array<ChartOf & { el: Widgets.BoxElement }>;
}

const BORDER = { type: 'line' as const };
/** A fresh style per panel: blessed keeps the object, and a panel's border colour is its own. */
const panelStyle = (): { border: { fg: string }; label: { bold: boolean } } => ({ border: { fg: 'cyan' }, label: { bold: true } });

function place(el: Widgets.BlessedElement, r: Rect): void {
  el.left = r.left;
  el.top = r.top;
  el.width = r.width;
  el.height = r.height;
}

export class DashboardView {
  private layout: Layout;
  private readonly header: Widgets.BoxElement;
  private readonly footer: Widgets.BoxElement;
  private readonly tooSmall: Widgets.BoxElement;
  private readonly cpu: Panel;
  private readonly memory: Panel;
  private readonly requests: Panel;
  private readonly process: Panel;
  private readonly workers: Widgets.BoxElement;
  private readonly workersHeader: Widgets.BoxElement;
  private readonly workersBody: Widgets.BoxElement;
  private readonly events: Widgets.BoxElement;
  /** The app metrics' box: shown only when the host has app metrics and there is a row for them. */
  private readonly app: Widgets.BoxElement;
  /** App metrics in the last snapshot: the layout gives them rows. */
  private appRows = 0;
  private logVersion = -1;
  /** The label each health-coloured panel shows now, so it is set only when it changes. */
  private readonly labels = new Map<Widgets.BoxElement, string>();
  private readonly host = os.hostname();

  constructor(
    readonly screen: Widgets.Screen,
    private readonly options: ViewOptions,
  ) {
    const box = (o: Widgets.BoxOptions): Widgets.BoxElement => blessed.box({ tags: true, wrap: false, ...o });
    this.header = box({ parent: screen, style: { bg: 'blue', fg: 'white' } });
    this.footer = box({ parent: screen });
    this.cpu = this.panel(' CPU ', [{ series: 'cpu', unit: '%', color: 'green' }]);
    this.memory = this.panel(' MEM ', [{ series: 'mem', unit: '%', color: 'cyan' }]);
    this.requests = this.panel(options.demo ? ' REQ · DEMO TRAFFIC ' : ' REQ ', [
      { series: 'rps', unit: 'req/s', color: 'yellow' },
      { series: 'p99', unit: 'ms', color: 'magenta' },
    ]);
    this.process = this.panel(' PROCESS ', [
      { series: 'procCpu', unit: '%', color: 'green' },
      { series: 'loopP99', unit: 'ms', color: 'red' },
    ]);
    this.workers = box({ parent: screen, label: ' Workers ', border: BORDER, style: panelStyle() });
    this.workersHeader = box({ parent: this.workers, top: 0, left: 0, height: 1 });
    this.workersBody = box({ parent: this.workers, top: 1, left: 0 });
    this.events = box({
      parent: screen,
      label: ' Events ',
      border: BORDER,
      style: panelStyle(),
      wrap: true,
      scrollable: true,
      alwaysScroll: true,
    });
    this.app = box({ parent: screen, label: ' APP ', border: BORDER, style: panelStyle(), hidden: true });
    this.tooSmall = box({ parent: screen, border: BORDER, hidden: true, wrap: true, align: 'center' });
    this.layout = computeLayout(1, 1);
    this.relayout(4);
  }

  private panel(label: string, charts: ChartOf[]): Panel {
    const box = blessed.box({ parent: this.screen, label, tags: true, border: BORDER, style: panelStyle() });
    const text = blessed.box({ parent: box, top: 0, left: 0, tags: true, wrap: false });
    return { box, text, charts: charts.map((c) => ({ ...c, el: blessed.box({ parent: box, left: 0, tags: true, wrap: false }) })) };
  }

  /** Colours a panel's border, and names its state in the label (a colour alone is not enough). */
  private showHealth(box: Widgets.BoxElement, label: string, status: HealthStatus): void {
    const look = healthLook(status);
    (box.style as { border: { fg: string } }).border.fg = look.border;
    const text = label + look.suffix;
    if (this.labels.get(box) !== text) {
      box.setLabel(text);
      this.labels.set(box, text);
    }
  }

  /** Re-lays every widget for the screen's current size. */
  relayout(workerRows: number): void {
    const l = computeLayout(this.screen.width as number, this.screen.height as number, workerRows, this.appRows);
    this.layout = l;
    const all = [this.header, this.footer, this.cpu.box, this.memory.box, this.requests.box, this.process.box, this.workers, this.events];
    if (l.tooSmall) {
      for (const el of all) el.hide();
      this.app.hide();
      const message = [
        `threadboard needs a terminal of at least ${MIN_COLS}×${MIN_ROWS}; this one is ${l.cols}×${l.rows}.`,
        'Make it larger, or press q to quit.',
      ];
      const width = Math.min(l.cols, Math.max(...message.map((m) => m.length)) + 4);
      const height = Math.min(l.rows, message.length + 2);
      place(this.tooSmall, { left: Math.floor((l.cols - width) / 2), top: Math.floor((l.rows - height) / 2), width, height });
      this.tooSmall.setContent(message.join('\n'));
      this.tooSmall.show();
      return;
    }
    this.tooSmall.hide();
    for (const el of all) el.show();
    place(this.header, l.header);
    place(this.footer, l.footer);
    place(this.cpu.box, l.cpu);
    place(this.memory.box, l.memory);
    place(this.requests.box, l.requests);
    place(this.process.box, l.process);
    place(this.workers, l.workers);
    place(this.events, l.events);
    if (l.app) {
      place(this.app, l.app);
      this.app.show();
    } else this.app.hide();
    this.events.setScrollPerc(100);
    this.workersHeader.width = l.workers.width - 2;
    place(this.workersBody, { left: 0, top: 1, width: l.workers.width - 2, height: Math.max(0, l.workers.height - 3) });
  }

  /** The panel's text lines at the top; below them its charts, as many as have room. */
  private fillPanel(p: Panel, rect: Rect, lines: string[], history: HistoryView, nowMs: number): void {
    const width = Math.max(0, rect.width - 2);
    const { textRows, chartRows } = panelSplit(rect, lines.length);
    place(p.text, { left: 0, top: 0, width, height: textRows });
    p.text.setContent(lines.join('\n'));
    const heights = chartHeights(chartRows, p.charts.length);
    const spanMs = history.stepMs * history.capacity;
    let top = textRows;
    p.charts.forEach((c, i) => {
      const height = heights[i] ?? 0;
      const chart =
        height > 0
          ? renderChart({ values: slotValues(history, c.series, nowMs), unit: c.unit, spanMs, width, height, color: c.color })
          : [];
      if (chart.length === 0) {
        c.el.hide();
        return;
      }
      c.el.show();
      place(c.el, { left: 0, top, width, height });
      c.el.setContent(chart.join('\n'));
      top += height;
    });
  }

  /**
   * `history`, `appHistory`: the engine's chart histories for the span the state asks for
   * (dash.history(state.span), dash.appHistory(state.span)).
   */
  render(state: DashboardState, history: HistoryView, appHistory: AppHistoryView, nowMs: number): void {
    const rows = state.rows();
    this.appRows = Object.keys(state.snapshot?.app ?? {}).length;
    const wanted = computeLayout(this.screen.width as number, this.screen.height as number, Math.max(4, rows.length), this.appRows);
    if (
      wanted.workers.height !== this.layout.workers.height ||
      wanted.app?.height !== this.layout.app?.height ||
      wanted.cols !== this.layout.cols ||
      wanted.rows !== this.layout.rows
    ) {
      this.relayout(Math.max(4, rows.length));
    }
    const l = this.layout;
    if (!l.tooSmall) {
      const s = state.snapshot;
      this.header.setContent(
        headerText(
          { host: this.host, intervalMs: state.intervalMs, snapshot: s, demo: this.options.demo !== null, failed: state.failed },
          l.header.width,
        ),
      );
      this.footer.setContent(footerText(l.footer.width, this.options.fleet));
      const stale = (section: string, width: number): string[] => staleLines(s?.stale.includes(section) ?? false, width);
      const cpuInner = l.cpu.width - 2;
      // Per-core lines take at most a third of the panel, so the chart keeps its room.
      const coreRows = Math.max(1, Math.floor((l.cpu.height - 2) / 3));
      const cpuText = [...stale('cpu', cpuInner), ...cpuLines(s?.cpu ?? null, cpuInner, coreRows)];
      this.fillPanel(this.cpu, l.cpu, cpuText, history, nowMs);
      const memInner = l.memory.width - 2;
      this.fillPanel(this.memory, l.memory, [...stale('memory', memInner), ...memoryLines(s?.memory ?? null, memInner)], history, nowMs);
      const reqInner = l.requests.width - 2;
      const reqLines = [...stale('requests', reqInner), ...requestLines(s?.requests ?? null, s?.accessLog ?? null, reqInner)];
      if (this.options.demo)
        reqLines.push(...packSegments(['{yellow-fg}demo app{/yellow-fg}', `{yellow-fg}${this.options.demo.url}{/yellow-fg}`], reqInner));
      this.fillPanel(this.requests, l.requests, reqLines, history, nowMs);
      this.fillPanel(this.process, l.process, processLines(s?.process ?? null, l.process.width - 2), history, nowMs);
      const areas = s?.health.areas;
      this.showHealth(this.process.box, ' PROCESS ', areas?.process ?? 'ok');
      this.showHealth(this.requests.box, this.options.demo ? ' REQ · DEMO TRAFFIC ' : ' REQ ', areas?.requests ?? 'ok');
      if (state.showFleet && state.fleet) this.showHealth(this.workers, ` Fleet ${state.fleet.name} `, 'ok');
      else this.showHealth(this.workers, ' Workers ', areas?.threads ?? 'ok');
      if (l.app && s) this.app.setContent(appPanelLines(s.app, appHistory, l.app.width - 2, l.app.height - 2, nowMs).join('\n'));
      if (state.showFleet && state.fleet) {
        const fleet = fleetTableLines(state.fleet, l.workers.width - 2, nowMs);
        this.workersHeader.setContent(fleet.top[0] ?? '');
        this.workersBody.setContent([...fleet.top.slice(1), fleet.header, ...fleet.rows].join('\n'));
      } else {
        const table = workerTableLines(rows, state.selected, l.workers.width - 2, nowMs);
        this.workersHeader.setContent(table.header);
        this.workersBody.setContent(table.lines.join('\n'));
      }
      if (state.log.version !== this.logVersion) {
        this.events.setContent(state.log.all().join('\n'));
        this.events.setScrollPerc(100);
        this.logVersion = state.log.version;
      }
    }
    this.screen.render();
  }
}
