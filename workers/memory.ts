import { sampleMemory } from '../src/samplers/memory.js';
import { defineMetricWorker } from '../src/worker-runtime/index.js';

defineMetricWorker(sampleMemory);
