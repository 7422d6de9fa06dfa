/** What the CLI asks of the engine, from its parsed flags. */
import type { DashboardOptions } from '../../start.js';
import type { CliOptions } from './args.js';

/** The web token comes from the environment, never the command line (where `ps` would show it). */
export const WEB_TOKEN_ENV = 'THREADBOARD_WEB_TOKEN';

export function dashboardOptionsFor(cli: CliOptions, env: NodeJS.ProcessEnv = process.env): DashboardOptions {
  const options: DashboardOptions = {
    intervalMs: cli.intervalMs,
    hangTimeoutMs: cli.hangTimeoutMs,
    // The probe measures every node:http server in this process: the demo app when it runs.
    httpProbe: true,
  };
  if (cli.accessLog) options.accessLog = { path: cli.accessLog.path, from: cli.accessLog.from };
  if (cli.cluster) {
    const c = cli.cluster;
    options.cluster = { redis: c.redis, name: c.name, ...(c.node ? { node: c.node } : {}), publish: !c.viewer };
  }
  if (cli.web) {
    const token = env[WEB_TOKEN_ENV];
    options.web = { ...cli.web, control: cli.webControl, ...(token ? { token } : {}) };
  }
  return options;
}
