/**
 * One collect() round: which workers were asked, which answered. The round ends when every
 * asked worker has answered or died, or when the timeout passes, whichever comes first.
 */
export interface CollectReport {
  /** Workers whose fresh sample is in the snapshot. */
  answered: string[];
  /** Workers that died or did not answer in time. */
  missing: string[];
}

export class CollectRound {
  private readonly waiting: Set<string>;
  private readonly answered: string[] = [];
  private readonly missing: string[] = [];
  private resolve!: (report: CollectReport) => void;
  private timer: NodeJS.Timeout | null = null;
  readonly done: Promise<CollectReport>;

  constructor(
    readonly id: number,
    expected: readonly string[],
    timeoutMs: number,
  ) {
    this.waiting = new Set(expected);
    this.done = new Promise((resolve) => (this.resolve = resolve));
    if (this.waiting.size === 0) this.finish();
    else this.timer = setTimeout(() => this.finish(), timeoutMs);
  }

  answer(name: string): void {
    if (!this.waiting.delete(name)) return;
    this.answered.push(name);
    if (this.waiting.size === 0) this.finish();
  }

  drop(name: string): void {
    if (!this.waiting.delete(name)) return;
    this.missing.push(name);
    if (this.waiting.size === 0) this.finish();
  }

  private finish(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.missing.push(...this.waiting);
    this.waiting.clear();
    this.resolve({ answered: [...this.answered], missing: [...this.missing] });
  }
}
