/** The soak's custom worker: a little state and an async sampler, crashed like the built-ins. */
import { defineMetricWorker } from '../../src/metrics/worker.js';

let ticks = 0;
defineMetricWorker(async () => {
  await new Promise((r) => setImmediate(r));
  return { ticks: ++ticks, at: Date.now() };
});
