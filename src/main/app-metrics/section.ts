/** The snapshot's `app` section: values read now, beside the last interval's figures (pure). */
import type { AppMetricValue, AppSection } from '../../snapshot.js';
import type { CounterFigures, HistogramFigures, IntervalFigures } from './intervals.js';
import { UNIT_SCALE, type AppReading } from './types.js';

export function appSection(readings: readonly AppReading[], figures: (name: string) => IntervalFigures | undefined): AppSection {
  const out: AppSection = {};
  for (const r of readings) out[r.name] = appValue(r, figures(r.name));
  return out;
}

function appValue(r: AppReading, f: IntervalFigures | undefined): AppMetricValue {
  switch (r.type) {
    case 'counter':
      return { type: 'counter', value: r.value, rate: (f as CounterFigures | undefined)?.rate ?? null };
    case 'gauge':
      return { type: 'gauge', value: r.value };
    case 'histogram': {
      const h = f as HistogramFigures | undefined;
      return {
        type: 'histogram',
        unit: r.unit,
        count: r.count,
        sum: r.sum / UNIT_SCALE[r.unit],
        rate: h?.rate ?? null,
        avg: h?.avg ?? null,
        p50: h?.p50 ?? null,
        p99: h?.p99 ?? null,
      };
    }
  }
}
