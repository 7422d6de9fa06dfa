/**
 * The data each built-in worker receives. Apart from shared-buffers.ts (which allocates them),
 * so the coordinator thread does not load the samplers and counters just to hand buffers on:
 * its module graph is on the path of every coordinator recovery.
 */
import type { SharedBuffers } from '../main/shared-buffers.js';

export function builtinWorkerData(name: string, shared: SharedBuffers): unknown {
  switch (name) {
    case 'cpu':
      return { cpuBaseline: shared.cpuBaseline };
    case 'requests':
      return { counters: shared.requestCounters, baseline: shared.requestsBaseline };
    default:
      return null;
  }
}
