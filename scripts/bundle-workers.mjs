/**
 * Bundles each thread's entry point (dist/workers/*.js, as tsc wrote them) into one file, in
 * place. A thread that loads one file instead of ~30 starts sooner (recovery is thread starts
 * plus module loading), and a thread that dies while loading holds fewer files open (Node 20
 * can leak the descriptor of a module file being read when its thread is terminated:
 * scripts/node-bugs/module-fd-leak.mjs). The published `threadboard/worker` helper custom
 * workers import is not touched: it is a library, not an entry point.
 *   node scripts/bundle-workers.mjs [distDir]
 */
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(process.argv[2] ?? 'dist');
const dir = path.join(dist, 'workers');
const entries = readdirSync(dir)
  .filter((f) => f.endsWith('.js'))
  .map((f) => path.join(dir, f));
if (entries.length === 0) {
  console.error(`bundle-workers: no thread entry points in ${dir}; run tsc first`);
  process.exit(1);
}
// tsc writes maps for `npm run build`, not for the package (tsconfig.build.json): follow it.
const withMaps = entries.some((f) => existsSync(`${f}.map`));
await build({
  entryPoints: entries,
  outdir: dir,
  allowOverwrite: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // tsc's maps are read and chained, so a stack trace still names the TypeScript source.
  sourcemap: withMaps,
  logLevel: 'warning',
});
