import { readdirSync, readFileSync } from 'node:fs';
import type { EventEmitter } from 'node:events';

/** The name of every thread of this process right now (Linux: /proc/self/task/<tid>/comm). */
export function threadNames(): string[] {
  const names: string[] = [];
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      names.push(readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trimEnd());
    } catch {
      // The thread ended between the listing and the read: it is no longer a thread.
    }
  }
  return names;
}

/**
 * Threads of this process right now (Linux), leaving out libuv's threadpool: its threads are
 * Node's, never the dashboard's, and live as long as the process. Node 20 starts them at
 * startup; Node 22 and 24 on the first async fs, dns or crypto call, which may come after a
 * test's baseline, and name them `libuv-worker`, so they are left out by name. test/setup.ts
 * starts the pool before any test, which makes a baseline exact where threads have no names.
 */
export function threadCount(): number {
  return threadNames().filter((name) => name !== 'libuv-worker').length;
}

/** Polls a condition (no fixed sleeps): resolves with its first truthy value, or throws naming what never happened. */
export async function waitFor<T>(
  what: string | (() => string),
  fn: () => T | Promise<T>,
  timeoutMs = 15_000,
  everyMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${typeof what === 'string' ? what : what()}${last ? `: ${last instanceof Error ? last.message : JSON.stringify(last)}` : ''}`,
      );
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The next event `name` whose payload matches, within a bound. */
export function nextEvent<T>(emitter: EventEmitter, name: string, match: (v: T) => boolean = () => true, timeoutMs = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, on);
      reject(new Error(`no matching '${name}' event within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (v: T): void => {
      if (!match(v)) return;
      clearTimeout(timer);
      emitter.off(name, on);
      resolve(v);
    };
    emitter.on(name, on);
  });
}

export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
