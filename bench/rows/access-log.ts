/**
 * Access-log throughput: lines/s from a file through the real follower, parsed on the piscina
 * pool (every core), against the same pipeline parsing every batch inline on one thread.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { AccessLogSource } from '../../src/main/access-log/source.js';
import { RequestCounters } from '../../src/shared/request-counters.js';
import type { BenchContext, Row } from '../lib/row.js';
import { median, throughput } from '../lib/stats.js';

function logFile(dir: string, lines: number): string {
  const file = path.join(dir, 'access.log');
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    out.push(
      `10.1.${i % 250}.${i % 200} - - [21/Nov/2026:15:00:00 +0000] "GET /api/items/${i}?page=${i % 9} HTTP/1.1" ${i % 17 ? 200 : 503} ${200 + (i % 5000)} "https://example.test/p/${i % 300}" "Mozilla/5.0 (X11; Linux x86_64) bench/${i % 7}" 0.${String(i % 1000).padStart(3, '0')}`,
    );
  }
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

async function linesPerSecond(file: string, lines: number, inlineBelow: number): Promise<number> {
  const counters = new RequestCounters();
  const source = new AccessLogSource(file, counters, { from: 'start', pollMs: 60_000, chunkBytes: 1 << 20, inlineBelow });
  const t0 = performance.now();
  source.start();
  await source.poll();
  const seconds = (performance.now() - t0) / 1000;
  await source.stop();
  if (source.stats().lines !== lines) throw new Error(`read ${source.stats().lines} of ${lines} lines`);
  return lines / seconds;
}

export async function accessLogRows(ctx: BenchContext): Promise<Row[]> {
  // Large enough that throughput, not the cold pool's thread start-up (~60 ms), dominates.
  const lines = ctx.quick ? 50_000 : 1_200_000;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-bench-log-'));
  const pool: number[] = [];
  const single: number[] = [];
  try {
    const file = logFile(dir, lines);
    // Warm-up: page cache and JIT, so neither side pays them in its timed runs.
    await linesPerSecond(file, lines, Number.POSITIVE_INFINITY);
    for (let i = 0; i < ctx.reps(3, 1); i++) {
      pool.push(await linesPerSecond(file, lines, 64 * 1024));
      single.push(await linesPerSecond(file, lines, Number.POSITIVE_INFINITY));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const ratio = median(pool) / median(single);
  return [
    {
      name: 'access-log parsing',
      what: `${lines} combined-format lines from a file, piscina pool on ${os.availableParallelism()} cores (cold pool each run)`,
      threadboard: throughput(pool, 'lines/s'),
      reference: throughput(single, 'lines/s'),
      referenceWhat: 'the same parser on one thread',
      ratio,
      target: '≥ 1.6 on 2 cores',
      met: ratio >= 1.6,
    },
  ];
}
