/**
 * The memory every connection together may hold for its peer: what the peer sent and is not yet
 * a message (the codec's `heldBytes`: unread input, a frame's payload so far, a fragmented
 * message's fragments so far) and what the server wrote and the peer has not read yet. The
 * per-frame and per-message limits (RFC 6455 §10.4) bound one connection; this bounds the sum, so
 * that 1,024 peers each holding a message just under 16 MiB do not make the server hold 16 GiB.
 *
 * Each connection reports what it holds after it handles a read or writes; when the total passes
 * the budget, the connection holding the most is failed (the server closes it with 1013 Try Again
 * Later) and stops counting: a flood is cut where it is, and a peer that sends a normal message
 * meanwhile is not the one turned away.
 */

export interface BudgetHolder {
  /** Over budget: this holder holds the most; close it. Its later reports are ignored. */
  overBudget(held: number, total: number, limit: number): void;
}

export class MemoryBudget {
  readonly limit: number;
  #total = 0;
  readonly #held = new Map<BudgetHolder, number>();
  readonly #shed = new WeakSet<BudgetHolder>();

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Bytes held by every connection together. */
  get total(): number {
    return this.#total;
  }

  /** `holder` now holds `bytes`. */
  report(holder: BudgetHolder, bytes: number): void {
    if (this.#shed.has(holder)) return;
    this.#set(holder, bytes);
    if (this.#total > this.limit) this.#shedLargest();
  }

  /** `holder` is gone (its socket closed). */
  remove(holder: BudgetHolder): void {
    this.#set(holder, 0);
  }

  #set(holder: BudgetHolder, bytes: number): void {
    const before = this.#held.get(holder) ?? 0;
    if (bytes === before) return;
    if (bytes === 0) this.#held.delete(holder);
    else this.#held.set(holder, bytes);
    this.#total += bytes - before;
  }

  #shedLargest(): void {
    while (this.#total > this.limit) {
      let largest: BudgetHolder | null = null;
      let most = 0;
      for (const [holder, bytes] of this.#held) {
        if (bytes > most) {
          most = bytes;
          largest = holder;
        }
      }
      if (largest === null) return;
      const total = this.#total;
      this.#set(largest, 0);
      this.#shed.add(largest);
      largest.overBudget(most, total, this.limit);
    }
  }
}
