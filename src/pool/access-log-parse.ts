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
  /** The time field as written, e.g. '10/Oct/2026:13:55:36 +0000' (parsed only where needed). */
  time: string;
}

const MONTHS: Readonly<Record<string, number>> = {
  Jan: 0,
  Feb: 1,
  Mar: 2,
  Apr: 3,
  May: 4,
  Jun: 5,
  Jul: 6,
  Aug: 7,
  Sep: 8,
  Oct: 9,
  Nov: 10,
  Dec: 11,
};
const LOG_TIME = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})$/;

/** nginx/Apache's `%d/%b/%Y:%H:%M:%S %z` as epoch ms, or null when it is not one. */
export function parseLogTime(text: string): number | null {
  const m = LOG_TIME.exec(text);
  const month = m ? MONTHS[m[2]!] : undefined;
  if (!m || month === undefined) return null;
  const utc = Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6]));
  const offsetMs = (Number(m[8]) * 60 + Number(m[9])) * 60_000 * (m[7] === '-' ? -1 : 1);
  return utc - offsetMs;
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
  return { status, micros, time: m[4]! };
}

export interface ParsedBatch extends RequestBatch {
  /** Non-empty lines looked at. */
  lines: number;
  /** Lines longer than MAX_LINE_BYTES (64 KiB): skipped unparsed; also in `malformed`. */
  overlong: number;
  malformed: number;
  /** The first malformed line of the batch (cut to 200 characters), for the user to see. */
  example: string | null;
  /** Epoch ms of the batch's first and last well-formed lines, by their own time fields. */
  firstAt: number | null;
  lastAt: number | null;
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
  let firstTime: string | null = null;
  let lastTime: string | null = null;
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
    firstTime ??= p.time;
    lastTime = p.time;
    byClass[Math.floor(p.status / 100) - 1]!++;
    if (p.micros !== null) {
      timed++;
      latencySumMicros += p.micros;
      hist[bucketIndex(p.micros)]!++;
    }
  }
  const buckets: number[] = [];
  for (let i = 0; i < BUCKET_COUNT; i++) if (hist[i]! > 0) buckets.push(i, hist[i]!);
  // Two time fields per batch, not one per line: a backlog's span is all replay needs.
  const firstAt = firstTime === null ? null : parseLogTime(firstTime);
  const lastAt = lastTime === null ? null : parseLogTime(lastTime);
  return { lines: seen, malformed, overlong, example, total, byClass, timed, latencySumMicros, buckets, firstAt, lastAt };
}

/** Measured in UTF-8 bytes, as the follower measures lines that span reads; counted only when it could matter. */
function isOverlong(line: string): boolean {
  // A UTF-16 unit is at most 3 UTF-8 bytes, so shorter strings cannot be over the cap.
  return line.length * 3 > MAX_LINE_BYTES && Buffer.byteLength(line) > MAX_LINE_BYTES;
}
