/** Percent of one core this process (all its threads) used over the next `ms`. */
export async function cpuOver(ms: number): Promise<number> {
  const start = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, ms));
  const used = process.cpuUsage(start);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1000;
  return ((used.user + used.system) / wallUs) * 100;
}
