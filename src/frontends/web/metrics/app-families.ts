/**
 * The host's app metrics in /metrics (pure): `threadboard_app_<name>` families, named by the
 * rule their instruments were admitted under (main/app-metrics/prometheus-names.ts), so no two
 * can collide. Counters and gauges are plain values. A histogram is its cumulative fine-bucket
 * counts folded onto exact edges, like the request latency: an 'ms' histogram has the very same
 * `le` edges as threadboard_http_request_duration_seconds and is exported in seconds; a 'none'
 * histogram has edges over the whole numbers it can hold.
 */
import { promFamilyName } from '../../../main/app-metrics/prometheus-names.js';
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
    if (r.type === 'histogram') {
      const ms = r.unit === 'ms';
      const folded = latencyBuckets(r.buckets, ms ? edges.ms : edges.none, ms ? leLabel : wholeNumberLabel);
      histograms.push({
        name: promFamilyName('histogram', r.name, r.unit),
        help: helpOf(r),
        type: 'histogram',
        // Recorded µs to Prometheus' seconds.
        series: [{ labels: {}, buckets: folded.buckets, sum: ms ? r.sum / 1e6 : r.sum, count: folded.count }],
      });
    } else {
      families.push({
        name: promFamilyName(r.type, r.name, undefined),
        help: helpOf(r),
        type: r.type,
        labelNames: [],
        samples: [{ labels: {}, value: r.value }],
      });
    }
  }
  return { families, histograms };
}
