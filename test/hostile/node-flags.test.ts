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
