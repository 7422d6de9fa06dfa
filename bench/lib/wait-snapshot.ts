/** Resolves at the moment a pushed snapshot satisfies `match` (the time the main thread sees it). */
import { performance } from 'node:perf_hooks';
import type { Dashboard, DashboardSnapshot } from '../../src/index.js';

export function whenSnapshot(dash: Dashboard, match: (s: DashboardSnapshot) => boolean, timeoutMs = 20_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      dash.off('snapshot', on);
      reject(new Error(`no matching snapshot within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (s: DashboardSnapshot): void => {
      if (!match(s)) return;
      clearTimeout(timer);
      dash.off('snapshot', on);
      resolve(performance.now());
    };
    dash.on('snapshot', on);
  });
}

/** A worker's replacement has published: new thread, sample taken after `sinceMs` (epoch). */
export function replaced(name: string, oldThreadId: number | null, sinceMs: number) {
  return (s: DashboardSnapshot): boolean => {
    const w = s.workers.find((x) => x.name === name);
    return !!w && w.status === 'running' && w.threadId !== oldThreadId && w.lastSampleAt !== null && Date.parse(w.lastSampleAt) >= sinceMs;
  };
}
