/**
 * The coordinator's logic: supervises the metric workers, listens on the sample channel,
 * folds samples into the snapshot, runs collect rounds, and pushes each new snapshot to main.
 * The thread entry (workers/coordinator.ts) only wires this to comlink and the supervisor link.
 */
import { threadId } from 'node:worker_threads';
import { openSampleListener } from '../channel/sample-channel.js';
import type { SampleEnvelope, FaultKind } from '../protocol.js';
import { builtinWorkerData } from './builtin-data.js';
import { buildCoordinatorSnapshot, emptySampleState, foldSample, type CoordinatorSnapshot } from '../snapshot.js';
import type { ChildSpec } from '../supervisor/child-thread.js';
import { Supervisor } from '../supervisor/supervisor.js';
import { injectFault } from '../worker-runtime/faults.js';
import { CollectRound, type CollectReport } from './collect-round.js';
import type { CoordinatorApi, CoordinatorData, CoordinatorMessage } from './messages.js';

const RECEIVED = 0;
const REJECTED = 1;

export class Coordinator implements CoordinatorApi {
  private readonly supervisor: Supervisor;
  private readonly state = emptySampleState();
  private readonly stats: Uint32Array;
  private readonly rounds = new Map<number, CollectRound>();
  private nextRound = 1;
  private pushScheduled = false;
  private listener: { close(): void } | null = null;

  constructor(
    private readonly config: CoordinatorData,
    private readonly notify: (msg: CoordinatorMessage) => void,
    private readonly escalate: (message: string) => void,
  ) {
    const { options, shared, channelName } = config;
    this.stats = new Uint32Array(shared.channelStats);
    const specs: ChildSpec[] = options.workers.map((w) => ({
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
    }));
    this.supervisor = new Supervisor(specs, {
      strategy: options.strategy,
      intensity: options.intensity,
      backoff: options.backoff,
    });
    this.supervisor.on('exit', (event) => {
      for (const round of this.rounds.values()) round.drop(event.id);
      this.notify({ type: 'worker-exit', event });
      this.schedulePush();
    });
    this.supervisor.on('restart', (event) => {
      this.notify({ type: 'worker-restart', event });
      this.schedulePush();
    });
    this.supervisor.on('started', () => this.schedulePush());
    this.supervisor.on('gave-up', (message) => this.escalate(`metric worker supervisor gave up: ${message}`));
  }

  /** Listens first so no worker's first sample is missed, then starts the workers. */
  async start(): Promise<void> {
    this.listener = openSampleListener(this.config.channelName, {
      onSample: (env) => this.onSample(env),
      onReject: () => {
        Atomics.add(this.stats, REJECTED, 1);
        this.schedulePush();
      },
    });
    await this.supervisor.start();
  }

  async stop(): Promise<void> {
    await this.supervisor.stop();
    this.listener?.close();
    this.listener = null;
  }

  private onSample(env: SampleEnvelope): void {
    if (!this.supervisor.has(env.source)) {
      // Well-formed but from no worker of this dashboard: someone else is talking on our channel.
      Atomics.add(this.stats, REJECTED, 1);
      this.schedulePush();
      return;
    }
    Atomics.add(this.stats, RECEIVED, 1);
    foldSample(this.state, env.source, env.time, env.payload);
    if (env.collectId !== null) this.rounds.get(env.collectId)?.answer(env.source);
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
    const workers = this.supervisor.children().map((c) => ({
      name: c.id,
      status: c.status,
      restarts: c.restarts,
      threadId: c.threadId,
      lastExit: c.lastExit,
    }));
    return buildCoordinatorSnapshot(this.state, workers, {
      received: Atomics.load(this.stats, RECEIVED),
      rejected: Atomics.load(this.stats, REJECTED),
    });
  }

  async collect(): Promise<{ report: CollectReport; snapshot: CoordinatorSnapshot }> {
    const id = this.nextRound++;
    const asked = this.supervisor
      .children()
      .filter((c) => c.status === 'running')
      .map((c) => c.id);
    const round = new CollectRound(id, asked, this.config.options.collectTimeoutMs);
    this.rounds.set(id, round);
    for (const name of asked) {
      if (!this.supervisor.send(name, { tb: 'collect', id })) round.drop(name);
    }
    try {
      const report = await round.done;
      return { report, snapshot: this.snapshot() };
    } finally {
      this.rounds.delete(id);
    }
  }

  workerCount(): number {
    return this.supervisor.runningCount();
  }

  crashWorker(name: string, how: FaultKind): { threadId: number } | null {
    const thread = this.supervisor.thread(name);
    if (!thread || !thread.isReady) return null;
    if (how === 'kill') this.supervisor.kill(name);
    else thread.send({ tb: 'crash', how });
    return { threadId: thread.threadId };
  }

  crashSelf(how: Exclude<FaultKind, 'kill'>): { threadId: number } {
    // After the comlink reply is posted, so the caller learns the fault was injected.
    setTimeout(() => injectFault(how), 1);
    return { threadId };
  }
}
