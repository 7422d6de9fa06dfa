import { RequestCounters } from '../src/shared/request-counters.js';
import { sampleRequests } from '../src/metrics/requests.js';
import { defineMetricWorker, metricContext } from '../src/metrics/worker.js';

const { data } = metricContext<{ counters: SharedArrayBuffer; baseline: SharedArrayBuffer }>();
const counters = new RequestCounters(data.counters);
defineMetricWorker(() => sampleRequests(counters, data.baseline));
