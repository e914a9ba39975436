/**
 * The frames that match a filter, as an index of sequence numbers kept up to date incrementally:
 * a new filter scans the held frames once, in slices the caller bounds (`more()` says when a slice
 * has used its time), and from then on only the frames that arrived since are tested. Frames the
 * capture let go fall off the front. So a filter over 200,000 frames never holds the main thread
 * longer than one slice, and live frames that match keep arriving while it is on.
 */
import type { FrameSource } from '../../inspector/capture.svelte';

/** Items by sequence number: consecutive numbers from `firstSeq`, `length` of them. */
export interface SeqSource<T> {
  readonly length: number;
  readonly firstSeq: number;
  bySeq(seq: number): T | undefined;
}

/** The matches at one moment, drawn by a list (index → item) and searched by sequence number. */
export interface FilteredView<T> extends FrameSource<T> {
  /** Position of the item with sequence number `seq` among the matches, or -1. */
  indexOfSeq(seq: number): number;
  /** Sequence number of the match at `index`. */
  seqAt(index: number): number | undefined;
}

/** Items tested per check of the slice's budget. */
const CHUNK = 256;

export class FilterIndex<T> {
  readonly #test: (item: T) => boolean;
  /** Matching sequence numbers, ascending, from `#start`. */
  #matches: number[] = [];
  #start = 0;
  /** The next sequence number to test. */
  #next: number | null = null;
  #scanFrom = 0;
  #scanEnd = 0;

  constructor(test: (item: T) => boolean) {
    this.#test = test;
  }

  /**
   * Tests the items not yet tested, oldest first, asking `more()` every few hundred whether the
   * slice may go on. True when every item of `source` has been tested.
   */
  scan(source: SeqSource<T>, more: () => boolean = () => true): boolean {
    const first = source.firstSeq;
    const end = first + source.length;
    if (this.#next === null || this.#next > end) {
      // First scan, or a source whose numbering went back (a new capture): start over.
      this.#matches = [];
      this.#start = 0;
      this.#next = first;
      this.#scanFrom = first;
    }
    if (this.#next < first) this.#next = first;
    if (this.#scanFrom < first) this.#scanFrom = first;
    this.#scanEnd = end;
    // Frames the capture let go.
    while (this.#start < this.#matches.length && this.#matches[this.#start]! < first) this.#start++;
    if (this.#start > 4096 && this.#start * 2 > this.#matches.length) {
      this.#matches = this.#matches.slice(this.#start);
      this.#start = 0;
    }
    let next = this.#next;
    const matches = this.#matches;
    while (next < end) {
      const stop = Math.min(end, next + CHUNK);
      for (; next < stop; next++) {
        const item = source.bySeq(next);
        if (item !== undefined && this.#test(item)) matches.push(next);
      }
      if (next < end && !more()) break;
    }
    this.#next = next;
    return next >= end;
  }

  /** How far the scan is: items tested and items to test, since the filter was set. */
  get progress(): { done: number; total: number } {
    const next = this.#next ?? this.#scanFrom;
    return { done: next - this.#scanFrom, total: this.#scanEnd - this.#scanFrom };
  }

  get matched(): number {
    return this.#matches.length - this.#start;
  }

  /** The matches found so far, as a list a FrameList draws (a snapshot: later matches are not in it). */
  view(source: SeqSource<T>): FilteredView<T> {
    const matches = this.#matches;
    const start = this.#start;
    const length = matches.length - start;
    const seqAt = (index: number): number | undefined => (index >= 0 && index < length ? matches[start + index] : undefined);
    return {
      length,
      seqAt,
      at: (index) => {
        const seq = seqAt(index);
        return seq === undefined ? undefined : source.bySeq(seq);
      },
      indexOfSeq: (seq) => {
        let lo = start;
        let hi = start + length - 1;
        while (lo <= hi) {
          const mid = (lo + hi) >>> 1;
          const at = matches[mid]!;
          if (at === seq) return mid - start;
          if (at < seq) lo = mid + 1;
          else hi = mid - 1;
        }
        return -1;
      },
    };
  }
}

/** The match to step to from `seq` (↑ -1, ↓ +1): the next one after it or before it, even when `seq` itself does not match. */
export function stepMatch<T>(view: FilteredView<T>, seq: number | null, delta: number): number | undefined {
  if (view.length === 0) return undefined;
  if (seq === null) return view.seqAt(delta > 0 ? 0 : view.length - 1);
  const at = view.indexOfSeq(seq);
  if (at !== -1) return view.seqAt(at + delta);
  // Not a match: the first match past it in that direction (binary search by sequence number).
  let lo = 0;
  let hi = view.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (view.seqAt(mid)! < seq) lo = mid + 1;
    else hi = mid;
  }
  return view.seqAt(delta > 0 ? lo : lo - 1);
}
