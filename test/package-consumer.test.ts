// Issue 12: the package as a user gets it. The tarball is packed the way `npm publish` packs it
// (prepack builds it, in a copy of the sources, so the suite's own dist/ is never rebuilt under
// the other test files), installed into an empty project, and used from strict TypeScript, ESM
// and CommonJS, with the repository's own compiler.
import { spawn, execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const exec = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '..');
const tsc = path.join(repo, 'node_modules', '.bin', 'tsc');
/** npm under `npm test` passes its own settings down as npm_* variables; the npm we run starts clean. */
const npmEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('npm_')));

/** What `npm pack` needs to build the package: the sources, not dist/ (prepack makes it). */
const PACK_INPUTS = [
  'package.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'README.md',
  'LICENSE',
  'run.ts',
  'src',
  'workers',
  'scripts/bundle-workers.mjs',
];

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Milliseconds since the epoch when the process had exited. */
  exitedAt: number;
}

/** Runs a Node program and waits for it to exit by itself; SIGKILL past `timeoutMs` (then signal is set). */
function runNode(args: string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, exitedAt: Date.now() });
    });
  });
}

/** The last line a consumer printed, as JSON. */
function lastJson<T>(ran: Ran): T {
  const line = ran.stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(line) as T;
  } catch {
    throw new Error(`no JSON result (code ${ran.code}, signal ${ran.signal})\nstdout: ${ran.stdout}\nstderr: ${ran.stderr}`);
  }
}

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    strict: true,
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    target: 'ES2022',
    types: ['node'],
    // Said out loud: the published .d.ts are checked like the consumer's own code.
    skipLibCheck: false,
    outDir: 'out',
  },
  files: ['main.ts', 'main.cts'],
};

// What both consumers do: start, read, crash a worker and see it come back, stop. No
// process.exit anywhere: the process ending by itself is the proof that stop() released
// every thread, timer and port.
const SCENARIO = `
  const dash = await startDashboard();
  const before: DashboardSnapshot = await dash.getDashboard();
  const restarted = new Promise<RestartEvent>((resolve) => {
    dash.on('restart', (e) => {
      if (e.target === 'cpu') resolve(e);
    });
  });
  await dash.crash('cpu', 'kill');
  const e = await restarted;
  const after = await dash.getDashboard();
  await dash.stop();
  console.log(JSON.stringify({
    workers: before.workers.map((w) => w.name),
    restarted: e.newThreadId !== e.oldThreadId,
    cpuRestarts: after.workers.find((w) => w.name === 'cpu')?.restarts,
    stoppedAt: Date.now(),
  }));
`;

const ESM_CONSUMER = `
import { startDashboard, ThreadboardError, type DashboardSnapshot, type RestartEvent, type WebServer } from 'threadboard';
import type { MetricContext, Sampler } from 'threadboard/worker';

// The worker entry's types, as a custom worker's author would use them.
const sampler: Sampler = () => ({ depth: 1 });
const context: MetricContext<{ queue: string }> = { name: 'queue', intervalMs: 1000, data: { queue: 'jobs' } };
const url: WebServer['url'] | null = null;
void [sampler, context, url, ThreadboardError];
${SCENARIO}
`;

// CommonJS: TypeScript (5.8+, module NodeNext) compiles this import to require(), and Node
// >= 20.19 can require() an ES module without top-level await, which this package is.
const CJS_CONSUMER = `
import { startDashboard, type DashboardSnapshot, type RestartEvent } from 'threadboard';

async function main(): Promise<void> {
  ${SCENARIO}
}
main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
`;

// Which npm packages a program loaded: CommonJS ones (blessed, ws, prom-client are) sit in
// require.cache even when an ES module imported them.
const LOADED = `
import { createRequire } from 'node:module';
const { startDashboard } = await import('threadboard');
const dash = await startDashboard(process.argv[2] === 'web' ? { web: { port: 0 } } : {});
await dash.getDashboard();
await dash.stop();
const names = Object.keys(createRequire(import.meta.url).cache).map((p) => /node_modules\\/((@[^/]+\\/)?[^/]+)\\//.exec(p)?.[1]);
console.log(JSON.stringify([...new Set(names.filter(Boolean))].sort()));
`;

describe('the packed tarball, installed into an empty project', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'threadboard-package-'));
  const consumer = path.join(tmp, 'consumer');
  let packed: string[] = [];

  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  beforeAll(async () => {
    const source = path.join(tmp, 'source');
    mkdirSync(source);
    for (const entry of PACK_INPUTS) cpSync(path.join(repo, entry), path.join(source, entry), { recursive: true });
    symlinkSync(path.join(repo, 'node_modules'), path.join(source, 'node_modules'), 'dir');
    const { stdout } = await exec('npm', ['pack', '--json', '--pack-destination', tmp], { cwd: source, env: npmEnv, timeout: 90_000 });
    const [info] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string; files: Array<{ path: string }> }>;
    packed = info!.files.map((f) => f.path).sort();

    mkdirSync(consumer);
    const typesNode = JSON.parse(readFileSync(path.join(repo, 'node_modules/@types/node/package.json'), 'utf8')) as { version: string };
    writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    // --prefer-offline: the packages `npm ci` left in npm's cache are used without asking the registry
    // again; @types/node as installed here, because the public declarations use Node's types.
    await exec(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', path.join(tmp, info!.filename), `@types/node@${typesNode.version}`],
      { cwd: consumer, env: npmEnv, timeout: 120_000 },
    );
    writeFileSync(path.join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    writeFileSync(path.join(consumer, 'main.ts'), ESM_CONSUMER);
    writeFileSync(path.join(consumer, 'main.cts'), CJS_CONSUMER);
    writeFileSync(path.join(consumer, 'loaded.mjs'), LOADED);
  }, 240_000);

  it('holds only what a user runs: the library, the workers, the bin and their types, README and LICENSE', () => {
    const outside = packed.filter(
      (p) =>
        !/^dist\/(src|workers)\/.+\.(js|d\.ts)$/.test(p) &&
        !['dist/run.js', 'dist/run.d.ts', 'README.md', 'LICENSE', 'package.json'].includes(p),
    );
    expect(outside).toEqual([]);
    expect(packed).toEqual(
      expect.arrayContaining(['dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/metrics/worker.js', 'dist/run.js', 'LICENSE']),
    );
    expect(packed).toEqual(
      expect.arrayContaining(['dist/workers/coordinator.js', 'dist/workers/cpu.js', 'dist/workers/memory.js', 'dist/workers/requests.js']),
    );
    // Every module has its declarations.
    const js = packed.filter((p) => p.startsWith('dist/src/') && p.endsWith('.js'));
    expect(js.filter((p) => !packed.includes(p.replace(/\.js$/, '.d.ts')))).toEqual([]);
  });

  it('installs a working bin', async () => {
    const { stdout } = await exec(path.join(consumer, 'node_modules', '.bin', 'threadboard'), ['--version'], {
      cwd: consumer,
      timeout: 15_000,
    });
    expect(stdout.trim()).toBe('threadboard 0.1.0');
  });

  it('ships no source map, and no script points at one', () => {
    const installed = path.join(consumer, 'node_modules', 'threadboard', 'dist');
    const files = readdirSync(installed, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    expect(files.length).toBeGreaterThan(100);
    expect(files.filter((f) => readFileSync(path.join(installed, f), 'utf8').includes('sourceMappingURL'))).toEqual([]);
  });

  it('has public declarations without internals, and a strict TypeScript consumer (ESM and CommonJS) compiles against them', async () => {
    const dts = readFileSync(path.join(consumer, 'node_modules/threadboard/dist/src/main/dashboard.d.ts'), 'utf8');
    for (const internal of ['constructor', 'attachFrontEnd', 'excludeFromProbe', 'requestCounters']) expect(dts).not.toContain(internal);
    const compiled = await exec(tsc, ['-p', 'tsconfig.json'], { cwd: consumer, timeout: 60_000 }).catch(
      (err: { stdout: string; stderr: string }) => err,
    );
    expect(compiled.stdout + compiled.stderr).toBe('');
    expect(readdirSync(path.join(consumer, 'out')).sort()).toEqual(['main.cjs', 'main.js']);
  }, 60_000);

  it.each([
    ['ESM', 'out/main.js'],
    ['CommonJS', 'out/main.cjs'],
  ])(
    'the %s consumer starts a dashboard, sees a crashed worker restart, stops, and its process exits by itself',
    async (_kind, file) => {
      const ran = await runNode([file], consumer, 30_000);
      const result = lastJson<{ stoppedAt: number }>(ran);
      expect({ code: ran.code, signal: ran.signal }).toEqual({ code: 0, signal: null });
      expect(result).toMatchObject({ workers: ['cpu', 'memory', 'requests'], restarted: true, cpuRestarts: 1 });
      // Exit follows stop() closely: nothing (a thread, a timer, a socket) held the event loop open.
      expect(ran.exitedAt - result.stoppedAt).toBeLessThan(5_000);
    },
    40_000,
  );

  it('the library loads no terminal UI, WebSocket, Prometheus, log-pool or Redis package unless an option asks for one', async () => {
    const plain = await runNode(['loaded.mjs'], consumer, 30_000);
    const loaded = lastJson<string[]>(plain);
    expect(loaded.filter((name) => ['blessed', 'blessed-contrib', 'ws', 'prom-client', 'piscina', 'ioredis'].includes(name))).toEqual([]);
    // The control: the same check does see ws and prom-client once the feature that needs them is used.
    const web = await runNode(['loaded.mjs', 'web'], consumer, 30_000);
    const withWeb = lastJson<string[]>(web);
    expect(withWeb).toEqual(expect.arrayContaining(['prom-client', 'ws']));
    expect(withWeb).not.toContain('blessed');
  }, 60_000);
});
