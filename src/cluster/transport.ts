/** What carries reports between nodes and viewers: Redis pub/sub and keys, or node:cluster IPC. */
import type { FleetTransportStatus } from './types.js';

export interface TransportState {
  kind: 'redis' | 'ipc';
  status: FleetTransportStatus;
  endpoint: string;
  sinceMs: number;
  lastError: { message: string; atMs: number } | null;
  reconnects: number;
  published: number;
  publishFailures: number;
}

export interface Transport {
  /**
   * Sends one encoded report; never throws and never waits: while the previous one is still
   * in flight, or the link is down, the report is skipped and counted (the next one carries
   * the same cumulative counts, so nothing is lost).
   */
  publish(node: string, encoded: string): void;
  /**
   * Starts receiving reports (reading the reports already stored, so a late
   * viewer sees the fleet at once). Resolves when that first read is done or could not be,
   * within a bound; never rejects.
   */
  view(onReport: (raw: string | Buffer, stored: boolean) => void): Promise<void>;
  state(): TransportState;
  close(): Promise<void>;
}

/** Shared bookkeeping of a transport's status and counts. */
export class TransportStats {
  status: FleetTransportStatus = 'connecting';
  sinceMs = Date.now();
  lastError: { message: string; atMs: number } | null = null;
  reconnects = 0;
  published = 0;
  publishFailures = 0;

  constructor(
    readonly kind: 'redis' | 'ipc',
    readonly endpoint: string,
  ) {}

  set(status: FleetTransportStatus): void {
    if (status === this.status) return;
    if (status === 'connected' && this.status === 'reconnecting') this.reconnects += 1;
    this.status = status;
    this.sinceMs = Date.now();
  }

  error(err: unknown): void {
    const message = err instanceof Error ? err.message : String(err);
    this.lastError = { message: message.slice(0, 300), atMs: Date.now() };
  }

  snapshot(): TransportState {
    return {
      kind: this.kind,
      status: this.status,
      endpoint: this.endpoint,
      sinceMs: this.sinceMs,
      lastError: this.lastError,
      reconnects: this.reconnects,
      published: this.published,
      publishFailures: this.publishFailures,
    };
  }
}
