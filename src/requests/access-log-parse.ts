/**
 * Parses nginx/Apache "combined" access-log lines, with an optional trailing request time:
 * a decimal number is seconds (nginx `$request_time`, e.g. 0.123), an integer is microseconds
 * (Apache `%D`). Pure: runs on a piscina pool thread or inline.
 *
 *   127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 2326 "-" "curl/8" 0.004
 */
import type { RequestBatch } from './counters.js';
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from './histogram.js';

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const COMBINED = new RegExp(
  `^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] ${QUOTED} (\\d{3}) (\\d+|-) ${QUOTED} ${QUOTED}(?:\\s+(\\d+(?:\\.\\d+)?|-))?\\s*$`,
);

export interface ParsedLine {
  status: number;
  /** null when the line has no request-time field. */
  micros: number | null;
}

export function parseLine(line: string): ParsedLine | null {
  const m = COMBINED.exec(line);
  if (!m) return null;
  const status = Number(m[6]);
  if (status < 100 || status > 599) return null;
  const t = m[10];
  let micros: number | null = null;
  if (t !== undefined && t !== '-') {
    const v = t.includes('.') ? Number(t) * 1e6 : Number(t);
    micros = Math.min(MAX_MICROS, Math.round(v));
  }
  return { status, micros };
}

export interface ParsedBatch extends RequestBatch {
  /** Non-empty lines looked at. */
  lines: number;
  malformed: number;
  /** The first malformed line of the batch (cut to 200 characters), for the user to see. */
  example: string | null;
}

const decoder = new TextDecoder('utf-8');

/** A chunk of whole lines as raw bytes (split at '\n', which never occurs inside a UTF-8 sequence). */
export function parseChunk(bytes: Uint8Array, length: number): ParsedBatch {
  const lines = decoder.decode(bytes.subarray(0, length)).split('\n');
  return parseBatch(lines);
}

export function parseBatch(lines: readonly string[]): ParsedBatch {
  const byClass = [0, 0, 0, 0, 0];
  const hist = new Uint32Array(BUCKET_COUNT);
  let seen = 0;
  let total = 0;
  let timed = 0;
  let latencySumMicros = 0;
  let malformed = 0;
  let example: string | null = null;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    seen++;
    const p = parseLine(line);
    if (!p) {
      malformed++;
      example ??= line.slice(0, 200);
      continue;
    }
    total++;
    byClass[Math.floor(p.status / 100) - 1]!++;
    if (p.micros !== null) {
      timed++;
      latencySumMicros += p.micros;
      hist[bucketIndex(p.micros)]!++;
    }
  }
  const buckets: number[] = [];
  for (let i = 0; i < BUCKET_COUNT; i++) if (hist[i]! > 0) buckets.push(i, hist[i]!);
  return { lines: seen, malformed, example, total, byClass, timed, latencySumMicros, buckets };
}
