/**
 * fs.watch (inotify on Linux) as a hint that a log may have changed, so the follower reads
 * within milliseconds instead of at the next poll. It only ever wakes the follower, which
 * re-checks everything itself: a lost or spurious event costs at most one poll interval.
 * Watching can fail (inotify limits, a directory that does not exist yet, a platform without
 * it); then this is simply off and polling carries on alone. It never throws.
 */
import { watch, type FSWatcher } from 'node:fs';

export class ChangeWatch {
  private watcher: FSWatcher | null = null;

  /**
   * @param target a directory (events for its entries) or a file.
   * @param wanted which entry names are worth a wake-up (directory watches name the entry).
   */
  constructor(
    readonly target: string,
    private readonly wanted: (name: string | null) => boolean,
    private readonly wake: () => void,
  ) {}

  get active(): boolean {
    return this.watcher !== null;
  }

  /** Starts watching if not already; returns whether it is watching now. */
  ensure(): boolean {
    if (this.watcher) return true;
    try {
      // persistent: false: a watch must never be what keeps the host process alive.
      const w = watch(this.target, { persistent: false }, (_event, name) => {
        if (this.wanted(typeof name === 'string' ? name : null)) this.wake();
      });
      w.on('error', () => {
        // The watched directory went away, or the kernel dropped the watch: poll until ensure() again.
        if (this.watcher === w) this.watcher = null;
        w.close();
        this.wake();
      });
      this.watcher = w;
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
