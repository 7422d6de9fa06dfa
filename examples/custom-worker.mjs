// Runs the queue-worker.mjs custom worker beside the built-ins: `npm run build && node examples/custom-worker.mjs`
import { startDashboard } from 'threadboard';

const depth = new Int32Array(new SharedArrayBuffer(4));
const dash = await startDashboard({
  // Resolved against this module, not the current directory.
  workers: [{ name: 'queue', file: new URL('./queue-worker.mjs', import.meta.url), data: { depth: depth.buffer } }],
});

// The application's side: jobs arrive and are worked off; the worker only reads the count.
for (let i = 0; i < 25; i++) Atomics.add(depth, 0, 1);
await dash.collect();
console.log('after 25 jobs arrived:', (await dash.getDashboard()).custom.queue);
Atomics.sub(depth, 0, 20);
await dash.collect();
console.log('after 20 were done:   ', (await dash.getDashboard()).custom.queue);
await dash.stop();
