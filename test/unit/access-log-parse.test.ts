import { describe, expect, it } from 'vitest';
import { parseBatch, parseLine } from '../../dist/src/pool/access-log-parse.js';

const base =
  '203.0.113.9 - alice [21/Nov/2026:15:00:00 +0000] "GET /a?b=\\"c\\" HTTP/1.1" 200 512 "https://ref.example/" "Mozilla/5.0 (X11; Linux)"';

describe('combined log format', () => {
  it('reads status and the optional request time (decimal = seconds, integer = microseconds)', () => {
    expect(parseLine(base)).toEqual({ status: 200, micros: null, time: '21/Nov/2026:15:00:00 +0000' });
    expect(parseLine(`${base} 0.125`)).toMatchObject({ status: 200, micros: 125_000 });
    expect(parseLine(`${base} 125000`)).toMatchObject({ status: 200, micros: 125_000 });
    expect(parseLine(`${base} -`)).toMatchObject({ status: 200, micros: null });
    expect(parseLine(base.replace('" 200 512', '" 503 -'))).toMatchObject({ status: 503, micros: null });
  });

  it('rejects what is not a combined line', () => {
    expect(parseLine('')).toBeNull();
    expect(parseLine('hello world')).toBeNull();
    expect(parseLine(base.replace(' 200 ', ' 2000 '))).toBeNull();
    expect(parseLine(base.replace(' 200 ', ' 099 '))).toBeNull();
    expect(parseLine(base.replace('[21/Nov/2026:15:00:00 +0000]', '21/Nov/2026'))).toBeNull();
    expect(parseLine(`${base} soon`)).toBeNull();
  });

  it('folds a batch: counts, classes, timed latencies, one malformed example', () => {
    const b = parseBatch([`${base} 0.010`, base.replace(' 200 ', ' 404 '), 'bad one', '', 'bad two', `${base}\r`]);
    expect(b).toMatchObject({ lines: 5, total: 3, malformed: 2, example: 'bad one', timed: 1, latencySumMicros: 10_000 });
    expect(b.byClass).toEqual([0, 2, 0, 1, 0]);
    expect(b.buckets.length).toBe(2);
  });

  it("reads nginx's unescaped $remote_user even with spaces in it (curl -u 'us er:pw')", () => {
    const line = '127.0.0.1 - us er [22/Nov/2026:21:08:01 +0000] "GET / HTTP/1.1" 401 179 "-" "curl/7.88.1"';
    expect(parseLine(line)).toMatchObject({ status: 401, micros: null });
    expect(parseLine(line.replace('us er', 'a [b] c') + ' 0.002')).toMatchObject({ status: 401, micros: 2000 });
    expect(parseBatch([line, line.replace(' 401 ', ' 200 ')])).toMatchObject({ total: 2, malformed: 0 });
  });

  it('stays linear on hostile user names (no backtracking blow-up within the line cap)', () => {
    const hostile = [
      `1.1.1.1 - ${' ['.repeat(30_000)}`,
      `1.1.1.1 - ${' [21/Nov/2026:15:00:00 +0000] "'.repeat(2_000)}`,
      `1.1.1.1 - a ${'[21/Nov/2026:15:00:00 +0000] ""'.repeat(2_000)}`,
    ];
    const t0 = performance.now();
    for (const line of hostile) expect(parseLine(line)).toBeNull();
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('counts a line over the 64 KiB cap as malformed and overlong without parsing it', () => {
    const long = `${base} ${'x'.repeat(70_000)}`;
    const b = parseBatch([long, base, 'é'.repeat(30_000)]);
    expect(b).toMatchObject({ lines: 3, total: 1, malformed: 2, overlong: 1 });
    expect(b.example).toMatch(/longer than the 65536-byte line cap\)$/);
  });
});

describe('log times', () => {
  it('parse nginx/Apache %d/%b/%Y:%H:%M:%S %z, with its offset, to epoch ms', async () => {
    const { parseLogTime } = await import('../../dist/src/pool/access-log-parse.js');
    expect(parseLogTime('10/Oct/2026:13:55:36 +0000')).toBe(Date.UTC(2026, 9, 10, 13, 55, 36));
    expect(parseLogTime('10/Oct/2026:13:55:36 +0130')).toBe(Date.UTC(2026, 9, 10, 12, 25, 36));
    expect(parseLogTime('01/Jan/2027:00:00:00 -0800')).toBe(Date.UTC(2027, 0, 1, 8, 0, 0));
    for (const bad of ['', '10/Foo/2026:13:55:36 +0000', '10/Oct/2026 13:55:36', '2026-10-10T13:55:36Z'])
      expect(parseLogTime(bad)).toBeNull();
  });
});
