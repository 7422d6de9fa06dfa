/**
 * The child's half of supervision: keeps the heartbeat stamped, says 'ready', routes control
 * messages. Used by every supervised thread (metric workers and the coordinator alike).
 */
import { isMainThread, parentPort, workerData, type TransferListItem } from 'node:worker_threads';
import { heartbeater, SUPERVISED_KEY, type SupervisedData } from '../supervisor/heartbeat.js';
import { isControlToChild, type ControlToChild, type ControlToParent } from '../protocol.js';

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
    throw new Error('threadboard: this file is a worker entry point; start it through startDashboard({ workers: [{ name, file }] })');
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
    ready: () => send({ tb: 'ready' }),
    post: (body, transferList) => send({ tb: 'app', body }, transferList),
    onControl: (handler) => {
      port.on('message', (msg: unknown) => {
        if (isControlToChild(msg)) handler(msg);
      });
    },
  };
}
