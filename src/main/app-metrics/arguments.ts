/**
 * Checks of what the host passes to dash.metrics: names, options, values. Names follow
 * Prometheus' character rules, so the same name serves the snapshot and /metrics. Each check
 * throws an ArgumentError that names the metric and says what it accepts; the value checks run
 * only off the hot path (an instrument tries its fast path first and calls these when it fails).
 */
import { ArgumentError } from '../../errors.js';
import { describe, isPlainObject } from '../../validate.js';
import type { HistogramUnit } from '../../snapshot.js';
import type { AppMetricType, HistogramOptions } from './types.js';

export const MAX_NAME_LENGTH = 100;
export const MAX_HELP_LENGTH = 256;
export const HISTOGRAM_UNITS: readonly HistogramUnit[] = ['ms', 'none'];
/**
 * Prometheus' metric-name characters, less two: no ':' (Prometheus keeps colons for recording
 * rules) and no leading '__' (reserved for its internal use; it also keeps '__proto__' out of
 * the snapshot's keys).
 */
const NAME = /^(?!__)[a-zA-Z_][a-zA-Z0-9_]*$/;

export function checkName(type: AppMetricType, name: unknown): string {
  if (typeof name !== 'string' || name.length > MAX_NAME_LENGTH || !NAME.test(name)) {
    throw new ArgumentError(
      `threadboard: metrics.${type}() needs a name of 1 to ${MAX_NAME_LENGTH} letters, digits and underscores, ` +
        `not starting with a digit or '__' (Prometheus' rules), e.g. 'jobs_done'; got ${describe(name)}`,
    );
  }
  return name;
}

export interface CheckedOptions {
  help: string;
  /** Only for histograms; undefined when not given. */
  unit: HistogramUnit | undefined;
}

export function checkOptions(type: AppMetricType, name: string, options: unknown): CheckedOptions {
  if (options === undefined) return { help: '', unit: undefined };
  const where = `threadboard: metrics.${type}('${name}')`;
  if (!isPlainObject(options)) throw new ArgumentError(`${where} takes an options object such as { help: '…' }; got ${describe(options)}`);
  const known = type === 'histogram' ? ['help', 'unit'] : ['help'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new ArgumentError(`${where}: '${key}' is not an option; known options: ${known.join(', ')}`);
  }
  const { help, unit } = options as HistogramOptions;
  if (help !== undefined && (typeof help !== 'string' || help.length > MAX_HELP_LENGTH)) {
    throw new ArgumentError(`${where}: help must be a string of at most ${MAX_HELP_LENGTH} characters; got ${describe(help)}`);
  }
  if (unit !== undefined && !HISTOGRAM_UNITS.includes(unit)) {
    throw new ArgumentError(`${where}: unit must be one of ${HISTOGRAM_UNITS.map((u) => `'${u}'`).join(', ')}; got ${describe(unit)}`);
  }
  return { help: help ?? '', unit };
}

/** `got …` for a value: a BigInt shows its `n`, so `inc(5n)` reads as what it is. */
const got = (v: unknown): string => (typeof v === 'bigint' ? `${v}n` : describe(v));

export function badCount(name: string, n: unknown): ArgumentError {
  // A counter only goes up (Prometheus reads a drop as a restart): a value that falls is a gauge.
  const fix = typeof n === 'number' && n < 0 ? '; for a value that goes down, use metrics.gauge()' : '';
  return new ArgumentError(
    `threadboard: counter '${name}' inc() takes a whole number >= 0 (default 1), at most 2^53 - 1; got ${got(n)}${fix}`,
  );
}

export function badGaugeValue(name: string, method: 'set' | 'inc' | 'dec', v: unknown): ArgumentError {
  return new ArgumentError(`threadboard: gauge '${name}' ${method}() takes a finite number; got ${got(v)}`);
}

export function badObservation(name: string, unit: HistogramUnit, v: unknown): ArgumentError {
  const what = unit === 'ms' ? 'a duration in ms' : 'a number';
  return new ArgumentError(`threadboard: histogram '${name}' observe() takes ${what}, finite and >= 0; got ${got(v)}`);
}

export function tooLarge(name: string, v: number): ArgumentError {
  return new ArgumentError(`threadboard: histogram '${name}' observe() got ${v}, more than it can sum exactly (2^53 recorded units)`);
}
