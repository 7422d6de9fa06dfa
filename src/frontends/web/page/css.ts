/** The live page's stylesheet. */
export const PAGE_CSS = `
:root { color-scheme: dark; --bg: #0f1318; --card: #171d25; --line: #2a333f; --fg: #e6edf3; --muted: #8b98a5;
  --ok: #3fb950; --warn: #d29922; --bad: #f85149; --accent: #58a6ff; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; }
header { display: flex; align-items: baseline; gap: 16px; padding: 14px 24px; border-bottom: 1px solid var(--line); }
h1 { font-size: 18px; margin: 0; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); margin: 0 0 8px; }
main { padding: 16px 24px; display: grid; gap: 20px; }
.muted { color: var(--muted); }
.conn { padding: 2px 8px; border-radius: 10px; font-size: 12px; border: 1px solid currentColor; }
.conn-live { color: var(--ok); } .conn-connecting, .conn-reconnecting { color: var(--warn); }
.spacer { flex: 1; }
.spans { display: flex; } .spans button { border-radius: 0; margin-left: -1px; padding: 3px 10px; }
.spans button:first-child { border-radius: 4px 0 0 4px; } .spans button:last-child { border-radius: 0 4px 4px 0; }
.spans button[aria-pressed="true"] { background: var(--accent); border-color: var(--accent); color: #0d1117; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(240px, 1fr)); gap: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
.big { font-size: 30px; font-weight: 600; font-variant-numeric: tabular-nums; }
.sub { color: var(--muted); min-height: 20px; font-variant-numeric: tabular-nums; }
.stale .big { color: var(--muted); }
.card-app { grid-column: 1 / -1; } .card-app table { border: 0; } .card-app td.num, .card-app th.num { text-align: right; }
[data-health="warn"] { border-color: var(--warn); } [data-health="critical"] { border-color: var(--bad); }
.health { padding: 2px 8px; border-radius: 10px; font-size: 12px; border: 1px solid currentColor; }
.health-ok { color: var(--ok); } .health-warn { color: var(--warn); } .health-critical { color: var(--bad); }
#fleet-nodes .status { text-transform: uppercase; font-size: 12px; } #fleet-nodes tr.self .node { font-weight: 600; }
#threads { border: 1px solid transparent; border-radius: 8px; padding: 8px 10px; }
#health-detail:empty { display: none; } #health-detail { color: var(--warn); margin: 0; }
.chart { display: grid; grid-template-columns: max-content 1fr; column-gap: 6px; margin: 10px 0 0; }
.chart svg { width: 100%; height: 80px; background: #11161d; border-radius: 4px; }
.chart .grid { fill: none; stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.chart .line { fill: none; stroke: var(--accent); stroke-width: 1.5; stroke-linecap: round; stroke-linejoin: round; vector-effect: non-scaling-stroke; }
.y-axis, .x-axis, .chart figcaption { color: var(--muted); font-size: 10px; font-variant-numeric: tabular-nums; }
.y-axis { display: flex; flex-direction: column; justify-content: space-between; text-align: right; line-height: 1; }
.x-axis { grid-column: 2; display: flex; justify-content: space-between; margin-top: 2px; }
.chart figcaption { grid-column: 1 / -1; font-size: 11px; margin-top: 4px; min-height: 14px; }
table { width: 100%; border-collapse: collapse; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); font-variant-numeric: tabular-nums; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
tr:last-child td { border-bottom: 0; }
.status-running { color: var(--ok); } .status-starting, .status-restarting { color: var(--warn); }
.status-failed { color: var(--bad); } .status-stopped { color: var(--muted); }
.started, .sample { white-space: nowrap; }
.exit { color: var(--muted); max-width: 420px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
body:not(.control) .control { display: none; }
select, button { background: #0d1117; color: var(--fg); border: 1px solid var(--line); border-radius: 4px; padding: 2px 6px; }
button { cursor: pointer; } button:hover { border-color: var(--bad); color: var(--bad); }
#events { margin: 0; padding: 0 0 0 0; list-style: none; max-height: 280px; overflow: auto; background: var(--card);
  border: 1px solid var(--line); border-radius: 8px; font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; }
#events li { padding: 4px 10px; border-bottom: 1px solid var(--line); }
#events li:last-child { border-bottom: 0; }
.ev-exit { color: var(--warn); } .ev-restart, .ev-recovered { color: var(--ok); } .ev-failed, .ev-group-failed { color: var(--bad); }
`;
