// A custom metric worker: reads the depth of a job queue that the main thread keeps in a
// SharedArrayBuffer it passed as `data` (no message per job, and the figure survives this
// thread's crashes), and reports it with the high-water mark since this thread started.
import { defineMetricWorker, metricContext } from 'threadboard/worker';

const { data } = metricContext();
const depth = new Int32Array(data.depth);
let highWater = 0;

defineMetricWorker(() => {
  const now = Atomics.load(depth, 0);
  highWater = Math.max(highWater, now);
  return { depth: now, highWater };
});
