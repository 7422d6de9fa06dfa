/**
 * The worker-side helper every metric worker uses, built-in or custom:
 *
 *   import { defineMetricWorker } from 'threadboard/worker';
 *   defineMetricWorker(() => ({ queueDepth: queue.length }));
 *
 * It samples once at start, then every intervalMs and on every collect, publishes each
 * sample on the dashboard's channel, and keeps the supervisor's heartbeat. A sampler that
 * throws crashes the worker on purpose: the supervisor restarts it (let it crash).
 */
import { NotAWorkerError } from '../errors.js';
import { threadId, workerData } from 'node:worker_threads';
import { jsonPayloadProblem } from '../protocol/json-payload.js';
import { openSamplePublisher } from '../protocol/sample-channel.js';
import { injectFault } from '../supervisor/faults.js';
import { connectToSupervisor, supervisedData } from '../supervisor/child-side.js';

/** What the coordinator puts in a metric worker's workerData, beside the supervision data. */
export interface MetricWorkerData<D = unknown> {
  channelName: string;
  intervalMs: number;
  /** Per-worker data from the worker's options (`data`), or shared buffers for built-ins. */
  data: D;
}

export interface MetricContext<D = unknown> {
  name: string;
  intervalMs: number;
  data: D;
}

export type Sampler = () => unknown;

function metricData<D>(): MetricWorkerData<D> {
  const metric = (workerData as { metric?: MetricWorkerData<D> } | null)?.metric;
  if (!metric) {
    throw new NotAWorkerError(
      'threadboard: this file is a metric worker entry point; start it through startDashboard({ workers: [{ name, file }] })',
    );
  }
  return metric;
}

/** The worker's name, interval and data, available at module top level before defineMetricWorker. */
export function metricContext<D = unknown>(): MetricContext<D> {
  const { name } = supervisedData();
  const { intervalMs, data } = metricData<D>();
  return { name, intervalMs, data };
}

export function defineMetricWorker(sample: Sampler): void {
  const link = connectToSupervisor();
  const { intervalMs, channelName } = metricData();
  const publisher = openSamplePublisher(channelName, link.name, threadId);
  let chain: Promise<void> = Promise.resolve();
  let intervalPending = false;

  const run = (collectId: number | null): Promise<void> => {
    chain = chain.then(async () => {
      const payload = await sample();
      // Refused here, where it is made, so no front end ever meets a value it cannot serialize;
      // the worker lives on and the dashboard shows the problem as this worker's sample error.
      const problem = jsonPayloadProblem(payload);
      if (problem === null) publisher.publish(payload, collectId);
      else publisher.publishError(`the sampler returned something that cannot be shown: ${problem}`, collectId);
    });
    // A rejected sample must crash the thread, not vanish into a promise.
    chain.catch((err: unknown) =>
      setImmediate(() => {
        throw err;
      }),
    );
    return chain;
  };

  const timer = setInterval(() => {
    // Interval ticks do not pile up behind a slow sampler; collects always run.
    if (intervalPending) return;
    intervalPending = true;
    void run(null).finally(() => {
      intervalPending = false;
    });
  }, intervalMs);

  link.onControl((msg) => {
    switch (msg.type) {
      case 'collect':
        void run(msg.id);
        break;
      case 'crash':
        injectFault(msg.how);
        break;
      case 'stop':
        clearInterval(timer);
        process.exit(0);
    }
  });
  link.ready();
  void run(null);
}
