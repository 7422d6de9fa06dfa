/**
 * Parses nginx/Apache "combined" access-log lines, with an optional trailing request time:
 * a decimal number is seconds (nginx `$request_time`, e.g. 0.123), an integer is microseconds
 * (Apache `%D`). Pure: runs on a piscina pool thread or inline.
 *
 *   127.0.0.1 - - [10/Oct/2026:13:55:36 +0000] "GET /a HTTP/1.1" 200 2326 "-" "curl/8" 0.004
 */
import type { RequestBatch } from '../shared/request-counters.js';
import { BUCKET_COUNT, bucketIndex, MAX_MICROS } from '../shared/histogram.js';
import { MAX_LINE_BYTES } from '../main/access-log/line-assembler.js';

const QUOTED = '"((?:[^"\\\\]|\\\\.)*)"';
const REST = `${QUOTED} (\\d{3}) (\\d+|-) ${QUOTED} ${QUOTED}(?:\\s+(\\d+(?:\\.\\d+)?|-))?\\s*$`;
const COMBINED = new RegExp(`^(\\S+) (\\S+) (\\S+) \\[([^\\]]+)\\] ${REST}`);
/**
 * nginx writes $remote_user unescaped, so `curl -u 'us er:pw'` logs `- us er [`. Tried only when
 * COMBINED fails: the user runs up to the first strict `[dd/Mon/yyyy:hh:mm:ss +zzzz] "`, and is
 * at most 512 characters, so a hostile user name cannot make matching quadratic in the line.
 */
const SPACED_USER = new RegExp(`^(\\S+) (\\S+) (.{1,512}?) \\[(\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4})\\] ${REST}`);

export interface ParsedLine {
  status: number;
  /** null when the line has no request-time field. */
  micros: number | null;
}

export function parseLine(line: string): ParsedLine | null {
  const m = COMBINED.exec(line) ?? SPACED_USER.exec(line);
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
  /** Lines longer than MAX_LINE_BYTES (64 KiB): skipped unparsed; also in `malformed`. */
  overlong: number;
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
  let overlong = 0;
  let example: string | null = null;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.length === 0) continue;
    seen++;
    if (isOverlong(line)) {
      overlong++;
      malformed++;
      example ??= `${line.slice(0, 200)}… (${Buffer.byteLength(line)} bytes, longer than the ${MAX_LINE_BYTES}-byte line cap)`;
      continue;
    }
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
  return { lines: seen, malformed, overlong, example, total, byClass, timed, latencySumMicros, buckets };
}

/** Measured in UTF-8 bytes, as the follower measures lines that span reads; counted only when it could matter. */
function isOverlong(line: string): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so shorter strings cannot be over the cap.
  return line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) > MAX_LINE_BYTES;
}
