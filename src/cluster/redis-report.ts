/**
 * What one report costs a node in Redis, and how a viewer reads reports back: shared by the
 * transport and the benchmark's simulated nodes, so both publish exactly alike.
 *
 * Reports go to a stream rather than a pub/sub channel so that a viewer reads them in batches:
 * a subscriber wakes once per message (200 nodes at 1 Hz: 200 wake-ups a second, most of a
 * viewer's CPU), a stream reader once per read, however many reports it returns.
 */
import type { ChainableCommander } from 'ioredis';
import type { FleetKeys } from './redis-keys.js';

/** How long the index (and the stream) live after the last report; the node keys carry the real TTL. */
export const INDEX_TTL_MS = 10 * 60_000;
/**
 * The stream keeps about this many reports per node in the index (and at least STREAM_MIN_LEN):
 * a viewer reads every few tens of milliseconds, so it needs the last interval's reports at most;
 * one that falls further behind skips to the newest, and loses nothing (reports are cumulative).
 * Capped by count, not by age: a node's clock must not decide what others' viewers can read.
 */
const STREAM_PER_NODE = 2;
const STREAM_MIN_LEN = 128;
/**
 * And at most this many: the index's size is anyone's to forge (ZADD a million names), and must
 * not make every real node keep a stream of millions. Twice the 10,000 nodes one fleet is sized for.
 */
const STREAM_MAX_LEN = 20_000;
/** The field a report travels in; an entry without it is foreign, and counted as such. */
export const REPORT_FIELD = 'r';

/** The stream length a node trims to, from the fleet's size as the index last said. */
export function streamCap(fleetSize: number): number {
  return Math.min(STREAM_MAX_LEN, Math.max(STREAM_MIN_LEN, STREAM_PER_NODE * fleetSize));
}

/**
 * Queues one report on a pipeline: appended to the stream (trimmed), stored in the node's key
 * with a TTL for late viewers, the node indexed by time; the index's size comes back last, for
 * the next report's cap. `nowMs` is the node's clock: it only orders the index.
 */
export function queueReport(
  p: ChainableCommander,
  keys: FleetKeys,
  report: { node: string; encoded: string; nowMs: number; ttlMs: number; fleetSize: number },
): ChainableCommander {
  return p
    .xadd(keys.stream, 'MAXLEN', '~', streamCap(report.fleetSize), '*', REPORT_FIELD, report.encoded)
    .pexpire(keys.stream, INDEX_TTL_MS)
    .set(keys.node(report.node), report.encoded, 'PX', report.ttlMs)
    .zadd(keys.index, report.nowMs, report.node)
    .pexpire(keys.index, INDEX_TTL_MS)
    .zcard(keys.index);
}

/** The fleet's size from the replies of a pipeline queueReport() began: its ZCARD's, sixth. */
export function fleetSizeIn(results: Array<[Error | null, unknown]> | null): number | null {
  const size = results?.[5]?.[1];
  return typeof size === 'number' ? size : null;
}

/** One XREAD reply (Buffer form): [[stream, [[id, [field, value, …]], …]], …] or null. */
export type StreamReply = Array<[Buffer, Array<[Buffer, Buffer[]]>]> | null;

/**
 * The reports in an XREAD reply, and the id to read after. An entry that is not one report
 * field is handed on as an empty report, so the viewer counts it as malformed rather than
 * dropping it unseen.
 */
export function reportsIn(reply: StreamReply, lastId: string): { reports: Buffer[]; lastId: string } {
  const reports: Buffer[] = [];
  for (const [, entries] of reply ?? []) {
    for (const [id, fields] of entries) {
      lastId = id.toString();
      const ok = fields.length === 2 && fields[0]!.toString() === REPORT_FIELD;
      reports.push(ok ? fields[1]! : Buffer.alloc(0));
    }
  }
  return { reports, lastId };
}
