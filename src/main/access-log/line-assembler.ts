/**
 * Turns successive reads of a log into runs of whole lines, holding at most one line's worth
 * of bytes between reads. A line that grows past MAX_LINE_BYTES without a newline is dropped
 * as it streams in (counted in `overlong`), so a 200 MB line costs no more memory than a short
 * one. Lines that arrive whole within one read are left to the parser, which applies the same
 * cap (see access-log-parse.ts): this class only bounds what it has to keep.
 */

/** The longest line read, in bytes without its newline; longer ones are counted and skipped. */
export const MAX_LINE_BYTES = 64 * 1024;

const NEWLINE = 10;

export interface Assembled {
  /** Whole lines, each ending in '\n', or null when the read completed none. */
  lines: Uint8Array | null;
  /** Lines dropped by this call because they grew past the cap. */
  overlong: number;
}

export class LineAssembler {
  /** The unterminated last line so far (never longer than the cap). */
  private carry: Uint8Array = new Uint8Array(0);
  /** Inside an overlong line: everything up to its newline is dropped. */
  private skipping = false;

  constructor(private readonly maxLineBytes = MAX_LINE_BYTES) {}

  /**
   * Takes the next bytes of the file. `data` must not be used by the caller afterwards: the
   * returned lines may be a view of it, handed on (and transferred) as is to avoid a copy.
   */
  push(data: Uint8Array): Assembled {
    let start = 0;
    if (this.skipping) {
      const nl = data.indexOf(NEWLINE);
      if (nl === -1) return { lines: null, overlong: 0 };
      this.skipping = false;
      start = nl + 1;
    }
    const last = data.lastIndexOf(NEWLINE);
    if (last < start) return { lines: null, overlong: this.keep(this.carry, data.subarray(start)) };
    const head = this.carry;
    const body = data.subarray(start, last + 1);
    let lines: Uint8Array;
    if (head.length === 0) lines = body;
    else {
      lines = new Uint8Array(head.length + body.length);
      lines.set(head, 0);
      lines.set(body, head.length);
    }
    const overlong = this.keep(new Uint8Array(0), data.subarray(last + 1));
    return { lines, overlong };
  }

  /** The file is finished (rotated away): an unterminated last line still counts. */
  flush(): Uint8Array | null {
    const rest = this.carry;
    this.reset();
    return rest.length > 0 ? rest : null;
  }

  /** Starts over (the file was truncated): what was carried belonged to the old content. */
  reset(): void {
    this.carry = new Uint8Array(0);
    this.skipping = false;
  }

  /** Bytes held between reads, for tests. */
  get carried(): number {
    return this.carry.length;
  }

  /** Carries `prefix + tail` to the next read, or drops it when that passes the cap (returns 1). */
  private keep(prefix: Uint8Array, tail: Uint8Array): number {
    if (prefix.length + tail.length > this.maxLineBytes) {
      this.carry = new Uint8Array(0);
      this.skipping = true;
      return 1;
    }
    // A copy: `tail` is a view of a buffer that is handed on and may be transferred.
    const next = new Uint8Array(prefix.length + tail.length);
    next.set(prefix, 0);
    next.set(tail, prefix.length);
    this.carry = next;
    return 0;
  }
}
