/**
 * The host's app metrics in /metrics (pure): `threadboard_app_<name>` families, named by the
 * rule their instruments were admitted under (main/app-metrics/prometheus-names.ts), so no two
 * can collide. Counters and gauges are plain values. A histogram is its cumulative fine-bucket
 * counts folded onto exact edges, like the request latency: an 'ms' histogram has the very same
 * `le` edges as threadboard_http_request_duration_seconds and is exported in seconds; a 'none'
 * histogram has edges over the whole numbers it can hold.
 */
import { promFamilyName, promSeriesNames } from '../../../main/app-metrics/prometheus-names.js';
import type { AppReading } from '../../../main/app-metrics/types.js';
import type { Family, HistogramFamily } from './families.js';
import { latencyBuckets, leLabel, wholeNumberLabel } from './latency-buckets.js';

export interface AppEdges {
  /** µs edges of the request-latency histogram (latencyEdges()). */
  ms: readonly number[];
  /** Whole-number edges (wholeNumberEdges()). */
  none: readonly number[];
}

const helpOf = (r: AppReading): string => r.help || `The application's ${r.type} '${r.name}' (dash.metrics; no help given).`;

export function appFamilies(readings: readonly AppReading[], edges: AppEdges): { families: Family[]; histograms: HistogramFamily[] } {
  const families: Family[] = [];
  const histograms: HistogramFamily[] = [];
  for (const r of readings) {
    if (r.type === 'histogram') histograms.push(appHistogram(r, edges, promFamilyName('histogram', r.name, r.unit), helpOf(r)));
    else families.push(appValue(r, promFamilyName(r.type, r.name, undefined), helpOf(r)));
  }
  return { families, histograms };
}

/**
 * The fleet's app metrics (cluster mode, on a viewer): `threadboard_fleet_app_<name>`, named by
 * the same rule. The registry keeps one node's names from clashing, but two nodes may use names
 * that export one series (a counter `jobs` here, a gauge `jobs_total` there): the first in name
 * order keeps it and the other is left out, so /metrics never carries a duplicate.
 */
export function fleetAppFamilies(readings: readonly AppReading[], edges: AppEdges): { families: Family[]; histograms: HistogramFamily[] } {
  const families: Family[] = [];
  const histograms: HistogramFamily[] = [];
  const taken = new Set<string>();
  for (const r of readings) {
    const unit = r.type === 'histogram' ? r.unit : undefined;
    const name = promFamilyName(r.type, r.name, unit).replace(/^threadboard_app_/, 'threadboard_fleet_app_');
    const series = promSeriesNames(r.type, name);
    if (series.some((s) => taken.has(s))) continue;
    for (const s of series) taken.add(s);
    const help =
      r.type === 'counter'
        ? `The app counter '${r.name}' summed over every node of the fleet, restarts included.`
        : r.type === 'gauge'
          ? `The app gauge '${r.name}' summed over the up nodes of the fleet.`
          : `The app histogram '${r.name}' of every node of the fleet, added bucket by bucket, restarts included.`;
    if (r.type === 'histogram') histograms.push(appHistogram(r, edges, name, help));
    else families.push(appValue(r, name, help));
  }
  return { families, histograms };
}

function appValue(r: AppReading & { type: 'counter' | 'gauge' }, name: string, help: string): Family {
  return { name, help, type: r.type, labelNames: [], samples: [{ labels: {}, value: r.value }] };
}

function appHistogram(r: AppReading & { type: 'histogram' }, edges: AppEdges, name: string, help: string): HistogramFamily {
  const ms = r.unit === 'ms';
  const folded = latencyBuckets(r.buckets, ms ? edges.ms : edges.none, ms ? leLabel : wholeNumberLabel);
  // Recorded µs to Prometheus' seconds.
  return {
    name,
    help,
    type: 'histogram',
    series: [{ labels: {}, buckets: folded.buckets, sum: ms ? r.sum / 1e6 : r.sum, count: folded.count }],
  };
}
