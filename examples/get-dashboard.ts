/**
 * The programmatic API in a dozen lines: start, record a few requests, collect, print the
 * snapshot as JSON, stop. Run: npm run build && node dist/examples/get-dashboard.js
 */
import { startDashboard } from '../src/index.js';

const dash = await startDashboard({ intervalMs: 1000 });
dash.recordRequest({ durationMs: 12.5, status: 200 });
dash.recordRequest({ durationMs: 48, status: 503 });
await dash.collect();
const snapshot = await dash.getDashboard();
console.log(JSON.stringify(snapshot, null, 2));
await dash.stop();
