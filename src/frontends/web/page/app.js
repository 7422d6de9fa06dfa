/**
 * The live page's script, served as /app.js. Plain JavaScript, no library and no bundler, but
 * type-checked by tsc against the DOM and the server's own wire types (./tsconfig.json, run by
 * `npm run build`): a change to a frame that the page does not follow fails the build.
 *
 * It renders each snapshot pushed over the WebSocket, keeps the engine's chart history (from the
 * hello) current with the newest points each snapshot brings, and reconnects with capped,
 * jittered backoff when the socket drops. It derives nothing: the threads table is the latest
 * snapshot's, events only fill the log, and what it knows of the server (control, fault kinds,
 * the event log's size, units, spans) comes in the hello. Server data reaches the page through
 * textContent and attributes only, never as markup.
 */
/* global document, location, Option -- the browser's; ESLint lints this file as Node's, tsc checks it against the DOM */
/** @import { HelloFrame, LoggedEvent, ServerFrame } from '../frames.js' */
/** @import { DashboardSnapshot } from '../../../snapshot.js' */
/** @import { HistorySpan, SeriesName } from '../../../main/history.js' */
import {
  appRows,
  axisLabels,
  clock,
  duration,
  eventText,
  exitText,
  fixed,
  fleetText,
  mib,
  statsText,
  threadRows,
  UNKNOWN,
  withUnit,
} from './format.js';
import { chart, upsertPoint } from './series.js';

/** @type {ReadonlyArray<{ card: string; key: SeriesName; digits: number }>} the charts; their units come in the hello */
const CHARTS = [
  { card: 'cpu', key: 'cpu', digits: 1 },
  { card: 'memory', key: 'mem', digits: 1 },
  { card: 'requests', key: 'rps', digits: 1 },
  { card: 'latency', key: 'p99', digits: 2 },
  { card: 'process', key: 'procCpu', digits: 1 },
];

const state = {
  /** @type {HelloFrame | null} this server's hello; its history is kept current by every snapshot frame */
  hello: null,
  /** @type {HistorySpan | null} the span the charts show */
  span: null,
  lastEventSeq: 0,
  /** @type {WebSocket | null} */
  ws: null,
  attempt: 0,
  nextId: 1,
  /** @type {Map<string, HTMLTableRowElement>} */
  rows: new Map(),
};

/** @param {string} id */
function $(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error('threadboard page: no #' + id);
  return el;
}

/**
 * @param {ParentNode} root
 * @param {string} selector
 */
function find(root, selector) {
  const el = root.querySelector(selector);
  if (!el) throw new Error('threadboard page: no ' + selector);
  return el;
}

function connect() {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  /** @type {WebSocket} */
  let ws;
  try {
    ws = new WebSocket(proto + '//' + location.host + '/ws');
  } catch {
    retry();
    return;
  }
  state.ws = ws;
  ws.onopen = () => {
    state.attempt = 0;
    setConn('live');
  };
  ws.onmessage = (e) => {
    /** @type {ServerFrame} */
    let m;
    try {
      m = JSON.parse(String(e.data));
    } catch {
      return;
    }
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

/** @param {string} s */
function setConn(s) {
  const el = $('conn');
  el.textContent = s;
  el.className = 'conn conn-' + s;
}

/** @param {ServerFrame} m */
function onFrame(m) {
  switch (m.type) {
    case 'hello':
      onHello(m);
      break;
    case 'snapshot': {
      const hello = state.hello;
      if (hello) for (const view of hello.history) upsertPoint(view, m.history[view.span]);
      render(m.snapshot);
      renderFleet(m.fleet);
      break;
    }
    case 'event':
      addEvents([m.event]);
      break;
    case 'events':
      addEvents(m.events);
      break;
    case 'crash-result':
      $('control-result').textContent = m.ok
        ? 'crash sent: ' + m.report.how + ' to ' + m.report.target + ' (thread ' + m.report.threadId + ')'
        : 'crash refused: ' + m.error;
      break;
  }
}

/**
 * A table row of text cells, each with its class: rows that are rebuilt whole from each frame.
 * @param {ReadonlyArray<readonly [string, string | null | undefined]>} cells
 */
function cellsRow(cells) {
  const tr = document.createElement('tr');
  for (const [cls, value] of cells) {
    const td = tr.insertCell();
    td.className = cls;
    td.textContent = value ?? '';
  }
  return tr;
}

/**
 * Cluster mode's section: the engine's fleet view as it is, one row per node; hidden without one.
 * @param {HelloFrame['fleet']} f
 */
function renderFleet(f) {
  const section = $('fleet');
  section.hidden = f === null;
  if (f === null) return;
  const text = fleetText(f);
  $('fleet-title').textContent = text.title;
  $('fleet-totals').textContent = text.totals;
  $('fleet-link').textContent = text.link ?? '';
  const body = /** @type {HTMLTableSectionElement} */ ($('fleet-nodes').querySelector('tbody'));
  const rows = text.rows.map((r) => {
    const tr = cellsRow([
      ['node', r.node],
      ['host', r.host],
      ['status', r.status],
      ['rps', r.rps],
      ['p99', r.p99],
      ['errors', r.errors],
      ['host-cpu', r.hostCpu],
      ['total', r.total],
      ['seen', r.seen],
    ]);
    tr.dataset.node = r.node;
    tr.classList.toggle('self', r.self);
    return tr;
  });
  body.replaceChildren(...rows);
}

/** @param {HelloFrame} m */
function onHello(m) {
  state.hello = m;
  // A new server may have control on or off: rows are rebuilt, with crash buttons only if it is on.
  document.body.classList.toggle('control', m.control);
  state.rows.clear();
  find(document, '#workers tbody').replaceChildren();
  state.lastEventSeq = 0;
  $('events').replaceChildren();
  addEvents(m.events);
  // The span the user chose stays chosen if this server has it.
  if (!m.history.some((v) => v.span === state.span)) state.span = m.history[0]?.span ?? null;
  renderSpanButtons(m);
  if (m.snapshot) render(m.snapshot);
  else drawCharts();
  renderFleet(m.fleet);
}

/** @param {HelloFrame} m */
function renderSpanButtons(m) {
  $('spans').replaceChildren(
    ...m.history.map((view) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.textContent = view.span;
      b.dataset.span = view.span;
      b.title = 'the last ' + duration(view.capacity * view.stepMs) + ', a point per ' + duration(view.stepMs);
      b.addEventListener('click', () => {
        state.span = view.span;
        drawCharts();
      });
      return b;
    }),
  );
}

/** @param {SeriesName} key */
const unitOf = (key) => state.hello?.series[key].unit ?? '';

/**
 * @param {string} id
 * @param {string} value
 * @param {string} sub
 * @param {boolean} stale the section is the last value of a thread that is down
 */
function setCard(id, value, sub, stale) {
  $(id + '-value').textContent = value;
  $(id + '-sub').textContent = sub;
  $('card-' + id).classList.toggle('stale', stale);
}

/** @param {DashboardSnapshot} s */
function render(s) {
  $('updated').textContent = 'last sample ' + clock(s.lastUpdated) + ' · collections ' + s.collectionCount;
  const stale = (/** @type {string} */ section) => s.stale.includes(section);
  const { cpu, memory, requests: r } = s;
  setCard(
    'cpu',
    withUnit(cpu?.usage, 1, unitOf('cpu')),
    cpu ? cpu.cores + ' cores · load ' + cpu.loadAvg.map((l) => fixed(l, 2)).join(' ') : '',
    stale('cpu'),
  );
  setCard(
    'memory',
    withUnit(memory?.usagePercent, 1, unitOf('mem')),
    memory ? mib(memory.usedMiB) + ' of ' + mib(memory.totalMiB) + ' in use' : '',
    stale('memory'),
  );
  setCard(
    'requests',
    withUnit(r?.rps, 1, unitOf('rps')),
    r ? '5xx ' + fixed(r.errorRate, 1) + '% · 4xx ' + fixed(r.clientErrorRate, 1) + '% · total ' + r.total : '',
    stale('requests'),
  );
  const ms = unitOf('p99');
  setCard(
    'latency',
    withUnit(r?.p99LatencyMs, 2, ms),
    r ? 'p50 ' + withUnit(r.p50LatencyMs, 2, ms) + ' · avg ' + withUnit(r.avgLatencyMs, 2, ms) : '',
    stale('requests'),
  );
  const p = s.process;
  setCard(
    'process',
    withUnit(p?.cpuPercent, 1, unitOf('procCpu')),
    p
      ? 'rss ' +
          mib(Math.round(p.rssMiB)) +
          ' · heap ' +
          mib(Math.round(p.heapUsedMiB)) +
          ' · loop p99 ' +
          withUnit(p.eventLoop.p99Ms, 1, 'ms') +
          ' · busy ' +
          fixed(p.eventLoop.utilization * 100, 0) +
          '% · gc ' +
          p.gc.count
      : '',
    false,
  );
  renderHealth(s.health);
  renderThreads(s);
  renderApp(s);
  drawCharts();
}

/**
 * The engine's verdict, as it gave it: a badge, the failing checks' own words, and each area's
 * panels outlined amber or red.
 * @param {DashboardSnapshot['health']} h
 */
function renderHealth(h) {
  const badge = $('health');
  badge.textContent = 'health ' + h.status;
  badge.className = 'health health-' + h.status;
  $('health-detail').textContent = h.checks
    .filter((c) => c.status !== 'ok')
    .map((c) => c.status + ': ' + c.message)
    .join(' · ');
  const areas = /** @type {const} */ ([
    ['card-process', h.areas.process],
    ['card-requests', h.areas.requests],
    ['card-latency', h.areas.requests],
    ['threads', h.areas.threads],
  ]);
  for (const [id, status] of areas) $(id).dataset.health = status;
}

/**
 * The app card: the snapshot's app metrics as they are, shown only when the host has some.
 * At most 64 rows (the engine's cap), so each snapshot simply rebuilds them.
 * @param {DashboardSnapshot} s
 */
function renderApp(s) {
  const rows = appRows(s);
  $('card-app').hidden = rows.length === 0;
  find(document, '#app tbody').replaceChildren(
    ...rows.map((r) => {
      const tr = cellsRow([
        ['name', r.name],
        ['type', r.type],
        ['value num', r.value],
        ['rate num', r.rate],
        ['p50 num', r.p50],
        ['p99 num', r.p99],
        ['avg num', r.avg],
      ]);
      tr.dataset.name = r.name;
      return tr;
    }),
  );
}

/**
 * @param {string} name
 * @param {boolean} control
 */
function makeRow(name, control) {
  const tr = document.createElement('tr');
  tr.dataset.name = name;
  for (const cls of ['name', 'status', 'restarts', 'thread', 'started', 'elu', 'heap', 'sample', 'exit']) tr.insertCell().className = cls;
  if (!control) return tr;
  const ctl = tr.insertCell();
  ctl.className = 'control';
  const select = document.createElement('select');
  select.setAttribute('aria-label', 'fault to inject into ' + name);
  for (const f of state.hello?.faults ?? []) select.add(new Option(f, f));
  const button = document.createElement('button');
  button.type = 'button';
  button.textContent = 'crash';
  button.addEventListener('click', () => sendCrash(name, select.value));
  ctl.append(select, ' ', button);
  return tr;
}

/**
 * The table is the snapshot's: status, restarts, threads and exits exactly as the engine reports
 * them (it pushes a snapshot on every change of thread status, giving up included).
 * @param {DashboardSnapshot} s
 */
function renderThreads(s) {
  const tbody = find(document, '#workers tbody');
  const seen = new Set();
  threadRows(s).forEach((t, i) => {
    seen.add(t.name);
    let tr = state.rows.get(t.name);
    if (!tr) {
      tr = makeRow(t.name, state.hello?.control === true);
      state.rows.set(t.name, tr);
    }
    // Moving a row would close a select the user has open, so rows move only when out of place.
    if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] ?? null);
    const cell = (/** @type {string} */ cls) => find(/** @type {HTMLTableRowElement} */ (tr), '.' + cls);
    cell('name').textContent = t.name;
    cell('status').textContent = t.status;
    cell('status').className = 'status status-' + t.status;
    cell('restarts').textContent = String(t.restarts);
    cell('thread').textContent = t.threadId === null ? UNKNOWN : String(t.threadId);
    cell('started').textContent = clock(t.startedAt, 's');
    cell('elu').textContent = t.elu === null ? UNKNOWN : fixed(t.elu * 100, 0) + '%';
    cell('heap').textContent = t.heapMiB === null ? UNKNOWN : fixed(t.heapMiB, 1) + ' MiB';
    cell('sample').textContent = t.name === 'coordinator' ? '' : clock(t.lastSampleAt);
    const exit = exitText(t.lastExit);
    cell('exit').textContent = exit;
    cell('exit').setAttribute('title', exit);
  });
  for (const [name, tr] of state.rows) {
    if (!seen.has(name)) {
      tr.remove();
      state.rows.delete(name);
    }
  }
}

/**
 * @param {string} target
 * @param {string} how
 */
function sendCrash(target, how) {
  const ws = state.ws;
  if (!ws || ws.readyState !== WebSocket.OPEN) {
    $('control-result').textContent = 'not connected';
    return;
  }
  ws.send(JSON.stringify({ type: 'crash', id: state.nextId++, target, how }));
  $('control-result').textContent = 'sending ' + how + ' to ' + target + '…';
}

/** @param {readonly LoggedEvent[]} list */
function addEvents(list) {
  const ol = $('events');
  for (const le of list) {
    if (le.seq <= state.lastEventSeq) continue;
    state.lastEventSeq = le.seq;
    const li = document.createElement('li');
    li.className = 'ev-' + le.kind;
    li.textContent = clock(le.event.at) + '  ' + eventText(le);
    ol.prepend(li);
  }
  // The server keeps this many: a page never lists more than a page that connects now would.
  const max = state.hello?.eventLogSize ?? Infinity;
  while (ol.children.length > max) ol.lastElementChild?.remove();
}

function drawCharts() {
  const view = state.hello?.history.find((v) => v.span === state.span);
  for (const b of $('spans').querySelectorAll('button')) b.setAttribute('aria-pressed', String(b.dataset.span === state.span));
  if (!view) return;
  $('span-note').textContent = 'last ' + duration(view.capacity * view.stepMs) + ' · a point per ' + duration(view.stepMs);
  for (const c of CHARTS) {
    const unit = unitOf(c.key);
    const fig = $(c.card + '-chart');
    const drawn = chart(view, c.key, unit);
    find(fig, 'path.line').setAttribute('d', drawn.d);
    const labels = axisLabels(drawn, unit, view.stepMs);
    fig.querySelectorAll('.y-axis span').forEach((el, i) => (el.textContent = labels.y[i] ?? ''));
    fig.querySelectorAll('.x-axis span').forEach((el, i) => (el.textContent = labels.x[i] ?? ''));
    find(fig, 'figcaption').textContent = statsText(drawn.stats, c.digits, unit);
  }
}

connect();
