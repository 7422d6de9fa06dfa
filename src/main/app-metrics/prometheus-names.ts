/**
 * The /metrics names of app metrics, decided where instruments are created: two instruments
 * whose names differ must never be exported under one name, so a clash is refused when the
 * second is made, not discovered by a scraper later.
 *
 * Prometheus' conventions: counters end in `_total`; durations are in seconds, the base unit,
 * and promtool refuses unit abbreviations such as `_ms` in a name. So an 'ms' histogram named
 * `job_duration_ms` is exported as `threadboard_app_job_duration_seconds`, in seconds.
 */
import type { AppMetricType, HistogramUnit } from './types.js';

export const APP_PREFIX = 'threadboard_app_';
const DURATION_SUFFIX = /_(ms|milliseconds|seconds)$/;

/** The family name: `_total` added to a counter unless its name has it; `_seconds` for an 'ms' histogram. */
export function promFamilyName(type: AppMetricType, name: string, unit: HistogramUnit | undefined): string {
  if (type === 'counter') return APP_PREFIX + (name.endsWith('_total') ? name : `${name}_total`);
  if (type === 'histogram' && unit === 'ms') {
    const base = name.replace(DURATION_SUFFIX, '');
    return `${APP_PREFIX}${base === '' ? name : base}_seconds`;
  }
  return APP_PREFIX + name;
}

/** Every series name the family puts in the text: a histogram's `_bucket`, `_sum`, `_count` too. */
export function promSeriesNames(type: AppMetricType, family: string): string[] {
  return type === 'histogram' ? [family, `${family}_bucket`, `${family}_sum`, `${family}_count`] : [family];
}
