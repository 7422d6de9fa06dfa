import { sampleCpu } from '../src/samplers/cpu.js';
import { defineMetricWorker, metricContext } from '../src/worker-runtime/index.js';

const { data } = metricContext<{ cpuBaseline: SharedArrayBuffer }>();
defineMetricWorker(() => sampleCpu(data.cpuBaseline));
