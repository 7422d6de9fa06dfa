/**
 * The building blocks of option validation, shared by every option reader (engine, web, ...):
 * each throws an OptionsError that names the option path and says what it accepts.
 */
import { OptionsError } from './errors.js';

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof URL);
}

/** A value as the user wrote it, for "got ..." (long strings cut at 80 characters). */
export function describe(v: unknown): string {
  if (typeof v === 'string') return `'${v.length > 80 ? `${v.slice(0, 80)}…` : v}'`;
  if (v === null || typeof v !== 'object') return String(v);
  try {
    return JSON.stringify(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

export function integer(name: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    throw new OptionsError(name, `must be a whole number from ${min} to ${max}; got ${describe(value)}`);
  }
  return value as number;
}

export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new OptionsError(name, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}; got ${describe(value)}`);
  }
  return value as T;
}

/** `prefix` is the enclosing option path ('' at the top level). */
export function noUnknownKeys(prefix: string, obj: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!known.includes(key)) {
      throw new OptionsError(`${prefix ? `${prefix}.` : ''}${key}`, `is not an option; known options: ${known.join(', ')}`);
    }
  }
}
