/**
 * The terminal live dashboard: wires the engine's pushes and the keyboard to DashboardState,
 * and DashboardState and the engine's chart history to the view. Renders only when something
 * changed, at most a few times a second, plus once a second for the clocks: never in a loop.
 */
import type { Dashboard } from '../../main/dashboard.js';
import type { FaultKind } from '../../protocol/control.js';
import type { DashboardSnapshot } from '../../snapshot.js';
import { DashboardState } from './dashboard-state.js';
import { KEY_BINDINGS, type KeyAction } from './keys.js';
import { createDashboardScreen } from './screen.js';
import { handleSuspend } from './suspend.js';
import { DashboardView } from './view.js';
import { COORDINATOR } from './workers-model.js';

export interface TerminalDashboardOptions {
  intervalMs: number;
  demo: { url: string; notice: string } | null;
  /** The live page's address, when --web is on. */
  webUrl?: string | null;
}

export interface TerminalDashboard {
  /** Resolves once the screen is gone and the terminal restored (after q, Ctrl-C or quit()). */
  readonly done: Promise<void>;
  quit(): void;
}

/** Renders at most this often; a crash still shows well within a second. */
const MIN_RENDER_GAP_MS = 150;

export async function runTerminalDashboard(dash: Dashboard, options: TerminalDashboardOptions): Promise<TerminalDashboard> {
  const state = new DashboardState(options.intervalMs);
  const ui = createDashboardScreen();
  const view = new DashboardView(ui.screen, { demo: options.demo, fleet: dash.hasCluster });
  const now = (): number => Date.now();

  let renderTimer: NodeJS.Timeout | null = null;
  let lastRender = 0;
  let closed = false;
  const renderNow = (): void => {
    renderTimer = null;
    if (closed) return;
    lastRender = now();
    view.render(state, dash.history(state.span), dash.appHistory(state.span), lastRender);
  };
  const requestRender = (): void => {
    if (closed || renderTimer) return;
    renderTimer = setTimeout(renderNow, Math.max(0, lastRender + MIN_RENDER_GAP_MS - now()));
  };

  const onSnapshot = (s: DashboardSnapshot): void => {
    state.onSnapshot(s, now());
    requestRender();
  };
  /** Each event goes to the state, then a render is asked for. */
  const andRender =
    <E>(apply: (e: E) => void) =>
    (e: E): void => {
      apply(e);
      requestRender();
    };
  const unsubscribe = dash.subscribe({
    snapshot: onSnapshot,
    exit: andRender((e) => state.onExit(e)),
    restart: andRender((e) => state.onRestart(e)),
    recovered: andRender((e) => state.onRecovered(e)),
    failed: andRender((e) => state.onFailed(e)),
    'group-failed': andRender((e) => state.onGroupFailed(e)),
    'access-log': andRender((e) => state.onAccessLog(e)),
    health: andRender((e) => state.onHealth(e)),
    fleet: andRender((v) => state.onFleet(v)),
  });
  // Cluster mode: listening to the fleet starts with the first ask; its views are pushed from then on.
  if (dash.hasCluster)
    dash.getFleet().then(
      (v) => {
        state.onFleet(v);
        requestRender();
      },
      (err: Error) => state.problem(err.message, now()),
    );
  // Uptimes and "… ago" advance even when the interval is long.
  const clockTimer = setInterval(requestRender, 1000);

  const crash = (target: string, how: FaultKind): void => {
    const row = state.rows().find((r) => r.name === target);
    state.action(`crash ${target} (thread ${row?.threadId ?? '-'}): ${how}`, now());
    requestRender();
    dash.crash(target, how).catch((err: Error) => {
      state.problem(err.message, now());
      requestRender();
    });
  };

  // After `fg`: the terminal may have been used (and resized) meanwhile, so everything is redrawn.
  const suspender = handleSuspend(ui.screen.program, () => {
    ui.screen.alloc();
    view.relayout(Math.max(4, state.rows().length));
    renderNow();
  });

  let resolveDone!: () => void;
  const done = new Promise<void>((resolve) => (resolveDone = resolve));
  const quit = (): void => {
    if (closed) return;
    closed = true;
    if (renderTimer) clearTimeout(renderTimer);
    clearInterval(clockTimer);
    unsubscribe();
    suspender.dispose();
    ui.destroy();
    resolveDone();
  };

  const act = (action: KeyAction): void => {
    if (closed) return;
    switch (action.kind) {
      case 'quit':
        quit();
        return;
      case 'select':
        state.select(action.delta);
        requestRender();
        return;
      case 'cycle-span':
        state.cycleSpan();
        requestRender();
        return;
      case 'toggle-fleet':
        if (!dash.hasCluster) return;
        state.toggleFleet();
        requestRender();
        return;
      case 'suspend':
        suspender.suspend();
        return;
      case 'crash-selected': {
        const row = state.selectedTarget();
        if (row) crash(row.name, action.how);
        return;
      }
      case 'crash-coordinator':
        crash(COORDINATOR, 'throw');
        return;
      case 'collect': {
        const started = now();
        state.action('collect now', started);
        requestRender();
        dash
          .collect()
          .then((report) => {
            const missing = report.missing.length > 0 ? `; no answer from ${report.missing.join(', ')}` : '';
            state.action(
              `collected from ${[...report.answered].sort().join(', ') || 'no worker'} in ${now() - started} ms${missing}`,
              now(),
            );
          })
          .catch((err: Error) => state.problem(err.message, now()))
          .finally(requestRender);
        return;
      }
    }
  };
  for (const binding of KEY_BINDINGS) ui.screen.key(binding.keys, () => act(binding.action));
  ui.screen.on('resize', () => {
    view.relayout(Math.max(4, state.rows().length));
    renderNow();
  });

  if (options.demo) state.action(options.demo.notice, now());
  if (options.webUrl) state.action(`live page at ${options.webUrl}`, now());
  renderNow();
  // Pushes that happened before we listened are not repeated: read the current snapshot once.
  dash
    .getDashboard()
    .then((s) => {
      if (!closed && state.snapshot === null) onSnapshot(s);
    })
    .catch((err: Error) => state.problem(err.message, now()));
  return { done, quit };
}
