/**
 * Worker threads inherit the parent's execArgv by default. A TypeScript loader inherited
 * that way makes every thread start ~3x slower on Node 20 and breaks .ts entry points, and
 * our workers are compiled JavaScript anyway, so loader flags are dropped; everything
 * else (--expose-gc, --max-old-space-size, ...) is kept.
 */
const LOADER_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);

export function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (LOADER_FLAGS.has(flag)) {
      if (eq === -1) i++; // the value is the next argument
      continue;
    }
    out.push(arg);
  }
  return out;
}
