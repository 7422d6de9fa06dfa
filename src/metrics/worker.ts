/** `threadboard/worker`: what a metric worker file imports. */
export { defineMetricWorker, metricContext, type MetricContext, type Sampler } from './define-worker.js';
