/**
 * The coordinator's logic: supervises the metric workers (in groups), listens on the sample
 * channel, folds samples into the snapshot, runs collect rounds, and pushes each new snapshot to
 * main. The thread entry (workers/coordinator.ts) only wires this to comlink and the supervisor link.
 */
import { randomInt } from 'node:crypto';
import type { FaultKind } from '../protocol/control.js';
import type { CoordinatorApi, CoordinatorData, CoordinatorMessage } from '../protocol/coordinator.js';
import { openSampleListener } from '../protocol/sample-channel.js';
import type { ValidSample } from '../protocol/samples.js';
import { threadHealth, type CoordinatorSnapshot } from '../snapshot.js';
import type { ChildSpec } from '../supervisor/types.js';
import { builtinWorkerData } from './builtin-data.js';
import { CollectRound, type CollectReport } from './collect-round.js';
import { buildCoordinatorSnapshot, emptySampleState, foldSample, foldSampleError, type SampleState } from './sample-state.js';
import { BUILTIN_GROUP, WorkerGroups, type GroupSpec } from './worker-groups.js';

const RECEIVED = 0;
const REJECTED = 1;
/** Collect-round ids are random, so nothing on the channel can guess one to answer a round it was not asked. */
const ROUND_ID_RANGE = 2 ** 48 - 1;

export class Coordinator implements CoordinatorApi {
  private readonly workers: WorkerGroups;
  private readonly state: SampleState;
  private readonly stats: Uint32Array;
  private readonly rounds = new Map<number, CollectRound>();
  private pushScheduled = false;
  private listener: { close(): void } | null = null;
  private vitalsTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: CoordinatorData,
    private readonly notify: (msg: CoordinatorMessage) => void,
    private readonly escalate: (message: string) => void,
  ) {
    const { options, shared, channelName } = config;
    this.state = emptySampleState(config.seed);
    this.stats = new Uint32Array(shared.channelStats);
    const groups: GroupSpec[] = [];
    for (const w of options.workers) {
      const spec: ChildSpec = {
        id: w.name,
        file: new URL(w.fileHref),
        restart: w.restart,
        shutdownMs: options.shutdownMs,
        hangTimeoutMs: w.hangTimeoutMs,
        startTimeoutMs: options.startTimeoutMs,
        resourceLimits: w.resourceLimits,
        prepare: () => ({
          workerData: {
            metric: {
              channelName,
              intervalMs: options.intervalMs,
              data: w.builtin ? builtinWorkerData(w.name, shared) : w.data,
            },
          },
        }),
      };
      const group = groups.find((g) => g.name === w.group);
      if (group) group.children.push(spec);
      else groups.push({ name: w.group, children: [spec] });
    }
    this.workers = new WorkerGroups(groups, { strategy: options.strategy, intensity: options.intensity, backoff: options.backoff });
    this.workers.on('exit', (event) => {
      for (const round of this.rounds.values()) round.drop(event.id);
      this.notify({ type: 'worker-exit', event });
      this.schedulePush();
    });
    this.workers.on('restart', (event) => {
      this.notify({ type: 'worker-restart', event });
      this.schedulePush();
    });
    this.workers.on('started', () => this.schedulePush());
    this.workers.on('gave-up', (group, workers, message) => {
      if (group === BUILTIN_GROUP) {
        this.escalate(`metric worker supervisor gave up: ${message}`);
        return;
      }
      // A custom group fails alone: the built-in workers, and the other groups, carry on.
      this.notify({ type: 'group-failed', group, workers, message, at: new Date().toISOString() });
      this.schedulePush();
    });
  }

  /** Listens first so no worker's first sample is missed, then starts the workers. */
  async start(): Promise<void> {
    this.listener = openSampleListener(this.config.channelName, {
      onSample: (env) => this.onSample(env),
      onReject: () => this.reject(),
    });
    await this.workers.start();
    // Each worker's event-loop use, heap and CPU, over the same interval as its samples.
    this.vitalsTimer = setInterval(() => this.workers.sampleVitals(), this.config.options.intervalMs);
    this.vitalsTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.vitalsTimer) clearInterval(this.vitalsTimer);
    this.vitalsTimer = null;
    await this.workers.stop();
    this.listener?.close();
    this.listener = null;
  }

  private reject(): void {
    Atomics.add(this.stats, REJECTED, 1);
    this.schedulePush();
  }

  private onSample(s: ValidSample): void {
    // Only the live thread that owns a name speaks for it: not another worker posting under
    // its name, not a dead predecessor whose last sample arrives after its replacement started.
    const owner = this.workers.thread(s.source);
    if (!owner || owner.threadId !== s.threadId) return this.reject();
    // The section must be the one the name fills: a custom worker cannot be 'cpu' and vice versa.
    const builtin = s.source === 'cpu' || s.source === 'memory' || s.source === 'requests';
    if (s.sample.section === 'custom' && builtin) return this.reject();
    Atomics.add(this.stats, RECEIVED, 1);
    // A clock ahead of ours must not pin lastUpdated in the future (and blind staleness checks).
    const time = Math.min(s.time, Date.now());
    if (s.sample.section === 'error') foldSampleError(this.state, s.source, time, s.sample.problem);
    else foldSample(this.state, s.source, time, s.sample);
    if (s.collectId !== null) this.rounds.get(s.collectId)?.answer(s.source);
    this.schedulePush();
  }

  /** Samples from three workers arrive together; one push per turn of the event loop is enough. */
  private schedulePush(): void {
    if (this.pushScheduled) return;
    this.pushScheduled = true;
    setImmediate(() => {
      this.pushScheduled = false;
      this.notify({ type: 'snapshot', snapshot: this.snapshot() });
    });
  }

  snapshot(): CoordinatorSnapshot {
    const workers = this.workers.children().map((c) => ({
      name: c.id,
      group: c.group,
      status: c.status,
      restarts: c.restarts,
      threadId: c.threadId,
      startedAt: c.startedAt,
      health: threadHealth(c.vitals),
      lastExit: c.lastExit,
    }));
    return buildCoordinatorSnapshot(this.state, workers, {
      received: Atomics.load(this.stats, RECEIVED),
      rejected: Atomics.load(this.stats, REJECTED),
    });
  }

  async collect(): Promise<{ report: CollectReport; snapshot: CoordinatorSnapshot }> {
    let id = randomInt(ROUND_ID_RANGE);
    while (this.rounds.has(id)) id = randomInt(ROUND_ID_RANGE);
    const asked = this.workers
      .children()
      .filter((c) => c.status === 'running')
      .map((c) => c.id);
    const round = new CollectRound(id, asked, this.config.options.collectTimeoutMs);
    this.rounds.set(id, round);
    for (const name of asked) {
      if (!this.workers.send(name, { type: 'collect', id })) round.drop(name);
    }
    try {
      const report = await round.done;
      return { report, snapshot: this.snapshot() };
    } finally {
      this.rounds.delete(id);
    }
  }

  workerCount(): number {
    return this.workers.runningCount();
  }

  crashWorker(name: string, how: FaultKind): { threadId: number } | null {
    const thread = this.workers.thread(name);
    if (!thread || !thread.isReady || thread.threadId === null) return null;
    if (how === 'kill') this.workers.kill(name);
    else thread.send({ type: 'crash', how });
    return { threadId: thread.threadId };
  }
}
