/**
 * The CLI's whole run: flags, then one of three outputs (terminal dashboard, plain lines, JSON),
 * then a clean stop of everything it started. Returns the exit code; it never calls
 * process.exit, so a leaked thread, timer or socket would show as a process that does not end.
 */
import { readFileSync } from 'node:fs';
import type { Dashboard } from '../../main/dashboard.js';
import { startDashboard } from '../../start.js';
import { OptionsError, ThreadboardError } from '../../errors.js';
import { CliArgsError, parseCliArgs, usage, type CliOptions } from './args.js';
import { startDemoTraffic, type DemoTraffic } from '../../demo/demo-traffic.js';
import { dashboardOptionsFor } from './engine-options.js';
import { cliOptionMessage } from './option-errors.js';
import { jsonSnapshot } from './json.js';
import { startPlainPrinter } from './plain.js';
import { chooseOutput } from './screen-choice.js';

export const EXIT_USAGE = 2;
export const EXIT_FAILURE = 1;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Calls `onSignal` once, on the first SIGINT, SIGTERM or SIGHUP; a second signal gets Node's default (exit). */
function onFirstSignal(onSignal: () => void): () => void {
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const handler = (): void => {
    off();
    onSignal();
  };
  const off = (): void => {
    for (const s of signals) process.off(s, handler);
  };
  for (const s of signals) process.on(s, handler);
  return off;
}

async function runOutput(cli: CliOptions, dash: Dashboard, demo: DemoTraffic | null): Promise<void> {
  if (cli.json) {
    const snapshot = await jsonSnapshot(dash, cli.intervalMs, demo);
    process.stdout.write(JSON.stringify(snapshot, null, 2) + '\n');
    return;
  }
  const output = chooseOutput({ plain: cli.plain, isTTY: process.stdout.isTTY === true, term: process.env.TERM });
  // On stderr, like the live page's address: stdout stays the plain output alone.
  if (output.why) process.stderr.write(`threadboard: ${output.why}\n`);
  if (output.kind === 'screen') {
    // Loaded only here: the plain and JSON outputs never pay for blessed.
    const { runTerminalDashboard } = await import('../tui/app.js');
    const tui = await runTerminalDashboard(dash, {
      intervalMs: cli.intervalMs,
      demo: demo ? { url: demo.url, notice: demo.notice } : null,
      webUrl: dash.webUrl,
    });
    const off = onFirstSignal(() => tui.quit());
    await tui.done;
    off();
    return;
  }
  const printer = startPlainPrinter(dash, cli.intervalMs, process.stdout, demo ? [demo.notice] : []);
  const off = onFirstSignal(() => printer.stop());
  await printer.done;
  off();
}

export async function main(argv: readonly string[]): Promise<number> {
  let cli: CliOptions;
  try {
    cli = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof CliArgsError)) throw err;
    process.stderr.write(`${err.message}\n`);
    return EXIT_USAGE;
  }
  if (cli.help) {
    process.stdout.write(`${usage()}\n`);
    return 0;
  }
  if (cli.version) {
    process.stdout.write(`threadboard ${version()}\n`);
    return 0;
  }

  let dash: Dashboard;
  try {
    dash = await startDashboard(dashboardOptionsFor(cli));
  } catch (err) {
    if (!(err instanceof ThreadboardError)) throw err;
    process.stderr.write(`${err instanceof OptionsError ? cliOptionMessage(err, cli, process.env) : err.message}\n`);
    return EXIT_FAILURE;
  }
  let demo: DemoTraffic | null = null;
  try {
    // On stderr, so --json and piped output stay machine-readable.
    if (dash.webUrl) process.stderr.write(`threadboard: live page at ${dash.webUrl}\n`);
    if (cli.demoTraffic) demo = await startDemoTraffic(dash.metrics);
    await runOutput(cli, dash, demo);
    return 0;
  } catch (err) {
    process.stderr.write(`threadboard: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT_FAILURE;
  } finally {
    await demo?.stop();
    await dash.stop();
  }
}
