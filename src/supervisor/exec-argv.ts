/**
 * The Node flags our threads start with. Threads inherit the host's execArgv by default, which
 * goes wrong two ways: a TypeScript loader (`--import tsx`) makes every thread start ~3x slower
 * on Node 20 and breaks .ts entry points, and once execArgv is passed explicitly, Node refuses
 * flags that are per-process or V8 options (`--max-old-space-size`, `--expose-gc`,
 * `--stack-size`, `--title`, `--abort-on-uncaught-exception`...) with ERR_WORKER_INVALID_EXEC_ARGV.
 * A thread's heap limits come from resourceLimits, never from these flags.
 *
 * So loaders are dropped, and the rest is checked by Node itself: constructing a Worker with a
 * flag that is always per-process added makes the constructor throw synchronously, before any
 * thread exists, listing every flag it refuses. Those are dropped too. The answer is computed
 * once per distinct execArgv.
 */
import { Worker } from 'node:worker_threads';

const LOADER_FLAGS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);
/**
 * Flags about how the host's own entry is read, which Node accepts in a Worker and then fails
 * on: `node --input-type=module -e '…'` would start every thread with "--input-type can only be
 * used with string input".
 */
const ENTRY_FLAGS = new Set(['--input-type', '--eval', '-e', '--print', '-p', '--entry-url', '--experimental-default-type']);
/** Per-process on every Node version, so a probe that carries it never starts a thread. */
const SENTINEL = '--title=threadboard-execargv-probe';
// (`--title` is also how Node lists it when the host passed its own --title.)
const REFUSED = /invalid execArgv flags: (.*)$/;

function flagName(arg: string): string {
  const eq = arg.indexOf('=');
  return eq === -1 ? arg : arg.slice(0, eq);
}

/** Removes `drop` flags; a flag written without `=` takes the next argument with it when that is its value. */
function without(args: readonly string[], drop: (arg: string) => boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!drop(arg)) {
      out.push(arg);
      continue;
    }
    const next = args[i + 1];
    if (!arg.includes('=') && next !== undefined && !next.startsWith('-')) i++;
  }
  return out;
}

/** The flags of `args` Node refuses in a Worker, as Node lists them; null if Node did not answer as expected. */
function refusedByNode(args: readonly string[]): Set<string> | null {
  let worker: Worker;
  try {
    worker = new Worker('', { eval: true, execArgv: [...args, SENTINEL] });
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    const listed = code === 'ERR_WORKER_INVALID_EXEC_ARGV' ? REFUSED.exec((err as Error).message) : null;
    return listed ? new Set(listed[1]!.split(', ')) : null;
  }
  // A future Node that accepts the sentinel started a thread: stop it and trust nothing.
  worker.terminate().catch(() => undefined);
  return null;
}

const cache = new Map<string, string[]>();

export function workerExecArgv(parent: readonly string[]): string[] {
  const key = parent.join('\0');
  const known = cache.get(key);
  if (known) return [...known];
  const candidates = without(parent, (arg) => LOADER_FLAGS.has(flagName(arg)) || ENTRY_FLAGS.has(flagName(arg)));
  let kept = candidates;
  // Node does not always list every refused flag at once (a flag's value can hide the next
  // one), so ask again until only the sentinel is refused. If Node's answer cannot be read,
  // threads start with no flags at all rather than fail to start.
  for (let round = 0; kept.length > 0; round++) {
    const refused = round < 8 ? refusedByNode(kept) : null;
    if (!refused) {
      kept = [];
      break;
    }
    const before = kept.length;
    kept = without(kept, (arg) => refused.has(arg) || refused.has(flagName(arg)));
    if (kept.length === before) {
      // Nothing left to remove: fine if Node refused only the sentinel, else unreadable.
      if ([...refused].some((f) => f !== SENTINEL && f !== flagName(SENTINEL))) kept = [];
      break;
    }
  }
  cache.set(key, kept);
  return [...kept];
}
