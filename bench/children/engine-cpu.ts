/**
 * CPU used by this process (all its threads) with an idle dashboard running, over several
 * consecutive windows: one window can catch a neighbour's burst or a GC, their median cannot.
 * The windows start after a warm-up (start-up, then V8 compiling code that runs once a second).
 *   node dist/bench/children/engine-cpu.js <seconds> [windows] [warm-up seconds]
 * Prints { windows: [percent of one core, …], warmUp: percent of one core over the warm-up }.
 */
import { startDashboard } from '../../src/index.js';
import { cpuWindows } from './cpu-over.js';

const seconds = Number(process.argv[2] ?? 30);
const count = Math.max(1, Number(process.argv[3] ?? 1));
const warmUpSeconds = Number(process.argv[4] ?? 1.5);

const dash = await startDashboard();
console.log(JSON.stringify(await cpuWindows(seconds, count, warmUpSeconds)));
await dash.stop();
