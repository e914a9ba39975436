/**
 * A fixed-capacity ring buffer: the capture keeps the newest `capacity` items and counts what it
 * had to let go, so a long session stays bounded in memory and the page can say so.
 *
 * Items get consecutive sequence numbers (0, 1, 2, …) for the whole life of the buffer, `clear()`
 * included, so a selection made by sequence number never points at a different item later.
 */
export class RingBuffer<T> {
  #items: (T | undefined)[];
  #capacity: number;
  /** Index in `#items` of the oldest item. */
  #head = 0;
  #length = 0;
  /** Items ever pushed (the next item's sequence number). */
  #total = 0;
  /** Items pushed out by newer ones since the last clear. */
  #evicted = 0;

  /** `startSeq`: the first item's sequence number (a resized capture continues its numbering). */
  constructor(capacity: number, startSeq = 0) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(`ring buffer capacity must be a positive integer, not ${capacity}`);
    }
    this.#capacity = capacity;
    this.#items = new Array<T | undefined>(capacity);
    this.#total = startSeq;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Items held now (at most `capacity`). */
  get length(): number {
    return this.#length;
  }

  /** Items ever pushed; also the sequence number the next item will get. */
  get total(): number {
    return this.#total;
  }

  /** Items dropped to make room since the last `clear()`. */
  get evicted(): number {
    return this.#evicted;
  }

  /** Sequence number of the oldest item held (equal to `total` when empty). */
  get firstSeq(): number {
    return this.#total - this.#length;
  }

  /** Appends an item, dropping the oldest when full. Returns the item's sequence number. */
  push(item: T): number {
    if (this.#length < this.#capacity) {
      this.#items[(this.#head + this.#length) % this.#capacity] = item;
      this.#length++;
    } else {
      this.#items[this.#head] = item;
      this.#head = (this.#head + 1) % this.#capacity;
      this.#evicted++;
    }
    return this.#total++;
  }

  /** The item at `index` (0 = oldest held), or undefined outside `0..length-1`. */
  at(index: number): T | undefined {
    if (!Number.isInteger(index) || index < 0 || index >= this.#length) return undefined;
    return this.#items[(this.#head + index) % this.#capacity];
  }

  /** The item with sequence number `seq`, if it is still held. */
  bySeq(seq: number): T | undefined {
    return this.at(seq - this.firstSeq);
  }

  /** Items `from` (inclusive) to `to` (exclusive), by index, clamped to what is held. */
  slice(from = 0, to = this.#length): T[] {
    const start = Math.max(0, Math.min(from, this.#length));
    const end = Math.max(start, Math.min(to, this.#length));
    const out: T[] = [];
    for (let i = start; i < end; i++) out.push(this.#items[(this.#head + i) % this.#capacity] as T);
    return out;
  }

  /** The last item that satisfies `predicate`, searching from the newest. */
  findLast(predicate: (item: T) => boolean): T | undefined {
    for (let i = this.#length - 1; i >= 0; i--) {
      const item = this.#items[(this.#head + i) % this.#capacity] as T;
      if (predicate(item)) return item;
    }
    return undefined;
  }

  /** Drops every item; sequence numbers keep counting up. */
  clear(): void {
    this.#items = new Array<T | undefined>(this.#capacity);
    this.#head = 0;
    this.#length = 0;
    this.#evicted = 0;
  }
}
