/**
 * Runs a follower's ticks one at a time: on a timer (the poll fallback), on a wake-up hint
 * (fs.watch), at once again when the last tick stopped at its read budget (after yielding to
 * the event loop, so a backlog never stalls the host), and on demand for catchUp(). A tick
 * never overlaps another; a hint that arrives during one runs the next right after it.
 */

export interface TickOutcome {
  /** The tick stopped at its read budget: more is there to read now. */
  behind: boolean;
  /** When to look again if nothing wakes us sooner. */
  nextMs: number;
  /** Whether a wake-up hint may run a tick at once (false while erroring: hints wait for nextMs). */
  wakeable: boolean;
}

/** What a tick is for: `thorough` when someone waits for it (catchUp) or it is the poll fallback. */
export interface TickReason {
  thorough: boolean;
}

interface Waiter {
  /** Only a tick started after this sequence number answers the waiter. */
  after: number;
  resolve: () => void;
}

export class TickLoop {
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private woken = false;
  private stopped = false;
  private started = 0;
  private last: TickOutcome | null = null;
  private waiters: Waiter[] = [];

  constructor(private readonly tick: (reason: TickReason) => Promise<TickOutcome>) {}

  start(): void {
    this.runSoon();
  }

  /** Something may have changed: look now (or right after the tick in progress). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.woken = true;
      return;
    }
    if (this.last === null || this.last.wakeable) this.runSoon();
  }

  /**
   * Resolves once a tick that started after this call has read everything there was (or found
   * nothing to read: the file is missing or unreadable), or at `deadlineMs`, whichever is first.
   * Never rejects.
   */
  catchUp(deadlineMs: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      let timer: NodeJS.Timeout | null = null;
      const waiter: Waiter = {
        after: this.started,
        resolve: () => {
          if (timer) clearTimeout(timer);
          resolve();
        },
      };
      this.waiters.push(waiter);
      if (Number.isFinite(deadlineMs)) {
        timer = setTimeout(
          () => {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            resolve();
          },
          Math.max(0, deadlineMs - Date.now()),
        );
      }
      if (this.running) this.woken = true;
      else this.runSoon();
    });
  }

  /** No tick starts after this; waits for the one in progress at most `boundMs`. */
  async stop(boundMs: number): Promise<void> {
    this.stopped = true;
    this.clearSchedule();
    for (const w of this.waiters.splice(0)) w.resolve();
    const running = this.running;
    if (!running) return;
    let timer: NodeJS.Timeout | null = null;
    await Promise.race([running, new Promise<void>((r) => (timer = setTimeout(r, boundMs)))]);
    if (timer) clearTimeout(timer);
  }

  private runSoon(): void {
    if (this.stopped || this.running || this.immediate) return;
    this.clearSchedule();
    this.immediate = setImmediate(() => {
      this.immediate = null;
      this.run(false);
    });
  }

  private run(byTimer: boolean): void {
    if (this.stopped || this.running) return;
    this.clearSchedule();
    this.woken = false;
    const seq = ++this.started;
    this.running = this.tick({ thorough: byTimer || this.waiters.length > 0 })
      .catch((): TickOutcome => ({ behind: false, nextMs: 1000, wakeable: true }))
      .then((outcome) => this.after(seq, outcome));
  }

  private after(seq: number, outcome: TickOutcome): void {
    this.running = null;
    this.last = outcome;
    if (this.stopped) return;
    if (!outcome.behind) {
      const done = this.waiters.filter((w) => w.after < seq);
      this.waiters = this.waiters.filter((w) => w.after >= seq);
      for (const w of done) w.resolve();
    }
    const urgent = this.waiters.length > 0 || (this.woken && outcome.wakeable);
    if (outcome.behind || urgent) {
      this.runSoon();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = null;
      this.run(true);
    }, outcome.nextMs);
    // The poll timer alone must never keep the host process alive.
    this.timer.unref();
  }

  private clearSchedule(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.immediate) clearImmediate(this.immediate);
    this.immediate = null;
  }
}
