/**
 * The live page's markup. It holds no data: app.js fills it from the WebSocket. No inline script
 * or style, so the Content-Security-Policy can forbid both.
 */
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
  <span id="updated" class="muted"></span>
</header>
<main>
  <section class="cards">
    <article class="card" id="card-cpu">
      <h2>CPU</h2>
      <div class="big" id="cpu-value">–</div>
      <div class="sub" id="cpu-sub"></div>
      <svg class="chart" id="cpu-chart" viewBox="0 0 300 60" preserveAspectRatio="none" aria-label="CPU usage history"><polyline points=""/></svg>
      <div class="caption" id="cpu-caption"></div>
    </article>
    <article class="card" id="card-memory">
      <h2>Memory</h2>
      <div class="big" id="memory-value">–</div>
      <div class="sub" id="memory-sub"></div>
      <svg class="chart" id="memory-chart" viewBox="0 0 300 60" preserveAspectRatio="none" aria-label="Memory usage history"><polyline points=""/></svg>
      <div class="caption" id="memory-caption"></div>
    </article>
    <article class="card" id="card-requests">
      <h2>Requests</h2>
      <div class="big" id="requests-value">–</div>
      <div class="sub" id="requests-sub"></div>
      <svg class="chart" id="requests-chart" viewBox="0 0 300 60" preserveAspectRatio="none" aria-label="Requests per second history"><polyline points=""/></svg>
      <div class="caption" id="requests-caption"></div>
    </article>
  </section>
  <section>
    <h2>Threads</h2>
    <table id="workers">
      <thead><tr><th>thread</th><th>status</th><th>restarts</th><th>thread id</th><th>last sample</th><th>last exit</th><th class="control">crash</th></tr></thead>
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
