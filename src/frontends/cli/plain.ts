/**
 * The non-terminal output: snapshotLines() once per interval, a blank line between blocks,
 * so the output can be piped, grepped and logged.
 */
import type { Dashboard } from '../../main/dashboard.js';
import type { AccessLogEvent } from '../../events.js';
import { fleetLines } from './fleet-lines.js';
import { snapshotLines } from './text-lines.js';

export interface PlainPrinter {
  /** Resolves when printing has stopped: stop() was called, or the reader went away (EPIPE). */
  readonly done: Promise<void>;
  stop(): void;
}

export function startPlainPrinter(dash: Dashboard, intervalMs: number, out: NodeJS.WriteStream, header: string[] = []): PlainPrinter {
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));

  // A change of the access log's state shows at once, as a block of its own.
  const onAccessLog = (e: AccessLogEvent): void => {
    if (!stopped) out.write(`threadboard: access log: ${e.detail}\n\n`);
  };
  dash.on('access-log', onAccessLog);

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    out.off('error', onError);
    dash.off('access-log', onAccessLog);
    finish();
  };
  // `threadboard | head -3`: the reader leaves, and that is a normal end, not a crash.
  const onError = (err: NodeJS.ErrnoException): void => {
    if (err.code === 'EPIPE') stop();
    else throw err;
  };
  out.on('error', onError);

  const print = async (): Promise<void> => {
    try {
      const snap = await dash.getDashboard();
      // Cluster mode: the fleet under this machine's own figures, in the same block.
      const fleet = dash.hasCluster ? await dash.getFleet() : null;
      const lines = fleet ? [...snapshotLines(snap), ...fleetLines(fleet)] : snapshotLines(snap);
      if (!stopped) out.write(lines.join('\n') + '\n\n');
    } catch (err) {
      if (!stopped) out.write(`threadboard: ${(err as Error).message}\n\n`);
    }
    // Scheduled after the write, so a slow call never stacks printers on one another.
    if (!stopped) timer = setTimeout(() => void print(), intervalMs);
  };

  if (header.length > 0) out.write(header.join('\n') + '\n\n');
  // A collect first, so the first block has every section instead of "waiting for first sample".
  void dash
    .collect()
    .catch(() => undefined)
    .then(print);
  return { done, stop };
}
