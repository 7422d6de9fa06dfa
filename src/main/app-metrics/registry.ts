/**
 * dash.metrics: where the host's code gets its instruments. Asking again for a name returns the
 * same instrument, so any module can ask for 'jobs_done' without passing it around; the lookup
 * is one Map.get. Creating checks everything once (name, options, type, the cap, the /metrics
 * name) so that updating needs to check only the value.
 *
 * The values live in SharedArrayBuffers main allocates: one for every counter and gauge, made
 * once with the dashboard, and one per histogram, made when it is created (7 KiB each, so a
 * dashboard without histograms pays nothing for them). No thread has to read them: main
 * computes the rates (intervals.ts); the buffers keep the values where any thread could read
 * them exactly, as the request counters are.
 */
import { MetricConflictError, MetricLimitError } from '../../errors.js';
import { checkName, checkOptions } from './arguments.js';
import { AppCounter, AppGauge, AppHistogram, HISTOGRAM_CELLS, type AppInstrument, type Slot } from './instruments.js';
import { promFamilyName, promSeriesNames } from './prometheus-names.js';
import { describe } from '../../validate.js';
import type { AppMetricType, AppReading, HistogramOptions, HistogramUnit, MetricOptions } from './types.js';

/** The most instruments one dashboard holds, of all types together. */
export const MAX_APP_METRICS = 64;

export class AppMetrics {
  readonly #byName = new Map<string, AppInstrument>();
  /** Every /metrics series name in use, and the instrument that uses it. */
  readonly #series = new Map<string, string>();
  /** Counters and gauges: 8 bytes a slot (two Uint32 cells, or one Float64). */
  readonly #scalars = new SharedArrayBuffer(MAX_APP_METRICS * 8);
  readonly #u32 = new Uint32Array(this.#scalars);
  readonly #f64 = new Float64Array(this.#scalars);
  #nextScalar = 0;

  /** The counter named `name`, created at 0 on first use. */
  counter(name: string, options?: MetricOptions): AppCounter {
    const found = this.#byName.get(name);
    if (found?.type === 'counter') return found;
    const admitted = this.#admit('counter', name, options, found);
    return this.#add(new AppCounter(admitted.slot, this.#u32, 2 * this.#nextScalar++), admitted);
  }

  /** The gauge named `name`, created at 0 on first use. */
  gauge(name: string, options?: MetricOptions): AppGauge {
    const found = this.#byName.get(name);
    if (found?.type === 'gauge') return found;
    const admitted = this.#admit('gauge', name, options, found);
    return this.#add(new AppGauge(admitted.slot, this.#f64, this.#nextScalar++), admitted);
  }

  /** The histogram named `name`, created empty on first use. `unit`: what observe() takes ('ms' by default). */
  histogram(name: string, options?: HistogramOptions): AppHistogram {
    const found = this.#byName.get(name);
    if (found?.type === 'histogram') {
      // Asked for without a unit: whatever it has. With another unit: its numbers would be misread.
      const unit = options?.unit;
      if (unit === undefined || unit === found.unit) return found;
      throw new MetricConflictError(
        name,
        `threadboard: histogram '${name}' exists with unit '${found.unit}'; it cannot also have unit ${describe(unit)}. ` +
          `Leave the unit out to get it as it is, or give the other histogram another name`,
      );
    }
    const admitted = this.#admit('histogram', name, options, found);
    const cells = new Uint32Array(new SharedArrayBuffer(HISTOGRAM_CELLS * Uint32Array.BYTES_PER_ELEMENT));
    return this.#add(new AppHistogram(admitted.slot, admitted.unit ?? 'ms', cells), admitted);
  }

  /** Every instrument read now, in the order they were created: cumulative values and bucket counts. */
  read(): AppReading[] {
    const out: AppReading[] = [];
    for (const m of this.#byName.values()) out.push(m.reading());
    return out;
  }

  /** How many instruments exist (at most MAX_APP_METRICS). */
  get size(): number {
    return this.#byName.size;
  }

  /** The checks a new instrument must pass, all before anything is allocated; throws a typed error naming what to change. */
  #admit(type: AppMetricType, name: string, options: unknown, found: AppInstrument | undefined): Admitted {
    if (found) {
      throw new MetricConflictError(
        name,
        `threadboard: metric '${name}' is a ${found.type}; it cannot also be a ${type} (a name keeps its type for the dashboard's life). ` +
          `Ask for it with metrics.${found.type}('${name}'), or give the ${type} another name`,
      );
    }
    const checked = checkName(type, name);
    const options_ = checkOptions(type, checked, options);
    if (this.#byName.size >= MAX_APP_METRICS) {
      throw new MetricLimitError(
        MAX_APP_METRICS,
        `threadboard: metrics.${type}('${checked}') would be app metric ${MAX_APP_METRICS + 1}; ` +
          `a dashboard holds at most ${MAX_APP_METRICS} (counters, gauges and histograms together). ` +
          `Reuse a name, or keep finer detail in a library such as prom-client`,
      );
    }
    const unit = type === 'histogram' ? (options_.unit ?? 'ms') : undefined;
    const series = promSeriesNames(type, promFamilyName(type, checked, unit));
    for (const s of series) {
      const owner = this.#series.get(s);
      if (owner !== undefined) {
        throw new MetricConflictError(
          checked,
          `threadboard: metric '${checked}' would put ${s} in /metrics, which metric '${owner}' already does; choose another name`,
        );
      }
    }
    return { slot: { name: checked, help: options_.help, createdAtMs: Date.now() }, unit, series };
  }

  #add<M extends AppInstrument>(m: M, admitted: Admitted): M {
    for (const s of admitted.series) this.#series.set(s, m.name);
    this.#byName.set(m.name, m);
    return m;
  }
}

interface Admitted {
  slot: Slot;
  unit: HistogramUnit | undefined;
  series: string[];
}
