/**
 * The host's app metrics in a node's report (issue 15): cumulative values, like the request
 * counts, so a lost report loses nothing and a viewer can sum counters and merge histograms
 * bucket by bucket. Counters and gauges are a few bytes each; histograms carry their non-empty
 * buckets as [gap, count] pairs (sparse-histogram.ts), within a budget of pairs per report.
 */
import { decodeSparse, encodeSparse, toSparse, type SparseHistogram } from './sparse-histogram.js';
import type { AppReading } from '../main/app-metrics/types.js';

/** The app-metrics cap of one dashboard (registry.ts's MAX_APP_METRICS): a report never holds more. */
export const MAX_REPORT_APP_METRICS = 64;
/**
 * Bucket pairs of all of a report's histograms together. A realistic histogram has tens of
 * non-empty buckets; the budget (~8 KiB at worst) keeps a report far under MAX_REPORT_BYTES
 * even with 64 instruments of long names.
 */
export const MAX_APP_BUCKET_PAIRS = 1024;
/** App metric names (arguments.ts): Prometheus' characters, no leading '__' (so never '__proto__'). */
const APP_NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]{0,99}$/;

export type AppUnit = 'ms' | 'none';

export interface ReportHistogram {
  unit: AppUnit;
  /** Sum of the observations in recorded units (µs for 'ms'). */
  sum: number;
  buckets: SparseHistogram;
}

export interface ReportApp {
  counters: Record<string, number>;
  gauges: Record<string, number>;
  histograms: Record<string, ReportHistogram>;
}

/**
 * The report's app part from the registry's readings, or null without instruments (so a node
 * that uses none sends no byte more). Histograms go in creation order while the pair budget
 * lasts: buckets only fill up within an incarnation, so one left out stays out, and the viewer
 * holds its last value (node-track.ts) rather than seeing it vanish.
 */
export function buildApp(readings: readonly AppReading[]): ReportApp | null {
  if (readings.length === 0) return null;
  const app: ReportApp = { counters: {}, gauges: {}, histograms: {} };
  let pairs = 0;
  let full = false;
  for (const r of readings.slice(0, MAX_REPORT_APP_METRICS)) {
    if (r.type === 'counter') app.counters[r.name] = r.value;
    else if (r.type === 'gauge') app.gauges[r.name] = r.value;
    else if (!full) {
      const buckets = toSparse(r.buckets);
      pairs += buckets.index.length;
      if (pairs > MAX_APP_BUCKET_PAIRS) full = true;
      else app.histograms[r.name] = { unit: r.unit, sum: r.sum, buckets };
    }
  }
  return app;
}

/** Short keys on the wire: c counters, g gauges, h histograms as { u: unit, s: sum, b: pairs }. */
export function encodeApp(app: ReportApp): unknown {
  const h: Record<string, unknown> = {};
  for (const [name, x] of Object.entries(app.histograms)) h[name] = { u: x.unit, s: x.sum, b: encodeSparse(x.buckets) };
  return { c: app.counters, g: app.gauges, h };
}

/** Why an app part was refused, for the 'schema' rejection's detail. */
export class BadApp extends Error {}

function record(v: unknown, what: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new BadApp(`${what} is not an object`);
  return v as Record<string, unknown>;
}

/** Validates the `app` field of a report: names, types, ranges, the instrument cap and the bucket budget. */
export function parseApp(v: unknown): ReportApp | null {
  if (v === undefined || v === null) return null;
  const o = record(v, 'app');
  for (const k of Object.keys(o)) if (k !== 'c' && k !== 'g' && k !== 'h') throw new BadApp(`app has an unknown field '${k}'`);
  const app: ReportApp = { counters: {}, gauges: {}, histograms: {} };
  const seen = new Set<string>();
  const named = (name: string, what: string): void => {
    if (!APP_NAME.test(name)) throw new BadApp(`${what} has a bad metric name`);
    if (seen.has(name)) throw new BadApp(`app metric '${name}' appears twice`);
    seen.add(name);
    if (seen.size > MAX_REPORT_APP_METRICS) throw new BadApp(`app has more than ${MAX_REPORT_APP_METRICS} metrics`);
  };
  for (const [name, x] of Object.entries(record(o.c ?? {}, 'app.c'))) {
    named(name, 'app.c');
    if (!Number.isSafeInteger(x) || (x as number) < 0) throw new BadApp(`app.c.${name} must be a whole number >= 0`);
    app.counters[name] = x as number;
  }
  for (const [name, x] of Object.entries(record(o.g ?? {}, 'app.g'))) {
    named(name, 'app.g');
    if (typeof x !== 'number' || !Number.isFinite(x)) throw new BadApp(`app.g.${name} must be a finite number`);
    app.gauges[name] = x;
  }
  let pairs = 0;
  for (const [name, x] of Object.entries(record(o.h ?? {}, 'app.h'))) {
    named(name, 'app.h');
    const h = record(x, `app.h.${name}`);
    if (Object.keys(h).some((k) => k !== 'u' && k !== 's' && k !== 'b')) throw new BadApp(`app.h.${name} has an unknown field`);
    if (h.u !== 'ms' && h.u !== 'none') throw new BadApp(`app.h.${name}.u must be 'ms' or 'none'`);
    if (typeof h.s !== 'number' || !Number.isFinite(h.s) || h.s < 0) throw new BadApp(`app.h.${name}.s must be a number >= 0`);
    // App histogram buckets are 64-bit cells (instruments.ts): counts up to 2^53, not uint32.
    const buckets = decodeSparse(h.b, Number.MAX_SAFE_INTEGER);
    if (!buckets) throw new BadApp(`app.h.${name}.b is not a sparse histogram`);
    pairs += buckets.index.length;
    if (pairs > MAX_APP_BUCKET_PAIRS) throw new BadApp(`app histograms have more than ${MAX_APP_BUCKET_PAIRS} buckets together`);
    app.histograms[name] = { unit: h.u, sum: h.s, buckets };
  }
  return app;
}
