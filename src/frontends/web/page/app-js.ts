/**
 * The live page's script, served as /app.js. Plain browser JavaScript, no build step and no
 * library: it renders each snapshot pushed over the WebSocket, draws the charts as SVG
 * polylines, and reconnects with capped, jittered backoff when the socket drops. Data from the
 * server only ever lands in the page through textContent, never as markup.
 *
 * Kept as a string so the compiled package carries it; it uses no template literals so that it
 * can live inside one.
 */
export const PAGE_JS = String.raw`'use strict';
const HISTORY_MAX = 180;
const ROUND_MS = 250;
const EVENTS_MAX = 100;
const state = {
  snapshot: null, history: [], roundStart: -Infinity, events: [], lastEventSeq: 0,
  control: false, faults: [], ws: null, attempt: 0, nextId: 1, overrides: new Map(), rows: new Map(),
};
const $ = (id) => document.getElementById(id);

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  let ws;
  try {
    ws = new WebSocket(proto + '//' + location.host + '/ws');
  } catch (err) {
    retry();
    return;
  }
  state.ws = ws;
  ws.onopen = () => { state.attempt = 0; setConn('live'); };
  ws.onmessage = (e) => {
    let m;
    try { m = JSON.parse(e.data); } catch (err) { return; }
    onFrame(m);
  };
  ws.onclose = () => {
    if (state.ws !== ws) return;
    state.ws = null;
    setConn('reconnecting');
    retry();
  };
}

function retry() {
  const delay = Math.min(5000, 250 * 2 ** state.attempt) * (0.5 + Math.random() / 2);
  state.attempt += 1;
  setTimeout(connect, delay);
}

function setConn(s) {
  const el = $('conn');
  el.textContent = s;
  el.className = 'conn conn-' + s;
}

function onFrame(m) {
  switch (m.type) {
    case 'hello':
      state.control = m.control === true;
      state.faults = Array.isArray(m.faults) ? m.faults : [];
      document.body.classList.toggle('control', state.control);
      // A new server may have control on or off: rows are rebuilt, with crash buttons only if it is on.
      state.rows.clear();
      document.querySelector('#workers tbody').replaceChildren();
      state.history = [];
      state.roundStart = -Infinity;
      for (const p of m.history || []) addPoint(p);
      state.events = [];
      state.lastEventSeq = 0;
      $('events').replaceChildren();
      addEvents(m.events || []);
      // Past exits are history here; the snapshot in hello already shows where things stand.
      state.overrides.clear();
      if (m.snapshot) render(m.snapshot);
      else drawCharts();
      break;
    case 'snapshot': {
      const p = point(m.snapshot);
      if (p) addPoint(p);
      state.overrides.clear();
      render(m.snapshot);
      break;
    }
    case 'event':
      addEvents([m.event]);
      break;
    case 'events':
      addEvents(m.events || []);
      break;
    case 'crash-result':
      $('control-result').textContent = m.ok
        ? 'crash sent: ' + m.report.how + ' to ' + m.report.target + ' (thread ' + m.report.threadId + ')'
        : 'crash refused: ' + m.error;
      break;
  }
}

function point(s) {
  if (!s || !s.lastUpdated) return null;
  return {
    t: Date.parse(s.lastUpdated),
    cpu: s.cpu ? s.cpu.usage : null,
    mem: s.memory ? s.memory.usagePercent : null,
    rps: s.requests ? s.requests.rps : null,
  };
}

// Same rule as the server: samples of one round (a few ms apart) make one point.
function addPoint(p) {
  const h = state.history;
  const last = h[h.length - 1];
  if (last && p.t <= last.t) return;
  if (last && p.t - state.roundStart < ROUND_MS) { h[h.length - 1] = p; return; }
  state.roundStart = p.t;
  h.push(p);
  if (h.length > HISTORY_MAX) h.splice(0, h.length - HISTORY_MAX);
}

function clock(iso) {
  if (!iso) return '–';
  const d = new Date(iso);
  return d.toLocaleTimeString([], { hour12: false }) + '.' + String(d.getMilliseconds()).padStart(3, '0');
}
const fixed = (x, n) => (typeof x === 'number' ? x.toFixed(n) : '–');
const mib = (mb) => (mb >= 1024 ? (mb / 1024).toFixed(1) + ' GiB' : mb + ' MiB');

function render(s) {
  state.snapshot = s;
  $('updated').textContent = 'last sample ' + clock(s.lastUpdated) + ' · collections ' + s.collectionCount;
  if (s.cpu) {
    $('cpu-value').textContent = fixed(s.cpu.usage, 1) + '%';
    $('cpu-sub').textContent = s.cpu.cores + ' cores · load ' + s.cpu.loadAvg.map((l) => fixed(l, 2)).join(' ');
  }
  if (s.memory) {
    $('memory-value').textContent = fixed(s.memory.usagePercent, 1) + '%';
    $('memory-sub').textContent = mib(s.memory.usedMb) + ' of ' + mib(s.memory.totalMb) + ' in use';
  }
  if (s.requests) {
    const r = s.requests;
    $('requests-value').textContent = fixed(r.rps, 1) + ' req/s';
    const ms = (x) => (typeof x === 'number' ? fixed(x, 2) + ' ms' : '–');
    $('requests-sub').textContent = 'p50 ' + ms(r.p50LatencyMs) + ' · p99 ' + ms(r.p99LatencyMs) +
      ' · 5xx ' + fixed(r.errorRate, 1) + '% · total ' + r.total;
  }
  renderThreads();
  drawCharts();
}

function threads(s) {
  const c = s.coordinator;
  return [{ name: 'coordinator', status: c.status, restarts: c.restarts, threadId: c.threadId, lastSampleAt: null, lastExit: c.lastExit }]
    .concat(s.workers);
}

function cell(tr, cls) {
  const td = document.createElement('td');
  td.className = cls;
  tr.appendChild(td);
  return td;
}

function makeRow(name) {
  const tr = document.createElement('tr');
  tr.dataset.name = name;
  for (const cls of ['name', 'status', 'restarts', 'thread', 'sample', 'exit']) cell(tr, cls);
  if (!state.control) return tr;
  const ctl = cell(tr, 'control');
  const select = document.createElement('select');
  select.setAttribute('aria-label', 'fault to inject into ' + name);
  for (const f of state.faults) {
    const o = document.createElement('option');
    o.value = f;
    o.textContent = f;
    select.appendChild(o);
  }
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'crash';
  button.addEventListener('click', () => sendCrash(name, select.value));
  ctl.append(select, ' ', button);
  return tr;
}

function renderThreads() {
  if (!state.snapshot) return;
  const tbody = document.querySelector('#workers tbody');
  const list = threads(state.snapshot);
  const seen = new Set();
  list.forEach((t, i) => {
    seen.add(t.name);
    let tr = state.rows.get(t.name);
    if (!tr) { tr = makeRow(t.name); state.rows.set(t.name, tr); }
    // Moving a row would close a select the user has open, so rows move only when out of place.
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
    const o = state.overrides.get(t.name) || {};
    const status = o.status || t.status;
    const exit = o.lastExit || t.lastExit;
    const q = (cls) => tr.querySelector('.' + cls);
    q('name').textContent = t.name;
    q('status').textContent = status;
    q('status').className = 'status status-' + status;
    q('restarts').textContent = String(t.restarts);
    q('thread').textContent = t.threadId === null ? '–' : String(t.threadId);
    q('sample').textContent = t.name === 'coordinator' ? '' : clock(t.lastSampleAt);
    const text = exit ? exit.reason + ': ' + exit.message + ' (' + clock(exit.at) + ')' : '–';
    q('exit').textContent = text;
    q('exit').title = text;
  });
  for (const [name, tr] of state.rows) {
    if (!seen.has(name)) { tr.remove(); state.rows.delete(name); }
  }
}

function sendCrash(target, how) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) { $('control-result').textContent = 'not connected'; return; }
  ws.send(JSON.stringify({ type: 'crash', id: state.nextId++, target: target, how: how }));
  $('control-result').textContent = 'sending ' + how + ' to ' + target + '…';
}

function eventText(le) {
  const e = le.event;
  if (le.kind === 'exit') {
    return e.target + ' exited (' + e.reason + ')' + (e.message ? ': ' + e.message : '') + (e.willRestart ? ', restarting' : ', stays down');
  }
  if (le.kind === 'restart') {
    return e.target + ' restarted (#' + e.restarts + '): thread ' + (e.oldThreadId === null ? '–' : e.oldThreadId) + ' → ' +
      e.newThreadId + ', down ' + e.downtimeMs + ' ms' + (e.delayMs ? ' (backoff ' + e.delayMs + ' ms)' : '');
  }
  if (le.kind === 'group-failed') return e.workers.join(', ') + ' gave up: ' + e.message + '; the built-in workers carry on';
  return e.target + ' failed: ' + e.message;
}

function addEvents(list) {
  const ol = $('events');
  for (const le of list) {
    if (!le || typeof le.seq !== 'number' || le.seq <= state.lastEventSeq) continue;
    state.lastEventSeq = le.seq;
    const li = document.createElement('li');
    li.className = 'ev-' + le.kind;
    li.textContent = clock(le.event.at) + '  ' + eventText(le);
    ol.prepend(li);
    while (ol.children.length > EVENTS_MAX) ol.lastChild.remove();
    // Show an exit in the table at once; the next snapshot brings the authoritative state.
    if (le.kind === 'exit') {
      const e = le.event;
      state.overrides.set(e.target, { status: e.willRestart ? 'restarting' : 'failed', lastExit: { reason: e.reason, message: e.message, at: e.at } });
      renderThreads();
    } else if (le.kind === 'failed' && state.snapshot) {
      // No snapshot follows a dashboard that gave up, so the page marks every thread itself.
      for (const t of threads(state.snapshot)) state.overrides.set(t.name, { status: 'failed' });
      renderThreads();
    }
  }
}

function drawChart(name, key, fixedMax, unit) {
  const h = state.history;
  let peak = 0;
  for (const p of h) if (p[key] !== null && p[key] > peak) peak = p[key];
  const max = fixedMax || Math.max(1, peak);
  const offset = HISTORY_MAX - h.length;
  const pts = [];
  h.forEach((p, i) => {
    if (p[key] === null) return;
    const x = (300 * (offset + i)) / (HISTORY_MAX - 1);
    const y = 58 - (Math.min(p[key], max) / max) * 56;
    pts.push(x.toFixed(1) + ',' + y.toFixed(1));
  });
  $(name + '-chart').querySelector('polyline').setAttribute('points', pts.join(' '));
  const span = h.length > 1 ? Math.round((h[h.length - 1].t - h[0].t) / 1000) : 0;
  $(name + '-caption').textContent = h.length > 1 ? 'last ' + span + ' s · peak ' + fixed(peak, 1) + unit : '';
}

function drawCharts() {
  drawChart('cpu', 'cpu', 100, '%');
  drawChart('memory', 'mem', 100, '%');
  drawChart('requests', 'rps', 0, ' req/s');
}

connect();
`;
