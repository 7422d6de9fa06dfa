/** What the coordinator tells the main thread, and the API main calls on it (through comlink). */
import type { MessagePort } from 'node:worker_threads';
import type { ResolvedOptions } from '../options.js';
import type { FaultKind } from './control.js';
import type { SharedBuffers } from '../main/shared-buffers.js';
import type { CoordinatorSnapshot, SampleSeed } from '../snapshot.js';
import type { ChildExitEvent, ChildRestartEvent } from '../supervisor/types.js';
import type { CollectReport } from '../coordinator/collect-round.js';

export type CoordinatorMessage =
  | { type: 'snapshot'; snapshot: CoordinatorSnapshot }
  | { type: 'worker-exit'; event: ChildExitEvent }
  | { type: 'worker-restart'; event: ChildRestartEvent }
  /** A custom group's supervisor gave up: its workers stay down, the rest carry on. */
  | { type: 'group-failed'; group: string; workers: string[]; message: string; at: string };

export function isCoordinatorMessage(v: unknown): v is CoordinatorMessage {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return t === 'snapshot' || t === 'worker-exit' || t === 'worker-restart' || t === 'group-failed';
}

export interface CoordinatorApi {
  /** Resolves with the report and the snapshot that holds the fresh samples (the push may come later). */
  collect(): Promise<{ report: CollectReport; snapshot: CoordinatorSnapshot }>;
  snapshot(): CoordinatorSnapshot;
  workerCount(): number;
  /** Injects a fault into a metric worker; resolves with the thread that will die. */
  crashWorker(name: string, how: FaultKind): { threadId: number } | null;
}

/** The coordinator's workerData (besides the supervision data). */
export interface CoordinatorData {
  channelName: string;
  options: ResolvedOptions;
  shared: SharedBuffers;
  /** The sections the previous coordinator last produced, kept until fresh samples replace them. */
  seed: SampleSeed | null;
  /** comlink endpoint for CoordinatorApi. */
  port: MessagePort;
}
