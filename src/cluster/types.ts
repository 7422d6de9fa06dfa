/**
 * Cluster mode's public shapes: the `cluster` option and what dash.getFleet() resolves to.
 * Types only, importing nothing but Node's: the Redis client's types never reach the published
 * declarations, and a user without cluster mode loads none of it.
 *
 * For a front end rendering the fleet (the TUI's fleet view, the page's fleet section):
 * - `dash.hasCluster` says whether there is a fleet at all; `await dash.getFleet()` gives a
 *   FleetView now (the first call starts listening and reads every stored node, within ~2 s
 *   even with Redis away), and never rejects once cluster mode is on;
 * - after that first call, `dash.on('fleet', (view: FleetView) => …)` pushes a fresh view at most
 *   twice a second while anything changed (a report, a node going down), so a renderer needs no
 *   timer of its own; a node's `lastSeenAt` ages between pushes, so render "seen N s ago" from
 *   `view.at`;
 * - the CLI's `--json` puts the same object in a `fleet` field, and the plain lines come from
 *   src/frontends/cli/fleet-lines.ts (totals, the link when not connected, one line per node).
 * A FleetView is plain JSON data (strings, numbers, null, arrays, objects): it can go over the
 * page's WebSocket as it is.
 */

export interface ClusterTlsOptions {
  /** CA certificate(s) that signed the Redis server's certificate (PEM), for a private CA. */
  ca?: string | Buffer;
  /** Client certificate and key (PEM), when the server asks for one (`tls-auth-clients yes`). */
  cert?: string | Buffer;
  key?: string | Buffer;
  /** The name to check the server's certificate against, when it differs from the URL's host. */
  servername?: string;
}

export interface ClusterOptions {
  /** The fleet's name: every process that starts a dashboard with this name is one of its nodes. */
  name: string;
  /**
   * `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). Absent: the processes of one
   * `node:cluster` app report to their primary over the cluster's own IPC channel.
   */
  redis?: string;
  /** TLS settings for a `rediss://` URL (a private CA, a client certificate). */
  tls?: ClusterTlsOptions;
  /** This node's name in the fleet. Default `hostname:pid`. */
  node?: string;
  /** The host this node runs on (processes on one host report one host). Default os.hostname(). */
  host?: string;
  /**
   * false: a viewer only, which sees the fleet but is not a node of it (the CLI's
   * `--cluster-viewer`). Default true.
   */
  publish?: boolean;
  /**
   * A node:cluster worker in IPC mode only: run no metric threads, just the HTTP probe and the
   * request counters (CPU and memory are the host's, measured once, by the primary). Default
   * true in a node:cluster worker without `redis`; ignored elsewhere.
   */
  lean?: boolean;
  /** How often this node reports, in ms. Default: the dashboard's intervalMs (at least 250). */
  intervalMs?: number;
  /** The most nodes a viewer tracks; reports from more are counted and dropped. Default 1000. */
  maxNodes?: number;
}

export type FleetNodeStatus = 'up' | 'down';

export interface FleetNodeRequests {
  /** Every request this node reported since the viewer first saw it, restarts included. */
  total: number;
  /** Over its last report interval; null before the viewer has two reports of one incarnation. */
  rps: number | null;
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  /** Percent of its responses in the interval that were 5xx. */
  errorRate: number | null;
  activeConnections: number;
}

export interface FleetNodeProcess {
  cpuPercent: number;
  rssMiB: number;
  heapUsedMiB: number;
  eventLoopP99Ms: number;
  eventLoopUtilization: number;
}

export interface FleetNode {
  node: string;
  host: string;
  pid: number;
  status: FleetNodeStatus;
  /** When the viewer last heard from it (ISO 8601, the viewer's clock). */
  lastSeenAt: string;
  /**
   * When the node read the counters of its latest report (ISO 8601, its own clock): lastSeenAt
   * minus this is the report's delay on the way, plus the two clocks' difference.
   */
  reportedAt: string;
  /** When its current incarnation started (ISO 8601, its own clock). */
  startedAt: string;
  /** Counter resets seen (the node restarted under the same name). */
  resets: number;
  /** Whether it runs lean (no metric threads: no CPU or memory of its own). */
  lean: boolean;
  /** Its engine's coordinator status, as it reported it ('running', 'failed', … or 'lean'). */
  engine: string;
  requests: FleetNodeRequests;
  process: FleetNodeProcess | null;
  /** CPU use of its host, 0..100, from the freshest node on that host that measures it. */
  hostCpu: number | null;
}

export interface FleetHost {
  host: string;
  nodes: number;
  up: number;
  /** Host CPU and memory, measured once per host (the freshest up node there that samples them). */
  cpu: { usage: number; cores: number; loadAvg1: number } | null;
  memory: { totalMiB: number; usedMiB: number; usagePercent: number } | null;
}

export interface FleetRequests {
  /** Every request any node reported, nodes now down included; never decreases while the viewer runs. */
  total: number;
  /** Sum of the up nodes' rates over their last interval. */
  rps: number;
  /** From the up nodes' merged interval histograms (never averaged percentiles); null with no timed request. */
  p50LatencyMs: number | null;
  p99LatencyMs: number | null;
  avgLatencyMs: number | null;
  /** Percent of the interval's responses that were 5xx / 4xx, across the fleet. */
  errorRate: number;
  clientErrorRate: number;
  byStatus: Record<'1xx' | '2xx' | '3xx' | '4xx' | '5xx', number>;
  activeConnections: number;
}

export interface FleetTotals {
  nodes: number;
  up: number;
  down: number;
  hosts: number;
  requests: FleetRequests;
  /** Mean CPU use of the hosts that report it, and the busiest one. */
  cpu: { avgUsage: number; busiestHost: string; busiestUsage: number } | null;
  memory: { avgUsagePercent: number; busiestHost: string; busiestUsagePercent: number } | null;
}

export type FleetTransportStatus = 'connecting' | 'connected' | 'reconnecting' | 'closed';

export interface FleetTransport {
  kind: 'redis' | 'ipc';
  status: FleetTransportStatus;
  /** The Redis URL without its password, or 'node:cluster' for IPC. */
  endpoint: string;
  /** Since when the status holds (ISO 8601). */
  since: string;
  lastError: { message: string; at: string } | null;
  reconnects: number;
  /** Reports this node published, and those it skipped or that failed (Redis away, IPC busy). */
  published: number;
  publishFailures: number;
  /** Reports received, and those dropped by reason (oversized, not-json, schema, foreign, stale, too-many-nodes). */
  received: number;
  rejected: Record<string, number>;
}

/**
 * One app metric (dash.metrics) across the fleet: counters summed over every node ever seen
 * (restarts and nodes now down included; never decreasing), gauges summed over the up nodes,
 * histograms merged bucket by bucket since each node's instrument was created.
 */
export type FleetAppMetric =
  | {
      type: 'counter';
      value: number;
      /** Per second, summed over the up nodes' last intervals; null before two reports. */
      rate: number | null;
    }
  | { type: 'gauge'; value: number }
  | {
      type: 'histogram';
      unit: 'ms' | 'none';
      count: number;
      sum: number;
      /** From the merged histogram (never averaged percentiles); null when it counts nothing. */
      avg: number | null;
      p50: number | null;
      p99: number | null;
    };

export interface FleetView {
  name: string;
  /** When this view was computed (ISO 8601). */
  at: string;
  /** This process's node name; null for a viewer only. */
  self: string | null;
  /** A node that misses this many report intervals is down. */
  downAfterIntervals: number;
  nodes: FleetNode[];
  hosts: FleetHost[];
  totals: FleetTotals;
  /** The nodes' app metrics merged, by name (at most 256 names). */
  app: Record<string, FleetAppMetric>;
  transport: FleetTransport;
}
