/**
 * Open connections per client address key. An entry exists only while its address has a
 * connection open, so the map never holds more keys than the server has connections.
 */
export class AddressCounts {
  private readonly counts = new Map<string, number>();
  private open = 0;

  /** Counts one more connection for `key` unless it already has `max`; false means refuse it. */
  tryAdd(key: string, max: number): boolean {
    const n = this.counts.get(key) ?? 0;
    if (n >= max) return false;
    this.counts.set(key, n + 1);
    this.open += 1;
    return true;
  }

  /** One connection of `key`, counted by tryAdd(), has closed. */
  remove(key: string): void {
    const n = this.counts.get(key);
    if (n === undefined) return;
    if (n <= 1) this.counts.delete(key);
    else this.counts.set(key, n - 1);
    this.open -= 1;
  }

  of(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Connections counted and not yet removed, over all addresses. */
  get total(): number {
    return this.open;
  }

  /** Addresses with at least one connection open. */
  get addresses(): number {
    return this.counts.size;
  }
}
