import { RequestCounters } from '../src/requests/counters.js';
import { sampleRequests } from '../src/requests/sampler.js';
import { defineMetricWorker, metricContext } from '../src/worker-runtime/index.js';

const { data } = metricContext<{ counters: SharedArrayBuffer; baseline: SharedArrayBuffer }>();
const counters = new RequestCounters(data.counters);
defineMetricWorker(() => sampleRequests(counters, data.baseline));
