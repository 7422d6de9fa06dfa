/**
 * A strict parser for the Prometheus text exposition format 0.0.4, written for the tests: every
 * line must parse, names and labels must be well-formed, HELP/TYPE appear at most once and before
 * their samples, a family's samples are contiguous, no series repeats, and histograms are
 * consistent (_bucket with ascending le, non-decreasing counts, +Inf equal to _count, _sum).
 * Anything else throws an error naming the line.
 */
export type PromType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';

export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp: number | null;
}

export interface PromFamily {
  name: string;
  help: string | null;
  type: PromType;
  samples: PromSample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const TYPES: readonly PromType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const FLOAT = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseValue(text: string): number {
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (text === 'NaN') return NaN;
  if (!FLOAT.test(text)) throw new Error(`not a float: '${text}'`);
  return Number(text);
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(sampleName: string, declared: Map<string, PromFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sampleName.endsWith(suffix)) {
      const base = sampleName.slice(0, -suffix.length);
      const f = declared.get(base);
      if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return base;
    }
  }
  return sampleName;
}

function unescapeHelp(s: string, line: number): string {
  return s.replace(/\\(.?)/g, (_, c: string) => {
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    throw new Error(`line ${line}: bad escape '\\${c}' in HELP`);
  });
}

/** Parses `{a="x",b="y"}` starting at `i` (the '{'); returns the labels and the index after '}'. */
function parseLabels(s: string, i: number, line: number): [Record<string, string>, number] {
  const labels: Record<string, string> = {};
  i += 1;
  for (;;) {
    if (s[i] === '}') return [labels, i + 1];
    const nameMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(s.slice(i));
    if (!nameMatch) throw new Error(`line ${line}: bad label name at column ${i + 1}`);
    const name = nameMatch[0];
    if (name.startsWith('__')) throw new Error(`line ${line}: label name '${name}' is reserved`);
    if (name in labels) throw new Error(`line ${line}: label '${name}' repeated`);
    i += name.length;
    if (s[i] !== '=' || s[i + 1] !== '"') throw new Error(`line ${line}: expected ="... after label '${name}'`);
    i += 2;
    let value = '';
    for (;;) {
      const c = s[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated label value`);
      if (c === '"') break;
      if (c === '\\') {
        const n = s[i + 1];
        if (n === '\\') value += '\\';
        else if (n === '"') value += '"';
        else if (n === 'n') value += '\n';
        else throw new Error(`line ${line}: bad escape in label value`);
        i += 2;
        continue;
      }
      if (c === '\n') throw new Error(`line ${line}: raw newline in label value`);
      value += c;
      i += 1;
    }
    labels[name] = value;
    i += 1;
    if (s[i] === ',') {
      i += 1;
      continue;
    }
    if (s[i] !== '}') throw new Error(`line ${line}: expected , or } after label '${name}'`);
  }
}

export function parsePrometheusText(text: string): Map<string, PromFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, PromFamily>();
  const closed = new Set<string>();
  const series = new Set<string>();
  let current: string | null = null;
  const lines = text.split('\n');
  lines.pop();
  const family = (name: string, line: number): PromFamily => {
    let f = families.get(name);
    if (!f) {
      f = { name, help: null, type: 'untyped', samples: [] };
      families.set(name, f);
    }
    if (current !== name) {
      if (closed.has(name)) throw new Error(`line ${line}: lines of '${name}' are not contiguous`);
      if (current !== null) closed.add(current);
      current = name;
    }
    return f;
  };

  lines.forEach((raw, idx) => {
    const line = idx + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(raw);
      if (!m) return; // a plain comment
      const [, keyword, name, rest = ''] = m as unknown as [string, 'HELP' | 'TYPE', string, string | undefined];
      if (!METRIC_NAME.test(name)) throw new Error(`line ${line}: bad metric name '${name}'`);
      const f = family(name, line);
      if (keyword === 'HELP') {
        if (f.help !== null) throw new Error(`line ${line}: second HELP for '${name}'`);
        f.help = unescapeHelp(rest, line);
      } else {
        if (!TYPES.includes(rest as PromType)) throw new Error(`line ${line}: unknown type '${rest}'`);
        if (f.samples.length > 0) throw new Error(`line ${line}: TYPE for '${name}' after its samples`);
        if ((f as PromFamily & { typed?: boolean }).typed) throw new Error(`line ${line}: second TYPE for '${name}'`);
        f.type = rest as PromType;
        (f as PromFamily & { typed?: boolean }).typed = true;
      }
      return;
    }
    const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(raw);
    if (!nameMatch) throw new Error(`line ${line}: bad metric name in '${raw}'`);
    const name = nameMatch[0];
    let i = name.length;
    let labels: Record<string, string> = {};
    if (raw[i] === '{') [labels, i] = parseLabels(raw, i, line);
    const rest = raw.slice(i);
    const vm = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
    if (!vm) throw new Error(`line ${line}: expected a value after the name/labels in '${raw}'`);
    let value: number;
    try {
      value = parseValue(vm[1]!);
    } catch (err) {
      throw new Error(`line ${line}: ${(err as Error).message}`, { cause: err });
    }
    const f = family(familyOf(name, families), line);
    const key = `${name}{${Object.entries(labels)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (series.has(key)) throw new Error(`line ${line}: series ${key} repeated`);
    series.add(key);
    if (f.type === 'counter' && !(value >= 0)) throw new Error(`line ${line}: counter '${name}' has value ${vm[1]}`);
    if (f.type === 'histogram') {
      if (name === `${f.name}_bucket`) {
        if (!('le' in labels)) throw new Error(`line ${line}: histogram bucket without le`);
        parseValue(labels.le);
      } else if (name !== `${f.name}_sum` && name !== `${f.name}_count`) {
        throw new Error(`line ${line}: '${name}' does not belong to histogram '${f.name}'`);
      } else if ('le' in labels) throw new Error(`line ${line}: le on ${name}`);
    }
    f.samples.push({ name, labels, value, timestamp: vm[2] === undefined ? null : Number(vm[2]) });
  });

  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** One histogram family: per label set (minus le), ascending le, non-decreasing, +Inf == _count, _sum present. */
function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { buckets: Array<[number, number]>; sum: number | null; count: number | null }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { buckets: [], sum: null, count: null }));
    if (s.name.endsWith('_bucket')) g.buckets.push([parseValue(le!), s.value]);
    else if (s.name.endsWith('_sum')) g.sum = s.value;
    else g.count = s.value;
  }
  for (const [key, g] of groups) {
    const where = `histogram '${f.name}' ${key}`;
    if (g.count === null || g.sum === null) throw new Error(`${where}: _sum and _count are required`);
    if (g.buckets.length === 0) throw new Error(`${where}: no buckets`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]![0] > g.buckets[i - 1]![0])) throw new Error(`${where}: le not strictly ascending at ${g.buckets[i]![0]}`);
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new Error(`${where}: bucket counts decrease at le=${g.buckets[i]![0]}`);
    }
    const last = g.buckets[g.buckets.length - 1]!;
    if (last[0] !== Infinity) throw new Error(`${where}: the last bucket must be le="+Inf"`);
    if (last[1] !== g.count) throw new Error(`${where}: +Inf bucket ${last[1]} != _count ${g.count}`);
  }
}
