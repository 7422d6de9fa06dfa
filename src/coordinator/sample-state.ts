/**
 * The coordinator's state: the fold of accepted samples (pure functions over a plain object),
 * and the snapshot built from it. The coordinator folds a few samples a second and copies only
 * when it publishes.
 */
import type { Sample } from '../protocol/samples.js';
import type {
  ChannelStats,
  CoordinatorSnapshot,
  CpuSection,
  ExitInfo,
  MemorySection,
  RequestsInterval,
  SampleError,
  SampleSeed,
  ThreadHealth,
  WorkerStatus,
} from '../snapshot.js';
import { NO_THREAD_HEALTH } from '../snapshot.js';

export interface SampleState {
  cpu: CpuSection | null;
  memory: MemorySection | null;
  requests: RequestsInterval | null;
  custom: Record<string, unknown>;
  /** Epoch ms of the newest sample folded in. */
  lastUpdatedMs: number | null;
  lastSampleMs: Record<string, number>;
  /** Sources whose value came with the seed and has not been sampled afresh since. */
  carriedOver: Set<string>;
  sampleErrors: Record<string, { count: number; last: SampleError }>;
}

export function emptySampleState(seed: SampleSeed | null = null): SampleState {
  const state: SampleState = {
    cpu: seed?.cpu ?? null,
    memory: seed?.memory ?? null,
    requests: seed?.requests ?? null,
    custom: { ...seed?.custom },
    lastUpdatedMs: null,
    lastSampleMs: { ...seed?.lastSampleMs },
    carriedOver: new Set(),
    sampleErrors: {},
  };
  for (const [source, ms] of Object.entries(state.lastSampleMs)) {
    state.carriedOver.add(source);
    if (state.lastUpdatedMs === null || ms > state.lastUpdatedMs) state.lastUpdatedMs = ms;
  }
  return state;
}

/**
 * Folds one already-validated sample into the state. Mutates and returns `state`: the
 * coordinator folds a few samples a second and copies only when it publishes.
 */
export function foldSample(state: SampleState, source: string, timeMs: number, sample: Exclude<Sample, { section: 'error' }>): SampleState {
  switch (sample.section) {
    case 'cpu':
      state.cpu = sample.payload;
      break;
    case 'memory':
      state.memory = sample.payload;
      break;
    case 'requests':
      state.requests = sample.payload;
      break;
    case 'custom':
      state.custom[source] = sample.payload;
  }
  state.lastSampleMs[source] = timeMs;
  state.carriedOver.delete(source);
  // Samples can arrive out of order across threads; lastUpdated never moves backwards.
  if (state.lastUpdatedMs === null || timeMs > state.lastUpdatedMs) state.lastUpdatedMs = timeMs;
  return state;
}

/** A sample the worker could not send: counted and shown as the worker's error; its last good value stays. */
export function foldSampleError(state: SampleState, source: string, timeMs: number, problem: string): SampleState {
  const prev = state.sampleErrors[source];
  state.sampleErrors[source] = { count: (prev?.count ?? 0) + 1, last: { message: problem, at: new Date(timeMs).toISOString() } };
  return state;
}

export interface WorkerRuntimeInfo {
  name: string;
  group: string;
  status: WorkerStatus;
  restarts: number;
  threadId: number | null;
  startedAt: string | null;
  lastExit: ExitInfo | null;
  health: ThreadHealth;
}

function hasSection(state: SampleState, source: string): boolean {
  switch (source) {
    case 'cpu':
      return state.cpu !== null;
    case 'memory':
      return state.memory !== null;
    case 'requests':
      return state.requests !== null;
    default:
      return source in state.custom;
  }
}

export function buildCoordinatorSnapshot(
  state: SampleState,
  workers: readonly WorkerRuntimeInfo[],
  channel: ChannelStats,
): CoordinatorSnapshot {
  // Stale: the value's thread is gone, either before this coordinator (carried over) or since.
  const stale = workers
    .filter((w) => hasSection(state, w.name) && (state.carriedOver.has(w.name) || w.status !== 'running'))
    .map((w) => w.name);
  return {
    cpu: state.cpu,
    memory: state.memory,
    requests: state.requests,
    custom: { ...state.custom },
    stale,
    lastUpdated: state.lastUpdatedMs === null ? null : new Date(state.lastUpdatedMs).toISOString(),
    channel: { ...channel },
    workers: workers.map((w) => {
      const sampleMs = state.lastSampleMs[w.name];
      const errors = state.sampleErrors[w.name];
      return {
        name: w.name,
        group: w.group,
        status: w.status,
        restarts: w.restarts,
        threadId: w.threadId,
        startedAt: w.threadId === null ? null : w.startedAt,
        lastSampleAt: sampleMs === undefined ? null : new Date(sampleMs).toISOString(),
        lastExit: w.lastExit,
        sampleErrors: errors?.count ?? 0,
        lastSampleError: errors?.last ?? null,
        ...(w.threadId === null ? NO_THREAD_HEALTH : w.health),
      };
    }),
  };
}
