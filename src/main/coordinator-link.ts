/**
 * Main's connection to one coordinator incarnation: a private MessageChannel wrapped by
 * comlink. comlink leaves calls pending forever when the other side dies, so every call is
 * raced against the link's death; the port is closed on death so the listeners of abandoned
 * calls go with it.
 *
 * Death is told to callbacks registered per call and removed when the call settles, never
 * through a long-lived promise: each `.then()` on a promise that stays pending for the life of
 * the coordinator would keep its call (and the call's value) alive until that coordinator died.
 */
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { CoordinatorApi } from '../protocol/coordinator.js';

export class CoordinatorLink {
  readonly api: Comlink.Remote<CoordinatorApi>;
  /** Transferred to the coordinator thread at spawn. */
  readonly remotePort: MessagePort;
  private readonly localPort: MessagePort;
  private readonly onDeath = new Set<() => void>();
  private closed = false;
  private dead = false;
  private graceTimer: NodeJS.Timeout | null = null;

  constructor() {
    const { port1, port2 } = new MessageChannel();
    this.localPort = port1;
    this.remotePort = port2;
    this.api = Comlink.wrap<CoordinatorApi>(nodeEndpoint(port1));
  }

  get isDead(): boolean {
    return this.dead;
  }

  /** Calls `fn` once when the link dies (at once if it already has); returns how to stop listening. */
  whenDead(fn: () => void): () => void {
    if (this.dead) {
      fn();
      return () => undefined;
    }
    this.onDeath.add(fn);
    return () => this.onDeath.delete(fn);
  }

  private die(): void {
    if (this.dead) return;
    this.dead = true;
    const listeners = [...this.onDeath];
    this.onDeath.clear();
    for (const fn of listeners) fn();
  }

  /**
   * The thread is gone: calls stop waiting now. A reply it posted just before dying can still
   * be queued on this port (the Worker's exit event travels on another channel and may come
   * first), so the port stays open for `graceMs` before it is closed.
   */
  markDead(graceMs: number): void {
    if (this.dead) return;
    this.die();
    this.graceTimer = setTimeout(() => this.close(), graceMs);
    this.graceTimer.unref();
  }

  close(): void {
    this.die();
    if (this.graceTimer) clearTimeout(this.graceTimer);
    this.graceTimer = null;
    if (this.closed) return;
    this.closed = true;
    this.api[Comlink.releaseProxy]();
    this.localPort.close();
    this.localPort.removeAllListeners();
  }
}

/** How long a dead coordinator's port stays open for a reply already on its way. */
export const REPLY_GRACE_MS = 100;

export type CallOutcome<T> = { kind: 'value'; value: T } | { kind: 'error'; error: unknown } | { kind: 'died' } | { kind: 'timeout' };

/**
 * Runs `op` against the link; settles with its value, the link's death, or the deadline. On
 * death it still takes a reply the thread posted just before dying (a crash that escalates
 * answers, then dies), rather than redoing or failing work that was done. Everything it
 * registers (timer, death callback) is released when it settles.
 */
export function raceCall<T>(link: CoordinatorLink, op: Promise<T>, deadline: number): Promise<CallOutcome<T>> {
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let stopListening: () => void = () => undefined;
    const settle = (outcome: CallOutcome<T>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      stopListening();
      resolve(outcome);
    };
    op.then(
      (value) => settle({ kind: 'value', value }),
      (error: unknown) => settle({ kind: 'error', error }),
    );
    timer = setTimeout(() => settle({ kind: 'timeout' }), Math.max(0, deadline - Date.now()));
    stopListening = link.whenDead(() => {
      // Dead: wait the grace period for a reply already on its way, then report the death.
      clearTimeout(timer);
      timer = setTimeout(() => settle({ kind: 'died' }), REPLY_GRACE_MS);
    });
  });
}
