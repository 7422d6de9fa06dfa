/** CPU of this process (all its threads) as shares of one core, for the bench children. */

export interface CpuShare {
  /** User + system, percent of one core. */
  percent: number;
  userPercent: number;
  systemPercent: number;
}

/** What this process used while `work` ran. */
export async function cpuDuring(work: () => Promise<unknown>): Promise<CpuShare> {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await work();
  const used = process.cpuUsage(start);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  return {
    percent: ((used.user + used.system) / wallUs) * 100,
    userPercent: (used.user / wallUs) * 100,
    systemPercent: (used.system / wallUs) * 100,
  };
}

/** Percent of one core this process used over the next `ms`. */
export async function cpuOver(ms: number): Promise<number> {
  return (await cpuDuring(() => new Promise((r) => setTimeout(r, ms)))).percent;
}

/**
 * A warm-up, then `count` consecutive windows over `seconds`: one window can catch a
 * neighbour's burst or a GC, their median cannot.
 */
export async function cpuWindows(seconds: number, count: number, warmUpSeconds: number): Promise<{ windows: number[]; warmUp: number }> {
  const warmUp = await cpuOver(warmUpSeconds * 1000);
  const windows: number[] = [];
  for (let i = 0; i < count; i++) windows.push(await cpuOver((seconds * 1000) / count));
  return { windows, warmUp };
}
