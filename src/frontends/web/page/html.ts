/**
 * The live page's markup. It holds no data: app.js fills it from the WebSocket. No inline script
 * or style, so the Content-Security-Policy can forbid both.
 */
import { CHART_BOX } from './series.js';

const { width, height, margin } = CHART_BOX;
/** Gridlines at the top, middle and bottom of the plotted range (the y axis labels sit beside them). */
const GRID = `M0,${margin}H${width}M0,${height / 2}H${width}M0,${height - margin}H${width}`;

/** One metric card; app.js finds its parts by `${id}-value`, `-sub` and `-chart`. */
function card(id: string, title: string, chartLabel: string): string {
  return `    <article class="card" id="card-${id}">
      <h2>${title}</h2>
      <div class="big" id="${id}-value">–</div>
      <div class="sub" id="${id}-sub"></div>
      <figure class="chart" id="${id}-chart">
        <div class="y-axis" aria-hidden="true"><span></span><span></span><span></span></div>
        <svg viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" role="img" aria-label="${chartLabel}"><path class="grid" d="${GRID}"/><path class="line" d=""/></svg>
        <div class="x-axis" aria-hidden="true"><span></span><span></span><span></span></div>
        <figcaption class="stats"></figcaption>
      </figure>
    </article>`;
}

export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>threadboard</title>
<link rel="stylesheet" href="/app.css">
</head>
<body>
<header>
  <h1>threadboard</h1>
  <span id="conn" class="conn conn-connecting">connecting</span>
  <span id="health" class="health health-ok">health –</span>
  <span id="updated" class="muted"></span>
  <span class="spacer"></span>
  <span id="span-note" class="muted"></span>
  <div id="spans" class="spans" role="group" aria-label="chart span"></div>
</header>
<main>
  <p id="health-detail"></p>
  <section class="cards">
${card('cpu', 'CPU', 'CPU usage history')}
${card('memory', 'Memory', 'Memory usage history')}
${card('requests', 'Requests', 'Requests per second history')}
${card('latency', 'Latency p99', 'p99 latency history')}
${card('process', 'Process', 'process CPU history')}
    <article class="card card-app" id="card-app" hidden>
      <h2>App metrics</h2>
      <table id="app">
        <thead><tr><th>metric</th><th>type</th><th class="num">value</th><th class="num">rate</th><th class="num">p50</th><th class="num">p99</th><th class="num">avg</th></tr></thead>
        <tbody></tbody>
      </table>
    </article>
  </section>
  <section id="fleet" hidden>
    <h2>Fleet</h2>
    <p><strong id="fleet-title"></strong> · <span id="fleet-totals"></span></p>
    <p id="fleet-link" class="muted"></p>
    <table id="fleet-nodes">
      <thead><tr><th>node</th><th>host</th><th>status</th><th>req/s</th><th>p99</th><th>5xx</th><th>host CPU</th><th>total</th><th>last seen</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section id="threads">
    <h2>Threads</h2>
    <table id="workers">
      <thead><tr><th>thread</th><th>status</th><th>restarts</th><th>thread id</th><th>started</th><th>ELU</th><th>heap</th><th>last sample</th><th>last exit</th><th class="control">crash</th></tr></thead>
      <tbody></tbody>
    </table>
    <p id="control-result" class="muted"></p>
  </section>
  <section>
    <h2>Events</h2>
    <ol id="events" reversed></ol>
  </section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
