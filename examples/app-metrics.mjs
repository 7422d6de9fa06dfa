// App metrics: the host's own counters, gauges and histograms beside the machine's.
// `npm run build && node examples/app-metrics.mjs`
import { startDashboard, MAX_APP_METRICS, ArgumentError, MetricConflictError } from 'threadboard';

const dash = await startDashboard();

// Create once (or ask again anywhere: the same name gives the same instrument).
const jobs = dash.metrics.counter('jobs_done', { help: 'jobs finished' });
const depth = dash.metrics.gauge('queue_depth', { help: 'jobs waiting' });
const took = dash.metrics.histogram('job_duration_ms', { help: 'time per job' }); // unit 'ms' by default

// The hot path: each call is one or two atomic adds on a shared buffer, no message, no allocation.
for (let i = 1; i <= 200; i++) {
  depth.set(200 - i);
  took.observe(i % 20); // 0 to 19 ms
  jobs.inc();
}
jobs.inc(5);

await dash.collect(); // or wait for the next interval: rates and percentiles are measured by main
const { app } = await dash.getDashboard();
console.log('jobs_done:', app.jobs_done.value, 'queue_depth:', app.queue_depth.value);
console.log('job_duration_ms: count', app.job_duration_ms.count, 'sum', app.job_duration_ms.sum, 'ms');
console.log('same instrument:', dash.metrics.counter('jobs_done') === jobs, `(at most ${MAX_APP_METRICS} per dashboard)`);

// Mistakes are typed errors that say what to change; they are thrown where the mistake is made.
for (const mistake of [() => dash.metrics.gauge('jobs_done'), () => dash.metrics.counter('jobs-done'), () => jobs.inc(-1)]) {
  try {
    mistake();
  } catch (err) {
    const kind = err instanceof MetricConflictError ? 'MetricConflictError' : err instanceof ArgumentError ? 'ArgumentError' : 'other';
    console.log(`${kind} ${err.code}`);
  }
}
await dash.stop();
