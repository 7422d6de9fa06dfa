/**
 * CPU of a bare Node process whose only work is the event-loop delay monitor the engine's
 * process vitals run (monitorEventLoopDelay at the same resolution): the floor under the
 * engine's own CPU, since each of its ticks wakes the process, and a wake-up is what costs.
 *   node dist/bench/children/loop-monitor.js <seconds> [windows] [warm-up seconds]
 * Prints { windows: [percent of one core, …] }.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { LOOP_RESOLUTION_MS } from '../../src/main/process-vitals.js';
import { cpuWindows } from './cpu-over.js';

const seconds = Number(process.argv[2] ?? 30);
const count = Math.max(1, Number(process.argv[3] ?? 1));
const warmUpSeconds = Number(process.argv[4] ?? 1.5);

const monitor = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });
monitor.enable();
const { windows } = await cpuWindows(seconds, count, warmUpSeconds);
monitor.disable();
console.log(JSON.stringify({ windows }));
