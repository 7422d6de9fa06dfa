/**
 * One node's cost of publishing: an idle dashboard with its default workers at the 1 s interval,
 * in cluster mode (`cluster` argument) or not (`plain`), measured over the same window in two
 * processes side by side; the difference is what publishing costs.
 *   node dist/bench/children/fleet-publisher.js <cluster|plain> <redis-url> <seconds>
 */
import { startDashboard } from '../../src/index.js';

const [mode = 'plain', url = 'redis://127.0.0.1:6379', secondsArg = '20'] = process.argv.slice(2);
const seconds = Number(secondsArg);
const dash = await startDashboard(mode === 'cluster' ? { cluster: { redis: url, name: 'bench-pub', node: `pub-${process.pid}` } } : {});
// Start-up is not the steady cost: let it settle first.
await new Promise((r) => setTimeout(r, 2000));
const start = process.cpuUsage();
const t0 = process.hrtime.bigint();
await new Promise((r) => setTimeout(r, seconds * 1000));
const used = process.cpuUsage(start);
const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
const published = mode === 'cluster' ? (await dash.getFleet()).transport.published : 0;
console.log(JSON.stringify({ percentOfCore: ((used.user + used.system) / wallUs) * 100, published }));
await dash.stop();
