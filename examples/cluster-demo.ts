/**
 * The fleet crash-recovery demo (issue 11): a private redis-server, three nodes as child
 * processes serving real HTTP under real load, and this process as a viewer only. It SIGKILLs
 * one node, shows it go down, restarts it under the same name, shows it back (its counters
 * restart from 0: a counter reset), and checks that the fleet's total equals what the load
 * generator got. Prints a result table; exits 0 when every check passed, 1 otherwise, 2 when
 * redis-server is missing (with how to install it).
 *
 * Run: npm run demo:cluster   (or: npm run build && node dist/examples/cluster-demo.js)
 */
import { startDashboard, type Dashboard, type FleetView } from '../src/index.js';
import { FleetLoad } from '../src/demo/fleet-load.js';
import { startFleetNode, type FleetNodeProcess } from '../src/demo/fleet-process.js';
import { findRedisServer, redisMissingMessage, startLocalRedis, type LocalRedis } from '../src/demo/redis-launch.js';
import { formatTable } from '../src/demo/text-table.js';
import { fleetLines } from '../src/frontends/cli/fleet-lines.js';

const NAME = 'demo';
const INTERVAL_MS = 500;
/** The bound for down detection: 3 missed intervals, plus 1 s. */
const DOWN_LIMIT_MS = 3 * INTERVAL_MS + 1000;
const STEP_TIMEOUT_MS = 15_000;

const bin = findRedisServer();
if (!bin) {
  process.stderr.write(`${redisMissingMessage()}\n`);
  process.exit(2);
}

const say = (line: string): boolean => process.stdout.write(`${line}\n`);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = STEP_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
}

function show(title: string, f: FleetView): void {
  say(`\n== ${title}`);
  for (const l of fleetLines(f)) say(l);
}

const node = (n: FleetView, name: string): FleetView['nodes'][number] | undefined => n.nodes.find((x) => x.node === name);

let redis: LocalRedis | null = null;
let viewer: Dashboard | null = null;
const nodes = new Map<string, FleetNodeProcess>();
const load = new FleetLoad({ clients: 2, rate: 40, path: (i) => `/?ms=${i % 20 === 0 ? 20 : 2}` });
const rows: string[][] = [];
let ok = true;
const check = (what: string, passed: boolean, figure: string): void => {
  rows.push([what, figure, passed ? 'ok' : 'FAILED']);
  if (!passed) ok = false;
};

try {
  redis = await startLocalRedis({ bin });
  say(`redis-server ${bin} on ${redis.url} (no persistence)`);
  const start = (name: string, host: string): Promise<FleetNodeProcess> =>
    startFleetNode({
      redis: redis!.url,
      name: NAME,
      node: name,
      host,
      intervalMs: INTERVAL_MS,
      ...(name === 'web-1' ? {} : { builtins: ['requests'] }),
    });
  for (const [name, host] of [
    ['web-1', 'alpha'],
    ['web-2', 'alpha'],
    ['web-3', 'beta'],
  ] as const) {
    const n = await start(name, host);
    nodes.set(name, n);
    load.start({ name, port: n.port });
    say(`node ${name} (host ${host}) pid ${n.pid} serving http://127.0.0.1:${n.port}/ under load`);
  }
  viewer = await startDashboard({ builtins: ['requests'], httpProbe: false, cluster: { redis: redis.url, name: NAME, publish: false } });
  const v = viewer;
  show(
    'the fleet under load',
    await until('three nodes serving', async () => {
      const f = await v.getFleet();
      return f.totals.up === 3 && f.nodes.every((n) => n.requests.rps) && f.totals.requests.p99LatencyMs !== null ? f : null;
    }),
  );

  // What a node served after its last report dies with it (as in Prometheus): drain web-2's
  // load and let one report carry its count, so the total can be checked exactly afterwards.
  await load.pause('web-2');
  await until('web-2 to report its last count', async () => node(await v.getFleet(), 'web-2')?.requests.total === load.counts()['web-2']);
  const killedAt = Date.now();
  await nodes.get('web-2')!.kill();
  say(`\nSIGKILL web-2 (pid ${nodes.get('web-2')!.pid})`);
  const down = await until('web-2 down', async () => {
    const f = await v.getFleet();
    return node(f, 'web-2')?.status === 'down' ? f : null;
  });
  const downMs = Date.now() - killedAt;
  show(`web-2 down after ${downMs} ms`, down);
  check(`web-2 down within 3 intervals + 1 s (${DOWN_LIMIT_MS} ms)`, downMs <= DOWN_LIMIT_MS, `${downMs} ms`);

  const restartedAt = Date.now();
  const again = await start('web-2', 'alpha');
  nodes.set('web-2', again);
  load.start({ name: 'web-2', port: again.port });
  const back = await until('web-2 back', async () => {
    const f = await v.getFleet();
    return node(f, 'web-2')?.status === 'up' && node(f, 'web-2')?.pid === again.pid ? f : null;
  });
  show(`web-2 back (pid ${again.pid}) after ${Date.now() - restartedAt} ms`, back);
  check('web-2 back up under its name', true, `${Date.now() - restartedAt} ms after restart`);

  await sleep(1500);
  await load.stop();
  const served = load.total();
  const final = await until(
    'the fleet total to settle',
    async () => {
      const f = await v.getFleet();
      return f.totals.requests.total === served ? f : null;
    },
    5000,
  ).catch(async () => v.getFleet());
  show('after the load stopped', final);
  check('web-2 restart counted as a counter reset', node(final, 'web-2')?.resets === 1, `${node(final, 'web-2')?.resets ?? 0} reset(s)`);
  check(
    'fleet total equals what the load generator got',
    final.totals.requests.total === served,
    `${final.totals.requests.total} / ${served}`,
  );
  check('every node up at the end', final.totals.up === 3 && final.totals.down === 0, `${final.totals.up} up, ${final.totals.down} down`);
} catch (err) {
  check('demo ran to the end', false, err instanceof Error ? err.message : String(err));
} finally {
  await load.stop();
  await viewer?.stop();
  await Promise.all([...nodes.values()].map((n) => n.stop()));
  await redis?.stop();
}

say('');
for (const line of formatTable(['check', 'measured', 'result'], rows)) say(line);
say(ok ? '\nRESULT: PASS (the fleet lost a node, saw it, got it back, and lost no count)' : '\nRESULT: FAIL');
process.exitCode = ok ? 0 : 1;
