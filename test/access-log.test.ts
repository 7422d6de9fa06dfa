import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startDashboard } from '../dist/src/index.js';
import { threadCount, waitFor } from './helpers.js';

/** A generator of known log lines: it counts what it wrote, so the test knows the truth. */
class LogWriter {
  wellFormed = 0;
  malformed = 0;
  byClass = [0, 0, 0, 0, 0];
  private i = 0;

  constructor(public file: string) {}

  lines(n: number, malformedEvery = 0): string {
    const out: string[] = [];
    for (let k = 0; k < n; k++, this.i++) {
      if (malformedEvery && this.i % malformedEvery === 0) {
        this.malformed++;
        out.push(`garbage line ${this.i} with no structure`);
        continue;
      }
      const status = [200, 200, 200, 301, 404, 500, 503][this.i % 7]!;
      this.wellFormed++;
      this.byClass[Math.floor(status / 100) - 1]!++;
      // Every third line has no request-time field (plain combined format).
      const time = this.i % 3 === 0 ? '' : ` ${(0.001 + (this.i % 50) / 1000).toFixed(3)}`;
      out.push(
        `10.0.0.${this.i % 250} - - [21/Nov/2026:15:00:00 +0000] "GET /item/${this.i}?q=\\"x\\" HTTP/1.1" ${status} ${100 + this.i} "-" "curl/8.5"${time}`,
      );
    }
    return out.join('\n') + '\n';
  }

  append(text: string): void {
    appendFileSync(this.file, text);
  }
}

describe('following an access log', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'threadboard-log-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts exactly across bursts, split lines, malformed lines, truncation and rotation', async () => {
    const file = path.join(dir, 'access.log');
    writeFileSync(file, '');
    const threadsBefore = threadCount();
    const dash = await startDashboard({ builtins: ['requests'], accessLog: { path: file, pollMs: 20 } });
    const log = new LogWriter(file);
    const check = async (): Promise<void> => {
      await dash.collect();
      const s = await dash.getDashboard();
      expect(s.accessLog!.lines).toBe(log.wellFormed + log.malformed);
      expect(s.accessLog!.malformed).toBe(log.malformed);
      expect(s.requests!.total).toBe(log.wellFormed);
      expect(Object.values(s.requests!.byStatus)).toEqual(log.byClass);
    };
    try {
      // Bursts, with one line split across two writes.
      for (let b = 0; b < 5; b++) log.append(log.lines(400, 37));
      const split = log.lines(1);
      log.append(split.slice(0, 40));
      await dash.collect();
      log.append(split.slice(40));
      await check();
      const s1 = await dash.getDashboard();
      expect(s1.accessLog!.malformedExample).toMatch(/^garbage line \d+ with no structure$/);

      // copytruncate-style rotation: the file is emptied in place, then written again.
      truncateSync(file, 0);
      await dash.collect();
      log.append(log.lines(500, 50));
      await check();
      expect((await dash.getDashboard()).accessLog!.truncations).toBe(1);

      // rename-style rotation: the writer finishes the old file, then a new one appears at the path.
      renameSync(file, `${file}.1`);
      appendFileSync(`${file}.1`, log.lines(100));
      writeFileSync(file, log.lines(200, 20));
      await check();
      expect((await dash.getDashboard()).accessLog!.rotations).toBe(1);

      // A burst big enough for the piscina pool (batches of 4096 lines).
      log.append(log.lines(30_000, 1000));
      await check();
      // Followed and counted once: a later poll finds nothing new.
      await check();
    } finally {
      await dash.stop();
    }
    await waitFor('pool and dashboard threads gone', () => threadCount() === threadsBefore, 10_000);
  });

  it('picks up latency from the request-time field, within the histogram bound', async () => {
    const file = path.join(dir, 'timed.log');
    writeFileSync(file, '');
    const dash = await startDashboard({ builtins: ['requests'], intervalMs: 3_600_000, accessLog: { path: file, pollMs: 20 } });
    try {
      await dash.collect();
      const lines: string[] = [];
      // 90 lines at 10 ms, 10 lines at 250 ms (nginx seconds), and 100 at 10 ms as Apache %D microseconds.
      for (let i = 0; i < 100; i++)
        lines.push(`1.1.1.1 - - [21/Nov/2026:15:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x" ${i < 90 ? '0.010' : '0.250'}`);
      for (let i = 0; i < 100; i++) lines.push(`1.1.1.1 - - [21/Nov/2026:15:00:00 +0000] "GET / HTTP/1.1" 200 1 "-" "x" 10000`);
      appendFileSync(file, lines.join('\n') + '\n');
      await dash.collect();
      const r = (await dash.getDashboard()).requests!;
      expect(r.total).toBe(200);
      expect(Math.abs(r.p50LatencyMs! - 10) / 10).toBeLessThanOrEqual(0.02);
      expect(Math.abs(r.p99LatencyMs! - 250) / 250).toBeLessThanOrEqual(0.02);
      expect(r.avgLatencyMs).toBeCloseTo((190 * 10 + 10 * 250) / 200, 2);
    } finally {
      await dash.stop();
    }
  });

  it('a log without request times has unknown latency: null in the snapshot, nothing observed in /metrics', async () => {
    const file = path.join(dir, 'untimed.log');
    writeFileSync(file, '');
    const dash = await startDashboard({
      builtins: ['requests'],
      intervalMs: 3_600_000,
      accessLog: { path: file, pollMs: 20 },
      web: { port: 0 },
    });
    try {
      await dash.collect();
      const lines = Array.from(
        { length: 50 },
        (_, i) => `1.1.1.1 - - [21/Nov/2026:15:00:00 +0000] "GET / HTTP/1.1" ${i % 10 ? 200 : 503} 1 "-" "x"`,
      );
      appendFileSync(file, lines.join('\n') + '\n');
      await dash.collect();
      const r = (await dash.getDashboard()).requests!;
      expect(r).toMatchObject({ total: 50, avgLatencyMs: null, p50LatencyMs: null, p99LatencyMs: null, errorRate: 10 });
      const metrics = await fetch(`${dash.webUrl}/metrics`).then((res) => res.text());
      expect(metrics).toMatch(/^threadboard_http_requests_total 50$/m);
      expect(metrics).toMatch(/^threadboard_http_request_duration_seconds_count 0$/m);
    } finally {
      await dash.stop();
    }
  });

  it('a replayed backlog counts in the totals, its rate comes from the log’s own timestamps, and live rates leave it out (issue 10.4)', async () => {
    const file = path.join(dir, 'backlog.log');
    // 2,000 requests logged over 1,000 s of the log's own time: 2 per second, whatever the read speed.
    const t0 = Date.UTC(2026, 10, 21, 15, 0, 0);
    const stamp = (ms: number): string => {
      const d = new Date(ms);
      const mon = 'Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec'.split(' ')[d.getUTCMonth()]!;
      const two = (n: number): string => String(n).padStart(2, '0');
      return `${two(d.getUTCDate())}/${mon}/${d.getUTCFullYear()}:${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`;
    };
    const line = (ms: number, status: number, secs: string): string =>
      `1.1.1.1 - - [${stamp(ms)}] "GET / HTTP/1.1" ${status} 1 "-" "x" ${secs}`;
    writeFileSync(file, Array.from({ length: 2000 }, (_, i) => line(t0 + i * 500, i % 10 ? 200 : 500, '0.900')).join('\n') + '\n');
    const dash = await startDashboard({
      builtins: ['requests'],
      intervalMs: 3_600_000,
      accessLog: { path: file, from: 'start', pollMs: 20 },
    });
    try {
      await dash.collect();
      const replayed = await dash.getDashboard();
      expect(replayed.requests).toMatchObject({ total: 2000, rps: 0, p99LatencyMs: null, errorRate: 0 });
      expect(replayed.requests!.byStatus['5xx']).toBe(200);
      expect(replayed.accessLog!.replay).toEqual({
        requests: 2000,
        from: new Date(t0).toISOString(),
        // Log times are whole seconds.
        to: new Date(Math.floor((t0 + 1999 * 500) / 1000) * 1000).toISOString(),
        rps: 2,
        done: true,
      });
      // Live lines after the backlog are the traffic of the moment: only they are in the interval.
      appendFileSync(file, Array.from({ length: 10 }, () => line(Date.now(), 200, '0.010')).join('\n') + '\n');
      await dash.collect();
      const live = (await dash.getDashboard()).requests!;
      expect(live.total).toBe(2010);
      expect(live.errorRate).toBe(0);
      expect(Math.abs(live.p99LatencyMs! - 10) / 10).toBeLessThanOrEqual(0.02);
      expect((await dash.getDashboard()).accessLog!.replay!.requests).toBe(2000);
    } finally {
      await dash.stop();
    }
  });

  it("starts at the end by default (history is not today's traffic) and at the start when asked", async () => {
    const file = path.join(dir, 'history.log');
    const log = new LogWriter(file);
    writeFileSync(file, log.lines(300));
    const fromEnd = await startDashboard({ builtins: ['requests'], accessLog: file });
    const fromStart = await startDashboard({ builtins: ['requests'], accessLog: { path: file, from: 'start' } });
    try {
      log.append(log.lines(25));
      await Promise.all([fromEnd.collect(), fromStart.collect()]);
      expect((await fromEnd.getDashboard()).requests!.total).toBe(25);
      expect((await fromStart.getDashboard()).requests!.total).toBe(325);
    } finally {
      await Promise.all([fromEnd.stop(), fromStart.stop()]);
    }
  });

  it('rejects a directory as the log path with an OptionsError naming accessLog.path', async () => {
    await expect(startDashboard({ accessLog: dir })).rejects.toThrow(/`accessLog.path` is not a regular file/);
  });
});
