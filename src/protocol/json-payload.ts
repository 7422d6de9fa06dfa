/**
 * What a metric worker may publish: JSON-shaped data, bounded. Every front end (the page, the
 * JSON API, --json, the terminal) serializes snapshots, so a payload that JSON cannot carry (a
 * BigInt, a cycle, a Map, a Date) would throw inside them: it is refused where it is made, and
 * again where it is received, with the path of the first offending value and what to do.
 */
export interface PayloadLimits {
  /** Nesting depth of arrays and objects. */
  maxDepth: number;
  /** Values of any kind, counted over the whole payload (shared references count each time). */
  maxNodes: number;
  /** Characters of strings and keys, together. */
  maxChars: number;
}

export const PAYLOAD_LIMITS: PayloadLimits = { maxDepth: 16, maxNodes: 10_000, maxChars: 64 * 1024 };

function kindOf(v: unknown): string {
  if (typeof v === 'bigint') return 'a BigInt (convert it with Number() or String())';
  if (typeof v === 'function') return 'a function';
  if (typeof v === 'symbol') return 'a symbol';
  if (typeof v === 'undefined') return 'undefined (return an object, or null)';
  if (typeof v === 'number') return `${String(v)} (only finite numbers)`;
  if (v instanceof Date) return 'a Date (send date.toISOString() or date.getTime())';
  if (v instanceof Map || v instanceof Set) return `a ${v instanceof Map ? 'Map' : 'Set'} (send a plain object or an array)`;
  if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) return 'binary data (send an array of numbers)';
  const name = (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name;
  return `an instance of ${name ?? 'a class'} (send a plain object)`;
}

/** Why `value` cannot be shown on every surface, or null when it can. */
export function jsonPayloadProblem(value: unknown, limits: PayloadLimits = PAYLOAD_LIMITS): string | null {
  let nodes = 0;
  let chars = 0;
  const ancestors = new Set<object>();
  const visit = (v: unknown, path: string, depth: number): string | null => {
    if (++nodes > limits.maxNodes) return `payload has more than ${limits.maxNodes} values`;
    if (v === null || typeof v === 'boolean') return null;
    // An undefined field or element is what JSON drops or writes as null: harmless below the top.
    if (v === undefined && depth > 0) return null;
    if (typeof v === 'string') {
      chars += v.length;
      return chars > limits.maxChars ? `payload holds more than ${limits.maxChars} characters of text` : null;
    }
    if (typeof v === 'number') return Number.isFinite(v) ? null : `${path} is ${kindOf(v)}`;
    if (typeof v !== 'object') return `${path} is ${kindOf(v)}`;
    const isArray = Array.isArray(v);
    const proto: unknown = Object.getPrototypeOf(v);
    if (!isArray && proto !== Object.prototype && proto !== null) return `${path} is ${kindOf(v)}`;
    if (depth >= limits.maxDepth) return `${path} is nested more than ${limits.maxDepth} levels deep`;
    if (ancestors.has(v)) return `${path} refers back to itself (a cycle)`;
    ancestors.add(v);
    try {
      if (isArray) {
        const arr = v as unknown[];
        for (let i = 0; i < arr.length; i++) {
          const p = visit(arr[i], `${path}[${i}]`, depth + 1);
          if (p) return p;
        }
        return null;
      }
      for (const [key, child] of Object.entries(v)) {
        chars += key.length;
        const p = visit(child, `${path}.${key}`, depth + 1);
        if (p) return p;
      }
      return null;
    } finally {
      ancestors.delete(v);
    }
  };
  return visit(value, 'payload', 0);
}
