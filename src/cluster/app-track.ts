/**
 * App metrics across a fleet (issue 15): what a viewer keeps of them per node and for the nodes
 * it forgot, and the merge dash.getFleet() shows. Like the request counts: counters are summed
 * with every earlier incarnation's last value kept in an offset, so a restarted node never makes
 * a fleet counter go back; histograms are merged by adding bucket counts, and their percentiles
 * come from the merged buckets (never averaged). Gauges are summed over the up nodes: a gauge is
 * a value now, and a down node's has no now.
 */
import { BUCKET_COUNT, quantile } from '../shared/histogram.js';
import type { AppUnit, ReportApp } from './app-wire.js';
import { addInto } from './sparse-histogram.js';
import type { AppReading } from '../main/app-metrics/types.js';
import type { FleetAppMetric } from './types.js';

/** The most names a viewer keeps or shows: 64 per node, but nodes may use different names. */
export const MAX_FLEET_APP_METRICS = 256;

const SCALE: Record<AppUnit, number> = { ms: 1000, none: 1 };
const round = (x: number): number => Math.round(x * 1000) / 1000;

export type AppTotal = { type: 'counter'; value: number } | { type: 'histogram'; unit: AppUnit; sum: number; buckets: Float64Array };
/** Cumulative app values no longer in a live report: earlier incarnations, forgotten nodes. */
export type AppTotals = Map<string, AppTotal>;

function histogramTotal(totals: AppTotals, name: string, unit: AppUnit): (AppTotal & { type: 'histogram' }) | null {
  let t = totals.get(name);
  if (!t) {
    if (totals.size >= MAX_FLEET_APP_METRICS) return null;
    t = { type: 'histogram', unit, sum: 0, buckets: new Float64Array(BUCKET_COUNT) };
    totals.set(name, t);
  }
  // A name used with another type or unit elsewhere: its numbers would be misread, so left out.
  return t.type === 'histogram' && t.unit === unit ? t : null;
}

function counterTotal(totals: AppTotals, name: string): (AppTotal & { type: 'counter' }) | null {
  let t = totals.get(name);
  if (!t) {
    if (totals.size >= MAX_FLEET_APP_METRICS) return null;
    t = { type: 'counter', value: 0 };
    totals.set(name, t);
  }
  return t.type === 'counter' ? t : null;
}

/** Adds a report's cumulative counters and histograms (not its gauges) into totals. */
export function addAppReport(totals: AppTotals, app: ReportApp | null): void {
  if (!app) return;
  for (const [name, v] of Object.entries(app.counters)) {
    const t = counterTotal(totals, name);
    if (t) t.value += v;
  }
  for (const [name, h] of Object.entries(app.histograms)) {
    const t = histogramTotal(totals, name, h.unit);
    if (!t) continue;
    t.sum += h.sum;
    addInto(t.buckets, h.buckets);
  }
}

/** Adds one set of totals into another (a forgotten node's offset into the retired counts). */
export function addAppTotals(into: AppTotals, from: AppTotals): void {
  for (const [name, f] of from) {
    if (f.type === 'counter') {
      const t = counterTotal(into, name);
      if (t) t.value += f.value;
      continue;
    }
    const t = histogramTotal(into, name, f.unit);
    if (!t) continue;
    t.sum += f.sum;
    for (let i = 0; i < BUCKET_COUNT; i++) t.buckets[i]! += f.buckets[i]!;
  }
}

/** Whether a counter or a histogram's sum went down: the node's instruments started again from 0. */
export function appWentDown(before: ReportApp | null, after: ReportApp | null): boolean {
  if (!before || !after) return false;
  for (const [name, v] of Object.entries(after.counters)) if (v < (before.counters[name] ?? 0)) return true;
  for (const [name, h] of Object.entries(after.histograms)) if (h.sum < (before.histograms[name]?.sum ?? 0)) return true;
  return false;
}

/**
 * Within one incarnation, a metric in the previous report but not in this one (a histogram past
 * the report's bucket budget) keeps its last value, so a fleet total never drops because a
 * report left something out. Returns the report's app, completed.
 */
export function carryForward(before: ReportApp | null, after: ReportApp | null): ReportApp | null {
  if (!before) return after;
  const out = after ?? { counters: {}, gauges: {}, histograms: {} };
  for (const [name, v] of Object.entries(before.counters)) if (!(name in out.counters)) out.counters[name] = v;
  for (const [name, h] of Object.entries(before.histograms)) if (!(name in out.histograms)) out.histograms[name] = h;
  return out;
}

/** One node as the merge needs it. */
export interface AppNode {
  up: boolean;
  offset: AppTotals | null;
  app: ReportApp | null;
  /** The report before, same incarnation, and the seconds between: for counter rates. */
  prev: ReportApp | null;
  seconds: number | null;
}

interface Merged {
  totals: AppTotals;
  gauges: Map<string, number>;
  rates: Map<string, number>;
  /** Every name, sorted, at most MAX_FLEET_APP_METRICS. */
  names: string[];
}

/** The nodes' current reports plus every offset, added up: the one merge both fleet.app and /metrics read. */
function merge(retired: AppTotals | null, nodes: readonly AppNode[]): Merged {
  const totals: AppTotals = new Map();
  if (retired) addAppTotals(totals, retired);
  const rates = new Map<string, number>();
  const gauges = new Map<string, number>();
  for (const n of nodes) {
    if (n.offset) addAppTotals(totals, n.offset);
    addAppReport(totals, n.app);
    if (!n.up || !n.app) continue;
    for (const [name, v] of Object.entries(n.app.gauges)) gauges.set(name, (gauges.get(name) ?? 0) + v);
    if (!n.prev || !n.seconds) continue;
    for (const [name, v] of Object.entries(n.app.counters)) {
      const before = n.prev.counters[name];
      if (before !== undefined) rates.set(name, (rates.get(name) ?? 0) + (v - before) / n.seconds);
    }
  }
  const names = [...new Set([...totals.keys(), ...gauges.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return { totals, gauges, rates, names: names.slice(0, MAX_FLEET_APP_METRICS) };
}

/** The fleet's app metrics: counters summed, histograms merged, gauges of the up nodes summed. Names sorted. */
export function mergeFleetApp(retired: AppTotals | null, nodes: readonly AppNode[]): Record<string, FleetAppMetric> {
  const { totals, gauges, rates, names } = merge(retired, nodes);
  const out: Record<string, FleetAppMetric> = {};
  for (const name of names) {
    const t = totals.get(name);
    if (!t) {
      out[name] = { type: 'gauge', value: gauges.get(name)! };
    } else if (t.type === 'counter') {
      const rate = rates.get(name);
      out[name] = { type: 'counter', value: t.value, rate: rate === undefined ? null : Math.round(rate * 100) / 100 };
    } else {
      const count = t.buckets.reduce((a, b) => a + b, 0);
      const scale = SCALE[t.unit];
      out[name] = {
        type: 'histogram',
        unit: t.unit,
        count,
        sum: round(t.sum / scale),
        avg: count > 0 ? round(t.sum / count / scale) : null,
        p50: count > 0 ? round(quantile(t.buckets, 0.5) / scale) : null,
        p99: count > 0 ? round(quantile(t.buckets, 0.99) / scale) : null,
      };
    }
  }
  return out;
}

/**
 * The same merge as readings of the registry's shape (buckets and all), so /metrics renders the
 * fleet's app metrics with the local ones' code and exact `le` edges.
 */
export function fleetAppReadings(retired: AppTotals | null, nodes: readonly AppNode[]): AppReading[] {
  const { totals, gauges, names } = merge(retired, nodes);
  const out: AppReading[] = [];
  for (const name of names) {
    const t = totals.get(name);
    const base = { name, help: '', createdAtMs: 0 };
    if (!t) out.push({ ...base, type: 'gauge', value: gauges.get(name)! });
    else if (t.type === 'counter') out.push({ ...base, type: 'counter', value: t.value });
    else {
      const count = t.buckets.reduce((a, b) => a + b, 0);
      out.push({ ...base, type: 'histogram', unit: t.unit, buckets: t.buckets, count, sum: t.sum });
    }
  }
  return out;
}
