/**
 * The crash-recovery demo: starts the engine, prints a snapshot, then crashes the coordinator
 * and every built-in worker in every fault kind, one after the other, and prints what the
 * supervisors did about it. It checks each recovery (right exit reason, a new thread, a fresh
 * sample from it) and exits non-zero if any went wrong.
 *
 * Run: npm run demo   (or: npm run build && node dist/examples/crash-demo.js)
 */
import { startDashboard, type FaultKind } from '../src/index.js';
import { DashboardWatch, healthy } from '../src/demo/dashboard-watch.js';
import { formatTable } from '../src/demo/text-table.js';
import { snapshotLines } from '../src/frontends/cli/text-lines.js';
import { recoveryMs, recoveryProblems, RESULT_HEADERS, resultRow, type CrashObservation } from '../src/demo/recovery-check.js';

const TARGETS = ['coordinator', 'cpu', 'memory', 'requests'] as const;
const FAULTS: FaultKind[] = ['throw', 'exit', 'hang', 'oom', 'kill'];
/** The longest any one step may take before it counts as failed. */
const STEP_TIMEOUT_MS = 15_000;

const dash = await startDashboard({
  intervalMs: 500,
  // A hang is detected after this long without a heartbeat: short, so the demo is quick, yet
  // longer than filling the coordinator's 128 MB heap takes on a busy machine, so an 'oom' is
  // not cut short and reported as a 'hang'.
  hangTimeoutMs: 1500,
  // 20 deliberate crashes in a row are no crash loop: let the supervisors restart every one, at once.
  supervision: { maxRestarts: 50, periodMs: 60_000, backoff: { initialMs: 0, maxMs: 0 } },
});
const watch = new DashboardWatch(dash);

async function crashOnce(target: string, fault: FaultKind): Promise<CrashObservation> {
  const o: CrashObservation = {
    target,
    fault,
    crashAt: Date.now(),
    oldThreadId: null,
    exit: null,
    newThreadId: null,
    firstSampleAt: null,
    error: null,
  };
  try {
    watch.snapshot = healthy(watch.snapshot) ?? healthy(await dash.getDashboard());
    await watch.waitFor('every thread running and sampled', () => healthy(watch.snapshot), STEP_TIMEOUT_MS);
    const seenExits = watch.exits.length;
    const seenRestarts = watch.restarts.length;
    const seenRecoveries = watch.recoveries.length;
    const report = await dash.crash(target, fault);
    o.crashAt = Date.parse(report.at);
    o.oldThreadId = report.threadId;
    const exit = await watch.waitFor(
      `the exit of ${target} thread ${report.threadId}`,
      () => watch.exits.slice(seenExits).find((e) => e.target === target && e.threadId === report.threadId) ?? null,
      STEP_TIMEOUT_MS,
    );
    o.exit = { reason: exit.reason, threadId: report.threadId };
    const restart = await watch.waitFor(
      `the restart of ${target}`,
      () => watch.restarts.slice(seenRestarts).find((e) => e.target === target && e.oldThreadId === report.threadId) ?? null,
      STEP_TIMEOUT_MS,
    );
    o.newThreadId = restart.newThreadId;
    const recovered = await watch.waitFor(
      `a sample from the new ${target}`,
      () => watch.recoveries.slice(seenRecoveries).find((r) => r.target === target && r.threadId === restart.newThreadId) ?? null,
      STEP_TIMEOUT_MS,
    );
    o.firstSampleAt = Date.parse(recovered.at);
  } catch (err) {
    o.error = (err as Error).message;
  }
  return o;
}

try {
  await dash.collect();
  const first = await dash.getDashboard();
  console.log('threadboard crash-recovery demo: the snapshot before any crash');
  console.log(snapshotLines(first).join('\n'));
  console.log(`threads: coordinator ${first.coordinator.threadId}, ${first.workers.map((w) => `${w.name} ${w.threadId}`).join(', ')}`);
  console.log('');

  const results: CrashObservation[] = [];
  for (const target of TARGETS) {
    for (const fault of FAULTS) {
      const o = await crashOnce(target, fault);
      results.push(o);
      const problems = recoveryProblems(o);
      const ms = recoveryMs(o);
      console.log(`crash ${target} with ${fault}: ${problems.length === 0 ? `recovered in ${ms} ms` : `FAILED (${problems.join('; ')})`}`);
    }
  }

  const failed = results.filter((o) => recoveryProblems(o).length > 0);
  console.log('');
  console.log(formatTable(RESULT_HEADERS, results.map(resultRow), ['left', 'left', 'left', 'right', 'right', 'right', 'left']).join('\n'));
  console.log('');
  console.log(
    failed.length === 0
      ? `all ${results.length} recoveries checked: right reason, new thread, fresh sample`
      : `${failed.length} of ${results.length} recoveries FAILED`,
  );
  process.exitCode = failed.length === 0 ? 0 : 1;
} finally {
  watch.close();
  await dash.stop();
}
