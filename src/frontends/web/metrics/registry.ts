/**
 * Renders metric families with prom-client, in a Registry private to one web server (never the
 * global default registry: two servers in one process must not share or clash on names).
 *
 * Gauges and counters are prom-client's own types, set to the snapshot's values on each scrape.
 * Histograms (request latency, the app's) are different: their counts already exist (buckets in shared buffers)
 * and prom-client's Histogram can only count observations one by one, so it is a small metric
 * object that hands the registry precomputed bucket values through the same get() contract.
 */
import { Counter, Gauge, Registry, type Histogram } from 'prom-client';
import type { Family, HistogramFamily } from './families.js';

interface ExportedValue {
  metricName: string;
  labels: Record<string, string | number>;
  value: number;
}

class PrecomputedHistogram {
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private values: ExportedValue[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  update(h: HistogramFamily): void {
    const bucket = `${this.name}_bucket`;
    this.values = h.series.flatMap((s) => [
      ...s.buckets.map(([le, value]) => ({ metricName: bucket, labels: { ...s.labels, le }, value })),
      { metricName: bucket, labels: { ...s.labels, le: '+Inf' }, value: s.count },
      { metricName: `${this.name}_sum`, labels: s.labels, value: s.sum },
      { metricName: `${this.name}_count`, labels: s.labels, value: s.count },
    ]);
  }

  async get(): Promise<{ name: string; help: string; type: string; aggregator: string; values: ExportedValue[] }> {
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values: this.values };
  }

  reset(): void {
    this.values = [];
  }
}

export class MetricsRegistry {
  private readonly registry = new Registry();
  private readonly gauges = new Map<string, Gauge>();
  private readonly counters = new Map<string, Counter>();
  private readonly histograms = new Map<string, PrecomputedHistogram>();

  get contentType(): string {
    return this.registry.contentType;
  }

  /**
   * Sets every metric and renders the text. Safe under concurrent scrapes: values are set and
   * the registry reads them (each metric's get() runs up to its return) in one synchronous run.
   */
  render(families: readonly Family[], histograms: readonly HistogramFamily[]): Promise<string> {
    for (const f of families) {
      if (f.type === 'gauge') this.setGauge(f);
      else if (f.type === 'counter') this.setCounter(f);
    }
    for (const h of histograms) {
      let m = this.histograms.get(h.name);
      if (!m) {
        m = new PrecomputedHistogram(h.name, h.help);
        this.histograms.set(h.name, m);
        // The registry only calls name, type, get() and reset(), all of which this object has.
        this.registry.registerMetric(m as unknown as Histogram);
      }
      m.update(h);
    }
    return this.registry.metrics();
  }

  private setGauge(f: Family): void {
    const g = this.metric(this.gauges, f, Gauge);
    for (const s of f.samples) g.set(s.labels, s.value);
  }

  private setCounter(f: Family): void {
    const c = this.metric(this.counters, f, Counter);
    for (const s of f.samples) c.inc(s.labels, s.value);
  }

  /** The family's metric, created once, emptied for this scrape's values. */
  private metric<M extends Gauge | Counter>(
    cache: Map<string, M>,
    f: Family,
    Type: new (config: { name: string; help: string; labelNames: readonly string[]; registers: Registry[] }) => M,
  ): M {
    let m = cache.get(f.name);
    if (!m) {
      m = new Type({ name: f.name, help: f.help, labelNames: f.labelNames, registers: [this.registry] });
      cache.set(f.name, m);
    }
    m.reset();
    // reset() leaves an unlabelled metric at 0; a section with no sample yet must have no value.
    if (f.labelNames.length === 0) m.remove();
    return m;
  }

  clear(): void {
    this.registry.clear();
    this.gauges.clear();
    this.counters.clear();
    this.histograms.clear();
  }
}
