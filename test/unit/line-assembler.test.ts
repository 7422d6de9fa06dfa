import { describe, expect, it } from 'vitest';
import { LineAssembler, MAX_LINE_BYTES } from '../../dist/src/main/access-log/line-assembler.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array | null): string | null => (b === null ? null : new TextDecoder().decode(b));

describe('LineAssembler: whole lines out of arbitrary reads, at most one capped line held', () => {
  it('hands on whole lines and carries the unfinished one into the next read', () => {
    const a = new LineAssembler();
    expect(text(a.push(bytes('one\ntw')).lines)).toBe('one\n');
    expect(a.carried).toBe(2);
    expect(a.push(bytes('o')).lines).toBeNull();
    expect(text(a.push(bytes('\nthree\nfo')).lines)).toBe('two\nthree\n');
    expect(text(a.flush())).toBe('fo');
    expect(a.flush()).toBeNull();
  });

  it('drops a line that grows past the cap as it streams in, counts it once, and resumes after its newline', () => {
    const a = new LineAssembler(10);
    expect(a.push(bytes('ok\n0123456'))).toEqual({ lines: bytes('ok\n'), overlong: 0 });
    // 7 + 5 bytes > 10: dropped now, not when its newline finally comes.
    expect(a.push(bytes('78901'))).toEqual({ lines: null, overlong: 1 });
    expect(a.carried).toBe(0);
    expect(a.push(bytes('x'.repeat(1000)))).toEqual({ lines: null, overlong: 0 });
    expect(a.carried).toBe(0);
    expect(text(a.push(bytes('yyy\nnext\n')).lines)).toBe('next\n');
    // An unterminated overlong line at the end of a file is not a line either.
    a.push(bytes('z'.repeat(11)));
    expect(a.flush()).toBeNull();
  });

  it('a read that ends inside a too-long tail starts skipping at once', () => {
    const a = new LineAssembler(4);
    const out = a.push(bytes('ab\ncdefgh'));
    expect(out).toEqual({ lines: bytes('ab\n'), overlong: 1 });
    expect(text(a.push(bytes('ij\nkl\n')).lines)).toBe('kl\n');
  });

  it('reset() forgets the unfinished line (the file was truncated under it)', () => {
    const a = new LineAssembler();
    a.push(bytes('partial'));
    a.reset();
    expect(text(a.push(bytes('fresh\n')).lines)).toBe('fresh\n');
  });

  it('never holds more than the cap between reads, however long the line (64 KiB by default)', () => {
    const a = new LineAssembler();
    const mib = new Uint8Array(1 << 20).fill(0x61);
    let overlong = 0;
    for (let i = 0; i < 8; i++) {
      overlong += a.push(mib.slice()).overlong;
      expect(a.carried).toBeLessThanOrEqual(MAX_LINE_BYTES);
    }
    expect(overlong).toBe(1);
    expect(MAX_LINE_BYTES).toBe(65_536);
  });
});
