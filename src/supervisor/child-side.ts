/**
 * The child's half of supervision: keeps the heartbeat stamped, says 'ready', routes control
 * messages. Used by every supervised thread (metric workers and the coordinator alike).
 */
import { NotAWorkerError } from '../errors.js';
import { isMainThread, parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { heartbeater, SUPERVISED_KEY, type SupervisedData } from './heartbeat.js';
import { isControlToChild, type ControlToChild, type ControlToParent } from '../protocol/control.js';

export interface SupervisedLink {
  name: string;
  /** Tells the supervisor this thread is up; starts its hang watchdog. */
  ready(): void;
  /** Sends an app-level message to the supervisor's owner. */
  post(body: unknown, transferList?: readonly TransferListItem[]): void;
  onControl(handler: (msg: ControlToChild) => void): void;
}

export function supervisedData(): SupervisedData {
  const data = (workerData as Record<string, unknown> | null)?.[SUPERVISED_KEY] as SupervisedData | undefined;
  if (isMainThread || !parentPort || !data) {
    throw new NotAWorkerError(
      'threadboard: this file is a worker entry point; start it through startDashboard({ workers: [{ name, file }] })',
    );
  }
  return data;
}

export function connectToSupervisor(): SupervisedLink {
  const data = supervisedData();
  const port = parentPort!;
  const stamp = heartbeater(data.heartbeat);
  stamp();
  // unref: the heartbeat must not be what keeps a thread alive that wants to exit.
  setInterval(stamp, data.heartbeatMs).unref();
  const send = (msg: ControlToParent, transferList?: readonly TransferListItem[]): void => port.postMessage(msg, transferList);
  return {
    name: data.name,
    ready: () => send({ type: 'ready' }),
    post: (body, transferList) => send({ type: 'app', body }, transferList),
    onControl: (handler) => {
      port.on('message', (msg: unknown) => {
        if (isControlToChild(msg)) handler(msg);
      });
    },
  };
}
