/** Waits for promises to settle, at most `ms` (Infinity: no bound); never rejects (a rejection counts as settled). */
export async function settleWithin(promises: ReadonlyArray<Promise<unknown>>, ms: number): Promise<void> {
  if (promises.length === 0) return;
  const all = Promise.allSettled(promises);
  // setTimeout would turn an infinite delay into 1 ms.
  if (!Number.isFinite(ms)) {
    await all;
    return;
  }
  let timer: NodeJS.Timeout | null = null;
  await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))))]);
  if (timer) clearTimeout(timer);
}
