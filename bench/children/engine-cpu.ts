/** CPU used by this process (all its threads) over a window with an idle dashboard running. */
import { startDashboard } from '../../src/index.js';

const seconds = Number(process.argv[2] ?? 30);
const dash = await startDashboard();
// Start-up is not the steady cost: let it settle first.
await new Promise((r) => setTimeout(r, 1500));
const start = process.cpuUsage();
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, seconds * 1000));
const used = process.cpuUsage(start);
const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
console.log(JSON.stringify({ percentOfCore: ((used.user + used.system) / wallUs) * 100 }));
await dash.stop();
