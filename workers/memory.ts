import { sampleMemory } from '../src/metrics/memory.js';
import { defineMetricWorker } from '../src/metrics/worker.js';

defineMetricWorker(sampleMemory);
