// Issue 9.4: the host's own Node flags never stop the dashboard from starting.
import { describe, expect, it } from 'vitest';
import { runScenario } from './scenario.js';

const SCENARIO = `
  const dash = await startDashboard();
  await dash.collect();
  const s = await dash.getDashboard();
  print({ workers: await dash.workerCount(), cpu: s.cpu !== null, execArgv: process.execArgv });
  await dash.stop();
`;

describe('a host started with Node flags that a Worker refuses', () => {
  it.each([
    ['--max-old-space-size=512'],
    ['--expose-gc'],
    ['--stack-size=900'],
    ['--title=my-app'],
    ['--abort-on-uncaught-exception'],
    ['--max-old-space-size=512', '--expose-gc', '--enable-source-maps', '--title', 'my app'],
  ])('%s: startDashboard() starts every thread', async (...flags) => {
    const r = await runScenario(SCENARIO, { nodeArgs: flags });
    expect(r.stderr).toBe('');
    expect(r.code, r.stderr).toBe(0);
    expect(r.printed[0]).toMatchObject({ workers: 3, cpu: true });
  });
});

describe('a host that is a script given on the command line', () => {
  it('node --input-type=module -e <script>: the threads do not inherit how the host was read', async () => {
    const flags = ['--input-type=module', '-e'];
    const { execFile } = await import('node:child_process');
    const { promisify } = await import('node:util');
    const { repo } = await import('./scenario.js');
    const script = `
        const { startDashboard } = await import(${JSON.stringify(`${repo}/dist/src/index.js`)});
        const dash = await startDashboard();
        await dash.collect();
        const n = await dash.workerCount();
        await dash.stop();
        console.log(JSON.stringify({ workers: n }));
        undefined`;
    const r = await promisify(execFile)(process.execPath, [...flags, script], { timeout: 30_000 });
    expect(r.stdout).toContain('{"workers":3}');
  });
});
