/**
 * CPU used by this process (all its threads) with an idle dashboard running, over several
 * consecutive windows: one window can catch a neighbour's burst or a GC, their median cannot.
 *   node dist/bench/children/engine-cpu.js <seconds> [windows]
 * Prints { windows: [percent of one core, …] }.
 */
import { startDashboard } from '../../src/index.js';

const seconds = Number(process.argv[2] ?? 30);
const count = Math.max(1, Number(process.argv[3] ?? 1));
const dash = await startDashboard();
// Start-up is not the steady cost: let it settle first.
await new Promise((r) => setTimeout(r, 1500));
const windows: number[] = [];
for (let i = 0; i < count; i++) {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, (seconds * 1000) / count));
  const used = process.cpuUsage(start);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  windows.push(((used.user + used.system) / wallUs) * 100);
}
console.log(JSON.stringify({ windows }));
await dash.stop();
