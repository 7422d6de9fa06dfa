import { sampleCpu } from '../src/metrics/cpu.js';
import { defineMetricWorker, metricContext } from '../src/metrics/worker.js';

const { data } = metricContext<{ cpuBaseline: SharedArrayBuffer }>();
defineMetricWorker(() => sampleCpu(data.cpuBaseline));
