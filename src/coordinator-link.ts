/**
 * Main's connection to one coordinator incarnation: a private MessageChannel wrapped by
 * comlink, plus a `died` promise. comlink leaves calls pending forever when the other side
 * dies, so every call is raced against `died`, and the port is closed on death so the
 * listeners of those abandoned calls go with it.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { CoordinatorApi } from './coordinator/messages.js';

export class CoordinatorLink {
  readonly api: Comlink.Remote<CoordinatorApi>;
  /** Transferred to the coordinator thread at spawn. */
  readonly remotePort: MessagePort;
  readonly died: Promise<void>;
  private readonly localPort: MessagePort;
  private markDied!: () => void;
  private closed = false;
  private dead = false;
  private graceTimer: NodeJS.Timeout | null = null;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.localPort = port1;
    this.remotePort = port2;
    this.api = Comlink.wrap<CoordinatorApi>(nodeEndpoint(port1));
    this.died = new Promise((resolve) => (this.markDied = resolve));
  }

  get isDead(): boolean {
    return this.dead;
  }

  /**
   * The thread is gone: calls stop waiting now. A reply it posted just before dying can still
   * be queued on this port (the Worker's exit event travels on another channel and may come
   * first), so the port stays open for `graceMs` before it is closed.
   */
  markDead(graceMs: number): void {
    if (this.dead) return;
    this.dead = true;
    this.markDied();
    this.graceTimer = setTimeout(() => this.close(), graceMs);
    this.graceTimer.unref();
  }

  close(): void {
    this.dead = true;
    this.markDied();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    if (this.closed) return;
    this.closed = true;
    this.localPort.close();
    this.localPort.removeAllListeners();
  }
}

/** How long a dead coordinator's port stays open for a reply already on its way. */
export const REPLY_GRACE_MS = 100;

/** A reply the dead thread posted before it died, if one arrives within the grace period. */
async function lateReply<T>(op: Promise<T>): Promise<{ value: T } | null> {
  let timer: NodeJS.Timeout | undefined;
  const none = new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), REPLY_GRACE_MS)));
  const got = op.then(
    (value) => ({ value }),
    () => null,
  );
  try {
    return await Promise.race([got, none]);
  } finally {
    clearTimeout(timer);
  }
}

export type CallOutcome<T> = { kind: 'value'; value: T } | { kind: 'died' } | { kind: 'timeout' };

/**
 * Runs `op` against the link; settles with its value, the link's death, or the deadline. On
 * death it still takes a reply the thread posted just before dying (a crash that escalates
 * answers, then dies), rather than redoing or failing work that was done.
 */
export async function raceCall<T>(link: CoordinatorLink, op: Promise<T>, deadline: number): Promise<CallOutcome<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<CallOutcome<T>>((resolve) => {
    timer = setTimeout(() => resolve({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
  });
  const valued = op.then((value): CallOutcome<T> => ({ kind: 'value', value }));
  // If the op loses the race and fails later, that failure has no one left to tell.
  valued.catch(() => undefined);
  try {
    const outcome = await Promise.race([valued, link.died.then((): CallOutcome<T> => ({ kind: 'died' })), timeout]);
    if (outcome.kind !== 'died') return outcome;
    const late = await lateReply(op);
    return late ? { kind: 'value', value: late.value } : outcome;
  } finally {
    clearTimeout(timer);
  }
}
