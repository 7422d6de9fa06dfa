/** The `cluster` option: defaults and validation (an OptionsError naming the option, before any thread starts). */
import os from 'node:os';
import { OptionsError } from '../errors.js';
import { describe, integer, isPlainObject, noUnknownKeys } from '../validate.js';
import type { ClusterOptions, ClusterTlsOptions } from './types.js';
import { NAME_PATTERN } from './wire.js';

export interface ResolvedCluster {
  name: string;
  /** null: node:cluster IPC. */
  redis: string | null;
  tls: ClusterTlsOptions | null;
  node: string;
  host: string;
  publish: boolean;
  lean: boolean;
  intervalMs: number;
  maxNodes: number;
}

export interface ClusterEnvironment {
  hostname: string;
  pid: number;
  /** Whether this process is a node:cluster worker. */
  isWorker: boolean;
}

const KEYS = ['name', 'redis', 'tls', 'node', 'host', 'publish', 'lean', 'intervalMs', 'maxNodes'];
const TLS_KEYS = ['ca', 'cert', 'key', 'servername'];
const CLUSTER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A hostname as a node or host name on the wire: anything else becomes '-', at most 128 characters. */
export function wireName(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._:@-]/g, '-').replace(/^[^A-Za-z0-9]+/, '');
  return (cleaned || 'node').slice(0, 128);
}

function nameOption(option: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !NAME_PATTERN.test(value)) {
    throw new OptionsError(
      option,
      `must start with a letter or digit and hold only letters, digits, '.', '_', ':', '@' or '-' (at most 128); got ${describe(value)}`,
    );
  }
  return value;
}

function redisUrl(value: unknown): string | null {
  if (value === undefined) return null;
  let url: URL | null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new OptionsError(
      'cluster.redis',
      `must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379 (a password or ACL user goes in it: redis://user:password@host:6379); got ${describe(typeof value === 'string' ? redactUrl(value) : value)}`,
    );
  }
  return url.href;
}

function tlsOption(value: unknown): ClusterTlsOptions | null {
  if (value === undefined) return null;
  if (!isPlainObject(value)) throw new OptionsError('cluster.tls', 'must be an object { ca?, cert?, key?, servername? }');
  noUnknownKeys('cluster.tls', value, TLS_KEYS);
  const out: ClusterTlsOptions = {};
  for (const k of ['ca', 'cert', 'key'] as const) {
    const v = value[k];
    if (v === undefined) continue;
    if (typeof v !== 'string' && !Buffer.isBuffer(v)) throw new OptionsError(`cluster.tls.${k}`, 'must be PEM text or a Buffer');
    out[k] = v;
  }
  if (value.servername !== undefined) {
    if (typeof value.servername !== 'string') throw new OptionsError('cluster.tls.servername', 'must be a host name');
    out.servername = value.servername;
  }
  return out;
}

function bool(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new OptionsError(option, `must be true or false; got ${describe(value)}`);
  return value;
}

/** A Redis URL with its password replaced by '***', for anything shown or logged. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password) url.password = '***';
    return url.href;
  } catch {
    return raw.replace(/\/\/[^@/]*@/, '//***@');
  }
}

export function resolveClusterOptions(input: unknown, dashboardIntervalMs: number, env: ClusterEnvironment): ResolvedCluster | null {
  if (input === undefined) return null;
  if (!isPlainObject(input))
    throw new OptionsError('cluster', 'must be an object { name, redis?, node?, host?, publish?, lean?, intervalMs?, maxNodes?, tls? }');
  const o = input as Record<string, unknown> & Partial<ClusterOptions>;
  noUnknownKeys('cluster', o, KEYS);
  if (typeof o.name !== 'string' || !CLUSTER_NAME.test(o.name)) {
    throw new OptionsError(
      'cluster.name',
      `must start with a letter or digit and hold only letters, digits, '.', '_' or '-' (at most 64); got ${describe(o.name)}`,
    );
  }
  const redis = redisUrl(o.redis);
  const tls = tlsOption(o.tls);
  if (tls && (!redis || !redis.startsWith('rediss:')))
    throw new OptionsError('cluster.tls', 'applies to a rediss:// URL only (cluster.redis)');
  const ipcWorker = redis === null && env.isWorker;
  return {
    name: o.name,
    redis,
    tls,
    node: nameOption('cluster.node', o.node, wireName(`${env.hostname}:${env.pid}`)),
    host: nameOption('cluster.host', o.host, wireName(env.hostname)),
    publish: bool('cluster.publish', o.publish, true),
    lean: bool('cluster.lean', o.lean, true) && ipcWorker,
    intervalMs: integer('cluster.intervalMs', o.intervalMs, Math.max(250, dashboardIntervalMs), 250, 3_600_000),
    maxNodes: integer('cluster.maxNodes', o.maxNodes, 1000, 1, 100_000),
  };
}

export function clusterEnvironment(isWorker: boolean): ClusterEnvironment {
  return { hostname: os.hostname(), pid: process.pid, isWorker };
}
