/**
 * Reports over Redis (ioredis): appended to the fleet's stream, plus the latest report in a key
 * with a TTL and the node's name in an index, all in one pipelined round trip per interval
 * (redis-report.ts). A viewer reads the stream in batches, BATCH_MS apart.
 *
 * Redis may be down at start, killed or slow at any time, and none of that may reach the host:
 * - no offline queue (enableOfflineQueue: false): a command while disconnected fails at once
 *   instead of piling up in memory; and this module sends nothing unless the link is ready;
 * - at most one publish in flight, given up after PUBLISH_TIMEOUT_MS even if the socket is
 *   half-open (ioredis' commandTimeout, and our own timer in case that never fires);
 * - reconnects forever with capped, jittered backoff, so the fleet heals when Redis returns;
 * - every client error goes to a listener (ioredis prints unhandled 'error' events otherwise).
 * The reader is a second connection (a blocking read holds its connection); on every 'ready' it
 * notes where the stream ends, then re-reads the stored reports, then reads the stream from
 * there: a viewer catches up at once, and misses nothing published in between.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { fleetKeys, reportTtlMs, type FleetKeys } from './redis-keys.js';
import { fleetSizeIn, INDEX_TTL_MS, queueReport, reportsIn, type StreamReply } from './redis-report.js';
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
/**
 * A viewer's pause between stream reads: what it adds to publish-to-view latency (the bound is
 * 50 ms), against one wake-up per read instead of one per report.
 */
const BATCH_MS = 25;
/** Reports per read; a full read is followed by the next at once, so a backlog drains at parse speed. */
const READ_COUNT = 256;
/** How long a read waits for a report when none is there (under the client's command timeout). */
const BLOCK_MS = 1000;
/** The pause after a failed read (WRONGTYPE from a hostile key, a timeout) before the next. */
const READ_RETRY_MS = 1000;

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
    // Nothing to resubscribe (reports come from a stream); the catch-up runs on every 'ready'.
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

/** Resolves at the first of these events, and leaves no listener behind. */
function firstOf(c: Redis, events: string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const e of events) c.off(e, done);
      resolve();
    };
    for (const e of events) c.once(e, done);
  });
}

export class RedisTransport implements Transport {
  private readonly keys: FleetKeys;
  private readonly ttlMs: number;
  private readonly stats: TransportStats;
  private readonly pub: Redis;
  private sub: Redis | null = null;
  private inFlight = false;
  private publishes = 0;
  /** The fleet's size as the index said at the last publish: the stream's cap. */
  private fleetSize = 0;
  /** Where the viewer reads the stream from ('$': what comes next), and the catch-up that must finish before it does. */
  private lastId = '$';
  private catchingUp: Promise<void> | null = null;
  private pause: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
  private onReport: ((raw: string | Buffer, stored: boolean) => void) | null = null;
  private loading: Promise<void> | null = null;
  private closed = false;
  private viewedOnce = false;
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
        if (this.viewedOnce) void this.load();
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
    const p = queueReport(this.pub.pipeline(), this.keys, { node, encoded, nowMs: now, ttlMs: this.ttlMs, fleetSize: this.fleetSize });
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
        this.fleetSize = fleetSizeIn(results) ?? this.fleetSize;
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
      this.catchingUp = this.catchUp(sub).finally(firstRead);
    });
    // Redis unreachable: getFleet() answers now, with the transport's status and reason.
    sub.once('error', () => firstRead());
    this.sub = sub;
    void this.readLoop(sub);
    // A late viewer sees every node at once when Redis is there; when it is not, getFleet()
    // answers with the transport's status, and the read runs on 'ready'.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([caughtUp, new Promise<void>((resolve) => (timer = setTimeout(resolve, CATCH_UP_MS)))]);
    clearTimeout(timer);
  }

  /**
   * On every 'ready': where the stream ends now, then the stored reports; the stream is read
   * from that end, so a report published in between is read (again, at worst: a stale one is
   * rejected as such). After a reconnect the stream may be another server's: its end is read anew.
   */
  private async catchUp(sub: Redis): Promise<void> {
    this.viewedOnce = true;
    try {
      const last = (await sub.xrevrange(this.keys.stream, '+', '-', 'COUNT', 1))[0];
      this.lastId = last ? last[0] : '0-0';
    } catch (err) {
      // No stream to read (a key of another type, no permission): the stored reports still are.
      this.stats.error(err);
      this.lastId = '$';
    }
    // The stored reports are read on the other connection, which may still be connecting:
    // reading before it is ready would skip them and show a late viewer an empty fleet.
    await this.pubReady();
    await this.load();
  }

  /** Reads the stream while the transport is open: never throws, never overlaps itself. */
  private async readLoop(sub: Redis): Promise<void> {
    while (!this.closed) {
      if (sub.status !== 'ready') {
        await firstOf(sub, ['ready', 'end']);
        continue;
      }
      if (this.catchingUp) await this.catchingUp;
      if (this.closed || sub.status !== 'ready') continue;
      let full: boolean;
      try {
        const from = this.lastId;
        const reply: StreamReply = await sub.xreadBuffer('COUNT', READ_COUNT, 'BLOCK', BLOCK_MS, 'STREAMS', this.keys.stream, from);
        // A reconnect's catch-up moved the position meanwhile: its read comes next.
        if (this.lastId !== from) continue;
        const { reports, lastId } = reportsIn(reply, from);
        this.lastId = lastId;
        for (const r of reports) this.onReport?.(r, false);
        full = reports.length >= READ_COUNT;
      } catch (err) {
        // A dropped connection fails the read in flight: 'ready' is awaited above, quietly.
        if (sub.status === 'ready' && !this.closed) {
          this.stats.error(err);
          await this.wait(READ_RETRY_MS);
        }
        continue;
      }
      if (!full) await this.wait(BATCH_MS);
    }
  }

  /** A pause that close() cuts short. */
  private wait(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.pause = null;
        resolve();
      }, ms);
      this.pause = { timer, resolve };
    });
  }

  /** Resolves once the publishing connection is ready (or closed for good). */
  private pubReady(): Promise<void> {
    if (this.pub.status === 'ready' || this.closed) return Promise.resolve();
    return firstOf(this.pub, ['ready', 'end']);
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
    // A viewer whose reader is down hears nothing, whatever the publishing link says.
    if (this.sub && s.status === 'connected' && this.sub.status !== 'ready') s.status = this.viewedOnce ? 'reconnecting' : 'connecting';
    return s;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.onReport = null;
    if (this.pause) {
      clearTimeout(this.pause.timer);
      this.pause.resolve();
      this.pause = null;
    }
    // disconnect(), not quit(): quit() is a command, and would wait for a Redis that may be gone.
    for (const c of [this.pub, this.sub]) c?.disconnect();
    this.stats.set('closed');
  }
}
