/**
 * The engine's option errors, said in the CLI's words: a CLI user sets flags and the
 * THREADBOARD_WEB_TOKEN variable, not `web.token`. Which CLI input caused the error is decided
 * from the option it names and what the CLI passed, never from the error's text.
 */
import type { OptionsError } from '../../errors.js';
import type { CliOptions } from './args.js';
import { WEB_TOKEN_ENV } from './engine-options.js';

const FLAG_FOR: Readonly<Record<string, string>> = {
  intervalMs: '--interval',
  hangTimeoutMs: '--hang-timeout',
  'accessLog.path': '--access-log',
  'accessLog.from': '--access-log-from',
  'web.host': '--web',
  'web.port': '--web',
  'web.control': '--web-control',
  'cluster.redis': '--cluster',
  'cluster.name': '--cluster-name',
  'cluster.node': '--cluster-node',
};

const TOKEN_HOWTO = `set ${WEB_TOKEN_ENV} to 16-512 characters from A-Z a-z 0-9 . _ ~ + / = -, e.g. export ${WEB_TOKEN_ENV}=$(openssl rand -base64 24)`;

export function cliOptionMessage(err: OptionsError, cli: CliOptions, env: NodeJS.ProcessEnv): string {
  if (err.option === 'web.token') {
    if (env[WEB_TOKEN_ENV]) return `threadboard: ${WEB_TOKEN_ENV} is not a usable token: ${TOKEN_HOWTO}.`;
    if (cli.webControl) return `threadboard: --web-control needs a token, so only people who hold it can crash threads: ${TOKEN_HOWTO}.`;
    const host = cli.web?.host ?? '';
    return (
      `threadboard: --web ${host} is not a loopback address, so anyone who can reach it could read the dashboard: ` +
      `${TOKEN_HOWTO}, or serve on 127.0.0.1 (e.g. --web 7070).`
    );
  }
  const flag = FLAG_FOR[err.option];
  return flag ? err.message.replace(`option \`${err.option}\``, `flag ${flag}`) : err.message;
}
