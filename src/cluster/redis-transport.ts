/**
 * Reports over Redis (ioredis): PUBLISH on the fleet's channel, plus the latest report in a key
 * with a TTL and the node's name in an index, all in one pipelined round trip per interval.
 *
 * Redis may be down at start, killed or slow at any time, and none of that may reach the host:
 * - no offline queue (enableOfflineQueue: false): a command while disconnected fails at once
 *   instead of piling up in memory; and this module sends nothing unless the link is ready;
 * - at most one publish in flight, given up after PUBLISH_TIMEOUT_MS even if the socket is
 *   half-open (ioredis' commandTimeout, and our own timer in case that never fires);
 * - reconnects forever with capped, jittered backoff, so the fleet heals when Redis returns;
 * - every client error goes to a listener (ioredis prints unhandled 'error' events otherwise).
 * The subscriber is a second connection (a subscribed connection can send nothing else); it
 * (re)subscribes and re-reads the stored reports on every 'ready', so a viewer catches up at once.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { fleetKeys, reportTtlMs, type FleetKeys } from './redis-keys.js';
import { redactUrl, type ResolvedCluster } from './options.js';
import { TransportStats, type Transport, type TransportState } from './transport.js';

const PUBLISH_TIMEOUT_MS = 2000;
/**
 * How long a first getFleet() waits for the stored reports while Redis answers, slowly (a loaded
 * machine, a far Redis). When Redis cannot be reached, it answers as soon as that is known.
 */
const CATCH_UP_MS = 8000;
/** Nodes read per MGET when loading the stored reports. */
const LOAD_CHUNK = 100;
/** The index is trimmed of long-gone nodes every this many publishes (not every time: it is O(log n)). */
const TRIM_EVERY = 10;
/** How long the index itself lives after the last report (the keys carry the real TTL). */
const INDEX_TTL_MS = 10 * 60_000;

/** Reconnect delay: doubling from 100 ms, capped at 5 s, with jitter so a fleet does not reconnect in step. */
export function reconnectDelayMs(attempt: number, random = Math.random): number {
  const base = Math.min(5000, 100 * 2 ** Math.min(attempt, 10));
  return Math.round(base * (0.5 + random() / 2));
}

function clientOptions(cluster: ResolvedCluster, role: string): RedisOptions {
  const options: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: PUBLISH_TIMEOUT_MS,
    connectTimeout: 5000,
    retryStrategy: (times) => reconnectDelayMs(times),
    // Resubscribing is done here, on every 'ready', together with the catch-up read.
    autoResubscribe: false,
    enableReadyCheck: true,
    connectionName: `threadboard:${cluster.name}:${role}`,
    // CLIENT SETINFO is refused by older servers and by ACL users without it: not worth an error.
    disableClientInfo: true,
    lazyConnect: true,
  };
  if (cluster.redis?.startsWith('rediss:')) options.tls = { ...cluster.tls };
  return options;
}

export class RedisTransport implements Transport {
  private readonly keys: FleetKeys;
  private readonly ttlMs: number;
  private readonly stats: TransportStats;
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private inFlight = false;
  private publishes = 0;
  private onReport: ((raw: string | Buffer, stored: boolean) => void) | null = null;
  private loading: Promise<void> | null = null;
  private closed = false;
  private subscribedOnce = false;
  /** A report made before the first connection: sent on 'ready' (one, the newest), so a node is in the fleet at once. */
  private beforeFirst: { node: string; encoded: string } | null = null;
  private readyAtMs = 0;

  constructor(
    private readonly cluster: ResolvedCluster,
    downAfterIntervals: number,
  ) {
    const url = cluster.redis!;
    this.keys = fleetKeys(cluster.name);
    this.ttlMs = reportTtlMs(cluster.intervalMs, downAfterIntervals);
    this.stats = new TransportStats('redis', redactUrl(url));
    this.pub = this.client('pub', (status) => {
      this.stats.set(status);
      if (status === 'connected') {
        this.readyAtMs = Date.now();
        const first = this.beforeFirst;
        this.beforeFirst = null;
        if (first) this.publish(first.node, first.encoded);
        if (this.subscribedOnce) void this.load();
      } else if (this.beforeFirst) {
        // The first attempt failed: the held report is skipped like any other while Redis is away.
        this.beforeFirst = null;
        this.stats.publishFailures += 1;
      }
    });
  }

  private client(role: string, onStatus: (s: 'connected' | 'reconnecting' | 'closed') => void): Redis {
    const c = new Redis(this.cluster.redis!, clientOptions(this.cluster, role));
    c.on('error', (err: unknown) => this.stats.error(err));
    c.on('ready', () => onStatus('connected'));
    c.on('reconnecting', () => {
      // Redis killed or restarted closes the socket without an 'error': say so, or the view
      // would show 'reconnecting' with no reason.
      const err = this.stats.lastError;
      if (this.readyAtMs > 0 && (!err || err.atMs < this.readyAtMs)) this.stats.error(new Error(`connection to Redis lost (${role})`));
      onStatus('reconnecting');
    });
    c.on('end', () => onStatus('closed'));
    // With lazyConnect the first attempt is ours; its failure is reported through 'error' and
    // retried by retryStrategy like any later one.
    c.connect().catch((err: unknown) => this.stats.error(err));
    return c;
  }

  publish(node: string, encoded: string): void {
    if (!this.closed && this.stats.status === 'connecting' && this.pub.status !== 'ready') {
      if (this.beforeFirst) this.stats.publishFailures += 1;
      this.beforeFirst = { node, encoded };
      return;
    }
    if (this.closed || this.pub.status !== 'ready' || this.inFlight) {
      this.stats.publishFailures += 1;
      return;
    }
    this.inFlight = true;
    this.publishes += 1;
    const now = Date.now();
    const p = this.pub
      .pipeline()
      .publish(this.keys.channel, encoded)
      .set(this.keys.node(node), encoded, 'PX', this.ttlMs)
      .zadd(this.keys.index, now, node)
      .pexpire(this.keys.index, INDEX_TTL_MS);
    if (this.publishes % TRIM_EVERY === 1) p.zremrangebyscore(this.keys.index, '-inf', now - INDEX_TTL_MS);
    let settled = false;
    const done = (ok: boolean, err?: unknown): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.inFlight = false;
      if (ok) this.stats.published += 1;
      else {
        this.stats.publishFailures += 1;
        if (err !== undefined) this.stats.error(err);
      }
    };
    // exec() resolves with per-command errors rather than rejecting on them.
    const timer = setTimeout(() => done(false, new Error(`publish took over ${PUBLISH_TIMEOUT_MS} ms`)), PUBLISH_TIMEOUT_MS);
    timer.unref();
    p.exec().then(
      (results) => {
        const failed = results?.find(([err]) => err !== null)?.[0];
        done(failed === undefined, failed ?? undefined);
      },
      (err: unknown) => done(false, err),
    );
  }

  async view(onReport: (raw: string | Buffer, stored: boolean) => void): Promise<void> {
    if (this.onReport || this.closed) return;
    this.onReport = onReport;
    let firstRead!: () => void;
    const caughtUp = new Promise<void>((resolve) => (firstRead = resolve));
    const sub = this.client('sub', (status) => {
      if (status !== 'connected') return;
      // Subscribed first, then the stored reports: nothing published in between is missed.
      sub
        .subscribe(this.keys.channel)
        .then(async () => {
          this.subscribedOnce = true;
          // The stored reports are read on the other connection (a subscribed one can send
          // nothing else), which may still be connecting: reading before it is ready would
          // skip them and show a late viewer an empty fleet.
          await this.pubReady();
          return this.load();
        })
        .catch((err: unknown) => this.stats.error(err))
        .finally(firstRead);
    });
    // Redis unreachable: getFleet() answers now, with the transport's status and reason.
    sub.once('error', () => firstRead());
    this.sub = sub;
    sub.on('messageBuffer', (channel: Buffer, message: Buffer) => {
      if (channel.toString() === this.keys.channel) this.onReport?.(message, false);
    });
    // A late viewer sees every node at once when Redis is there; when it is not, getFleet()
    // answers with the transport's status, and the read runs on 'ready'.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([caughtUp, new Promise<void>((resolve) => (timer = setTimeout(resolve, CATCH_UP_MS)))]);
    clearTimeout(timer);
  }

  /** Resolves once the publishing connection is ready (or closed for good). */
  private pubReady(): Promise<void> {
    if (this.pub.status === 'ready' || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        this.pub.off('ready', done);
        this.pub.off('end', done);
        resolve();
      };
      this.pub.once('ready', done);
      this.pub.once('end', done);
    });
  }

  /** Reads every stored report (bounded by maxNodes) and hands each to the viewer; one read at a time. */
  private load(): Promise<void> {
    if (this.loading) return this.loading;
    if (this.closed || this.pub.status !== 'ready') return Promise.resolve();
    this.loading = this.readStored()
      .catch((err: unknown) => this.stats.error(err))
      .finally(() => {
        this.loading = null;
      });
    return this.loading;
  }

  private async readStored(): Promise<void> {
    const since = Date.now() - INDEX_TTL_MS;
    const nodes = await this.pub.zrangebyscore(this.keys.index, since, '+inf', 'LIMIT', 0, this.cluster.maxNodes);
    for (let i = 0; i < nodes.length; i += LOAD_CHUNK) {
      const chunk = nodes.slice(i, i + LOAD_CHUNK);
      const values = await this.pub.mgetBuffer(...chunk.map((n) => this.keys.node(n)));
      for (const v of values) if (v) this.onReport?.(v, true);
    }
  }

  state(): TransportState {
    const s = this.stats.snapshot();
    // A viewer whose subscriber is down hears nothing, whatever the publishing link says.
    if (this.sub && s.status === 'connected' && this.sub.status !== 'ready') s.status = this.subscribedOnce ? 'reconnecting' : 'connecting';
    return s;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onReport = null;
    // disconnect(), not quit(): quit() is a command, and would wait for a Redis that may be gone.
    for (const c of [this.pub, this.sub]) c?.disconnect();
    this.stats.set('closed');
  }
}
