import { describe, expect, it } from 'vitest';
import { copyCandidates, isCopyOf, nextTail, RecentNames, TAIL_BYTES } from '../../dist/src/main/access-log/copy-match.js';
import { firstOffset, headsAgree, resumeOffset, SeenFiles, wasTruncated } from '../../dist/src/main/access-log/log-file-checks.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('truncation and rotation decisions', () => {
  const head = bytes('10.0.0.1 - - [22/Nov/2026:10:00:00 +0000] "GET /seq/0 HTTP/1.1" 200');

  it('a file that shrank was truncated', () => {
    expect(wasTruncated({ offset: 500, head }, 499, head)).toBe(true);
    expect(wasTruncated({ offset: 500, head }, 500, head)).toBe(false);
  });

  it('a file that was truncated and grew back past the offset is told by its first bytes', () => {
    const regrown = bytes('10.0.0.9 - - [22/Nov/2026:10:00:07 +0000] "GET /seq/99 HTTP/1.1" 200');
    expect(wasTruncated({ offset: 100, head }, 5000, regrown)).toBe(true);
    // Appends alone never change the first bytes, even when only part of them was seen before.
    expect(wasTruncated({ offset: 10, head: head.subarray(0, 10) }, 5000, head)).toBe(false);
  });

  it('heads agree on what both saw', () => {
    expect(headsAgree(bytes('abc'), bytes('abcdef'))).toBe(true);
    expect(headsAgree(bytes('abcdef'), bytes('abc'))).toBe(true);
    expect(headsAgree(bytes('abd'), bytes('abcdef'))).toBe(false);
    expect(headsAgree(new Uint8Array(0), bytes('x'))).toBe(true);
  });

  it('a file seen before resumes where we left it unless it changed underneath', () => {
    expect(resumeOffset(undefined, 1000, head)).toBe(0);
    expect(resumeOffset({ offset: 300, head }, 1000, head)).toBe(300);
    expect(resumeOffset({ offset: 300, head }, 200, head)).toBe(0);
    expect(resumeOffset({ offset: 300, head }, 1000, bytes('other content'))).toBe(0);
  });

  it("'end' applies to the file that was there at start only", () => {
    const startAt = { dev: 1, ino: 7, size: 400 };
    expect(firstOffset(startAt, { dev: 1, ino: 7 }, 900)).toBe(400);
    expect(firstOffset(startAt, { dev: 1, ino: 7 }, 100)).toBe(100);
    expect(firstOffset(startAt, { dev: 1, ino: 8 }, 900)).toBe(0);
    expect(firstOffset(null, { dev: 1, ino: 7 }, 900)).toBe(0);
  });

  it('remembers a bounded number of files', () => {
    const seen = new SeenFiles(2);
    seen.remember({ dev: 1, ino: 1 }, { offset: 10, head });
    seen.remember({ dev: 1, ino: 2 }, { offset: 20, head });
    seen.remember({ dev: 1, ino: 3 }, { offset: 30, head });
    expect(seen.recall({ dev: 1, ino: 1 })).toBeUndefined();
    expect(seen.recall({ dev: 1, ino: 3 })?.offset).toBe(30);
    expect(seen.recall({ dev: 2, ino: 3 })).toBeUndefined();
  });
});

describe('finding the copy of truncated content (copytruncate)', () => {
  const lost = {
    id: { dev: 1, ino: 10 },
    offset: 1000,
    head: bytes('first line of this content\n'),
    tail: bytes('the last bytes we read\n'),
    sinceMs: 5000,
  };
  const entry = (name: string, over: Partial<{ ino: number; isFile: boolean; size: number; ctimeMs: number }> = {}) => ({
    name,
    id: { dev: 1, ino: over.ino ?? 20 },
    isFile: over.isFile ?? true,
    size: over.size ?? 1500,
    ctimeMs: over.ctimeMs ?? 6000,
  });

  it('keeps files named like the log, written strictly after this content began, longer than what was read; newest first', () => {
    const got = copyCandidates('access.log', lost, [
      entry('access.log.1', { ctimeMs: 6000 }),
      entry('access.log-20261122', { ctimeMs: 7000, ino: 21 }),
      entry('access.log', { ino: 10 }),
      entry('error.log.1'),
      entry('access.log.2', { ctimeMs: 5000 }), // the previous rotation's copy: not newer
      entry('access.log.3', { size: 1000 }), // nothing in it we have not read
      entry('access.log.4', { isFile: false }),
      entry('access.log.5', { ino: 10 }), // the log itself under another name
    ]);
    expect(got.map((e) => e.name)).toEqual(['access.log-20261122', 'access.log.1']);
  });

  it('is the copy only with the same first bytes and the same bytes before the offset', () => {
    expect(isCopyOf(lost, bytes('first line of this content\nmore'), lost.tail)).toBe(true);
    expect(isCopyOf(lost, bytes('first line of another content\n'), lost.tail)).toBe(false);
    expect(isCopyOf(lost, bytes('first line'), lost.tail)).toBe(false);
    expect(isCopyOf(lost, bytes('first line of this content\n'), bytes('the last bytes we READ\n'))).toBe(false);
  });

  it('keeps the last TAIL_BYTES read', () => {
    const t = nextTail(bytes('abc'), bytes('def'));
    expect(new TextDecoder().decode(t)).toBe('abcdef');
    const long = new Uint8Array(TAIL_BYTES + 10).map((_, i) => i % 256);
    expect(nextTail(bytes('x'), long)).toEqual(long.slice(10));
    const mixed = nextTail(long.slice(0, TAIL_BYTES), bytes('zz'));
    expect(mixed.length).toBe(TAIL_BYTES);
    expect(mixed.subarray(-2)).toEqual(bytes('zz'));
  });

  it('remembers the last few changed names, newest last', () => {
    const r = new RecentNames(3);
    for (const n of ['a.1', 'a.2', 'a.1', 'a.3', 'a.4']) r.note(n);
    expect(r.list()).toEqual(['a.1', 'a.3', 'a.4']);
  });
});
