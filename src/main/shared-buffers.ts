/**
 * State that must survive a crash does not live in the thread that crashes: the main thread
 * allocates these once per dashboard and hands them down to the coordinator and its workers.
 */
import { createCpuBaseline } from '../metrics/cpu.js';
import { createRequestsBaseline } from '../metrics/requests-baseline.js';
import { RequestCounters } from '../shared/request-counters.js';

export interface SharedBuffers {
  cpuBaseline: SharedArrayBuffer;
  requestCounters: SharedArrayBuffer;
  requestsBaseline: SharedArrayBuffer;
  /** [received, rejected] channel message counts, written by the coordinator. */
  channelStats: SharedArrayBuffer;
}

export function allocateSharedBuffers(): SharedBuffers {
  return {
    cpuBaseline: createCpuBaseline(),
    requestCounters: new RequestCounters().buffer,
    requestsBaseline: createRequestsBaseline(),
    channelStats: new SharedArrayBuffer(2 * Uint32Array.BYTES_PER_ELEMENT),
  };
}
