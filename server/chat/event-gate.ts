/**
 * Where a store's events come in: each is delivered once, in `seq` order. While the store is not
 * ready (connecting, cut off, catching up) events are held; catching up delivers the messages
 * missed, then lets the room compare who is here, then what was held after that point.
 */
import type { StoreEvent } from './store.ts';

/** Events held while catching up; past this the oldest go (the history covers them). */
const HELD_MAX = 10_000;

export class EventGate {
  readonly #deliver: (event: StoreEvent) => void;
  #highWater = 0;
  #held: StoreEvent[] = [];
  #open = false;

  constructor(deliver: (event: StoreEvent) => void) {
    this.#deliver = deliver;
  }

  /** The last `seq` delivered (or caught up to). */
  get highWater(): number {
    return this.#highWater;
  }

  receive(event: StoreEvent): void {
    if (this.#open) {
      this.#pass(event);
      return;
    }
    this.#held.push(event);
    if (this.#held.length > HELD_MAX) this.#held.shift();
  }

  /** Holds what arrives from now on. */
  hold(): void {
    this.#open = false;
  }

  /** Starts after `seq` (the room as it was then is known): what was held after it goes through. */
  openAfter(seq: number): void {
    this.#highWater = Math.max(this.#highWater, seq);
    this.#open = true;
    this.#release();
  }

  /**
   * After an outage, with a snapshot taken at `seq`: the messages missed up to it (from `sources`,
   * the history and inbox, and from what was held), then `resync()` for the joins and leaves, which
   * the snapshot's user list already says, then everything held after it.
   */
  catchUp(sources: StoreEvent[], seq: number, resync: () => void): void {
    const missed = [...sources, ...this.#held].filter(
      (event) => event.seq > this.#highWater && event.seq <= seq && event.kind !== 'join' && event.kind !== 'leave',
    );
    for (const event of inOrder(missed)) this.#pass(event);
    this.#highWater = Math.max(this.#highWater, seq);
    resync();
    this.#open = true;
    this.#release();
  }

  #release(): void {
    const held = this.#held;
    this.#held = [];
    for (const event of inOrder(held)) this.#pass(event);
  }

  #pass(event: StoreEvent): void {
    if (event.seq <= this.#highWater) return;
    this.#highWater = event.seq;
    this.#deliver(event);
  }
}

/** By `seq`, each once. */
export function inOrder(events: StoreEvent[]): StoreEvent[] {
  const bySeq = new Map<number, StoreEvent>();
  for (const event of events) bySeq.set(event.seq, event);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
