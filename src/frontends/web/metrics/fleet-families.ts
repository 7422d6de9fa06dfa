/**
 * /metrics of a dashboard in cluster mode: per-node series with a `node` label, per-host CPU and
 * memory with a `host` label, fleet totals, and the fleet's cumulative latency histogram (merged
 * bucket by bucket, so histogram_quantile() over it is the fleet's real percentile). Pure, like
 * families.ts: a FleetView and a histogram in, metric families out.
 *
 * Totals are counters that never decrease while the viewer runs (a restarted node is a counter
 * reset the viewer already absorbed), so rate() over them is right across node restarts.
 */
import type { FleetView } from '../../../cluster/types.js';
import type { Family, HistogramFamily, Sample } from './families.js';
import { latencyBuckets, latencyEdges } from './latency-buckets.js';

function family(name: string, type: 'counter' | 'gauge', help: string, labelNames: readonly string[], samples: Sample[]): Family {
  return { name, type, help, labelNames, samples };
}

/** Samples for the values that are known; a null (no request timed yet) is no sample rather than a false 0. */
function known<T>(items: readonly T[], labels: (x: T) => Record<string, string>, value: (x: T) => number | null | undefined): Sample[] {
  const out: Sample[] = [];
  for (const x of items) {
    const v = value(x);
    if (v !== null && v !== undefined && Number.isFinite(v)) out.push({ labels: labels(x), value: v });
  }
  return out;
}

const seconds = (ms: number | null): number | null => (ms === null ? null : ms / 1000);
const ratio = (percent: number | null): number | null => (percent === null ? null : percent / 100);

export function fleetFamilies(
  f: FleetView,
  histogram: { counts: ArrayLike<number>; sumMicros: number },
  edges: readonly number[] = latencyEdges(),
): { families: Family[]; histograms: HistogramFamily[] } {
  const nodes = f.nodes;
  const node = (n: (typeof nodes)[number]): Record<string, string> => ({ node: n.node });
  const host = (h: (typeof f.hosts)[number]): Record<string, string> => ({ host: h.host });
  const r = f.totals.requests;
  const t = f.transport;
  const families: Family[] = [
    family(
      'threadboard_fleet_node_info',
      'gauge',
      'One series per node of the fleet, always 1: its host, pid and whether it runs lean.',
      ['node', 'host', 'pid', 'lean'],
      nodes.map((n) => ({ labels: { node: n.node, host: n.host, pid: String(n.pid), lean: String(n.lean) }, value: 1 })),
    ),
    family(
      'threadboard_fleet_node_up',
      'gauge',
      'Whether the node reported within 3 intervals (1) or is down (0).',
      ['node'],
      known(nodes, node, (n) => (n.status === 'up' ? 1 : 0)),
    ),
    family(
      'threadboard_fleet_node_last_seen_timestamp_seconds',
      'gauge',
      'When the viewer last heard from the node (Unix seconds, the viewer’s clock).',
      ['node'],
      known(nodes, node, (n) => Date.parse(n.lastSeenAt) / 1000),
    ),
    family(
      'threadboard_fleet_node_requests_total',
      'counter',
      'Requests the node reported since the viewer first saw it, its restarts included.',
      ['node'],
      known(nodes, node, (n) => n.requests.total),
    ),
    family(
      'threadboard_fleet_node_resets_total',
      'counter',
      'Counter resets seen: the node restarted under the same name.',
      ['node'],
      known(nodes, node, (n) => n.resets),
    ),
    family(
      'threadboard_fleet_node_requests_per_second',
      'gauge',
      'Requests per second over the node’s last report interval.',
      ['node'],
      known(nodes, node, (n) => n.requests.rps),
    ),
    family(
      'threadboard_fleet_node_request_duration_p50_seconds',
      'gauge',
      'Median request latency over the node’s last report interval.',
      ['node'],
      known(nodes, node, (n) => seconds(n.requests.p50LatencyMs)),
    ),
    family(
      'threadboard_fleet_node_request_duration_p99_seconds',
      'gauge',
      '99th percentile request latency over the node’s last report interval.',
      ['node'],
      known(nodes, node, (n) => seconds(n.requests.p99LatencyMs)),
    ),
    family(
      'threadboard_fleet_node_error_ratio',
      'gauge',
      'Share of the node’s responses in its last interval that were 5xx (0..1).',
      ['node'],
      known(nodes, node, (n) => ratio(n.requests.errorRate)),
    ),
    family(
      'threadboard_fleet_node_process_cpu_ratio',
      'gauge',
      'CPU use of the node process over its last interval (1 is one core).',
      ['node'],
      known(nodes, node, (n) => (n.process ? n.process.cpuPercent / 100 : null)),
    ),
    family(
      'threadboard_fleet_node_process_resident_memory_bytes',
      'gauge',
      'Resident memory of the node process.',
      ['node'],
      known(nodes, node, (n) => (n.process ? n.process.rssMiB * 1024 * 1024 : null)),
    ),
    family(
      'threadboard_fleet_host_cpu_usage_ratio',
      'gauge',
      'CPU use of the host (0..1), measured once per host.',
      ['host'],
      known(f.hosts, host, (h) => (h.cpu ? h.cpu.usage / 100 : null)),
    ),
    family(
      'threadboard_fleet_host_memory_usage_ratio',
      'gauge',
      'Memory in use on the host (0..1), measured once per host.',
      ['host'],
      known(f.hosts, host, (h) => (h.memory ? h.memory.usagePercent / 100 : null)),
    ),
    family(
      'threadboard_fleet_nodes',
      'gauge',
      'Nodes of the fleet, by status.',
      ['status'],
      [
        { labels: { status: 'up' }, value: f.totals.up },
        { labels: { status: 'down' }, value: f.totals.down },
      ],
    ),
    family('threadboard_fleet_hosts', 'gauge', 'Hosts of the fleet.', [], [{ labels: {}, value: f.totals.hosts }]),
    family(
      'threadboard_fleet_requests_total',
      'counter',
      'Every request any node reported, nodes now down included; never decreases while the viewer runs.',
      [],
      [{ labels: {}, value: r.total }],
    ),
    family(
      'threadboard_fleet_requests_per_second',
      'gauge',
      'Sum of the up nodes’ rates over their last interval.',
      [],
      [{ labels: {}, value: r.rps }],
    ),
    family(
      'threadboard_fleet_request_duration_p99_seconds',
      'gauge',
      '99th percentile latency of the fleet over the last interval, from merged histograms.',
      [],
      r.p99LatencyMs === null ? [] : [{ labels: {}, value: r.p99LatencyMs / 1000 }],
    ),
    family(
      'threadboard_fleet_error_ratio',
      'gauge',
      'Share of the fleet’s responses in the last interval that were 5xx (0..1).',
      [],
      [{ labels: {}, value: r.errorRate / 100 }],
    ),
    family(
      'threadboard_fleet_transport_connected',
      'gauge',
      'Whether the link to the fleet (Redis, or node:cluster IPC) is up (1) or not (0).',
      ['kind'],
      [{ labels: { kind: t.kind }, value: t.status === 'connected' ? 1 : 0 }],
    ),
    family(
      'threadboard_fleet_transport_reconnects_total',
      'counter',
      'Reconnections to Redis after a lost link.',
      [],
      [{ labels: {}, value: t.reconnects }],
    ),
    family(
      'threadboard_fleet_reports_published_total',
      'counter',
      'Reports this process published as a node.',
      [],
      [{ labels: {}, value: t.published }],
    ),
    family(
      'threadboard_fleet_reports_publish_failures_total',
      'counter',
      'Reports this process skipped or failed to publish (Redis away, a publish still in flight).',
      [],
      [{ labels: {}, value: t.publishFailures }],
    ),
    family(
      'threadboard_fleet_reports_received_total',
      'counter',
      'Reports received from the fleet, valid or not.',
      [],
      [{ labels: {}, value: t.received }],
    ),
    family(
      'threadboard_fleet_reports_rejected_total',
      'counter',
      'Reports dropped, by reason: oversized, not-json, schema, version, foreign, stale, too-many-nodes.',
      ['reason'],
      Object.entries(t.rejected).map(([reason, value]) => ({ labels: { reason }, value })),
    ),
  ];
  const lat = latencyBuckets(histogram.counts, edges);
  const fleetLatency: HistogramFamily = {
    name: 'threadboard_fleet_request_duration_seconds',
    help: 'Request latency across the fleet: every node’s histogram added bucket by bucket, restarts included; each le count is exact.',
    type: 'histogram',
    series: [{ labels: {}, buckets: lat.buckets, sum: histogram.sumMicros / 1e6, count: lat.count }],
  };
  return { families, histograms: [fleetLatency] };
}
