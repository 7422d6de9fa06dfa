/** Type guards the protocol's validators share (pure). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function isNonNegativeInteger(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

export function inRange(v: unknown, lo: number, hi: number): v is number {
  return isFiniteNumber(v) && v >= lo && v <= hi;
}

/** "has unexpected field x" / "lacks field y", or null when `o` has exactly `keys`. */
export function exactKeys(o: Record<string, unknown>, keys: readonly string[]): string | null {
  for (const k of Object.keys(o)) if (!keys.includes(k)) return `has unexpected field ${k.slice(0, 40)}`;
  for (const k of keys) if (!(k in o)) return `lacks field ${k}`;
  return null;
}
