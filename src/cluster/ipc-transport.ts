/**
 * Reports over node:cluster's own IPC channel, for a fleet on one host without Redis: workers
 * send their reports to the primary, whose dashboard is the fleet view. The channel is the
 * app's too, so our messages carry a tag and the fleet's name, and anything else is left alone.
 * A worker's view holds only its own reports (the primary is where the fleet is seen).
 */
import cluster, { type Worker } from 'node:cluster';
import type { ResolvedCluster } from './options.js';
import { TransportStats, type Transport, type TransportState } from './transport.js';

export const IPC_TAG = 'threadboard:fleet';

export interface IpcEnvelope {
  [IPC_TAG]: string;
  report: string;
}

export function isEnvelope(msg: unknown, name: string): msg is IpcEnvelope {
  return typeof msg === 'object' && msg !== null && (msg as Record<string, unknown>)[IPC_TAG] === name;
}

export class IpcTransport implements Transport {
  private readonly stats = new TransportStats('ipc', 'node:cluster');
  private onReport: ((raw: string | Buffer, stored: boolean) => void) | null = null;
  private inFlight = false;
  private readonly isWorker = cluster.isWorker;
  private readonly onMessage = (_worker: Worker, msg: unknown): void => {
    // The envelope's report is validated like any Redis message: a worker is the app's code.
    if (isEnvelope(msg, this.cluster.name)) this.onReport?.(typeof msg.report === 'string' ? msg.report : '', false);
  };

  constructor(private readonly cluster: ResolvedCluster) {
    this.stats.set(this.isWorker && !process.connected ? 'closed' : 'connected');
  }

  publish(_node: string, encoded: string): void {
    // The viewer in this process sees its own report directly.
    this.onReport?.(encoded, false);
    if (!this.isWorker) {
      this.stats.published += 1;
      return;
    }
    if (!process.send || !process.connected) {
      this.stats.set('closed');
      this.stats.publishFailures += 1;
      return;
    }
    // One send at a time: a primary that does not read its pipe never makes this worker buffer more.
    if (this.inFlight) {
      this.stats.publishFailures += 1;
      return;
    }
    this.inFlight = true;
    const envelope: IpcEnvelope = { [IPC_TAG]: this.cluster.name, report: encoded };
    try {
      process.send(envelope, undefined, undefined, (err: Error | null) => {
        this.inFlight = false;
        if (err) {
          this.stats.publishFailures += 1;
          this.stats.error(err);
        } else this.stats.published += 1;
      });
    } catch (err) {
      // The channel closed between the check and the send.
      this.inFlight = false;
      this.stats.publishFailures += 1;
      this.stats.error(err);
    }
  }

  async view(onReport: (raw: string | Buffer, stored: boolean) => void): Promise<void> {
    if (this.onReport) return;
    this.onReport = onReport;
    if (!this.isWorker) cluster.on('message', this.onMessage);
  }

  state(): TransportState {
    return this.stats.snapshot();
  }

  async close(): Promise<void> {
    this.onReport = null;
    if (!this.isWorker) cluster.off('message', this.onMessage);
    this.stats.set('closed');
  }
}
