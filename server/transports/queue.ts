/**
 * The echoes waiting for one client of one HTTP transport, in the order their messages arrived,
 * bounded in count and bytes, and all runs' queues together by a shared budget. A poll
 * acknowledges what it has (`?after=N`: everything up to N arrived), so an answer lost on the way
 * is sent again by the next poll and nothing is lost. An event stream has no acknowledgements:
 * what it wrote stays for a reconnecting client's `Last-Event-ID` until newer echoes need the room.
 */
import type { EchoItem } from '../../src/wire/compare.ts';

export interface QueueLimits {
  /** Echoes held at most. */
  maxMessages: number;
  /** Bytes of echo text held at most. */
  maxBytes: number;
}

export type AcceptResult = 'queued' | 'duplicate' | 'full';

/** Bytes shared by many holders (every run's queues, every request body being read), at most `max` in all. */
export class ByteBudget {
  readonly max: number;
  #used = 0;

  constructor(max: number) {
    this.max = max;
  }

  get used(): number {
    return this.#used;
  }

  /** Take `bytes` if they fit; false (nothing taken) if not. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.max) return false;
    this.#used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}

interface Entry extends EchoItem {
  bytes: number;
}

export class EchoQueue {
  readonly #limits: QueueLimits;
  readonly #shared: ByteBudget;
  #entries: Entry[] = [];
  #bytes = 0;
  /** The highest seq accepted: a message with this seq or lower again is a retry. */
  #highest = 0;

  /** `shared`: the bytes every run's queues may hold together. */
  constructor(limits: QueueLimits, shared: ByteBudget) {
    this.#limits = limits;
    this.#shared = shared;
  }

  get length(): number {
    return this.#entries.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  get highest(): number {
    return this.#highest;
  }

  /**
   * Queue the echo of message `seq` (`bytes` of text). A seq at or below the highest accepted is a
   * retry of a message already queued: `duplicate`, nothing changes. Over the limits, echoes with a
   * seq up to `evictUpTo` (those an event stream already wrote) make room, oldest first; if that is
   * not enough: `full`, nothing changes.
   */
  accept(seq: number, text: string, bytes: number, evictUpTo = 0): AcceptResult {
    if (seq <= this.#highest) return 'duplicate';
    const { maxMessages, maxBytes } = this.#limits;
    const over = (drop: number, freed: number): boolean =>
      this.#entries.length - drop + 1 > maxMessages || this.#bytes - freed + bytes > maxBytes || this.#shared.used - freed + bytes > this.#shared.max;
    let drop = 0;
    let freed = 0;
    while (over(drop, freed) && drop < this.#entries.length && this.#entries[drop]!.seq <= evictUpTo) {
      freed += this.#entries[drop]!.bytes;
      drop++;
    }
    if (over(drop, freed)) return 'full';
    if (drop > 0) this.#entries = this.#entries.slice(drop);
    this.#bytes -= freed;
    this.#shared.give(freed);
    this.#shared.take(bytes);
    this.#entries.push({ seq, text, bytes });
    this.#bytes += bytes;
    this.#highest = seq;
    return 'queued';
  }

  /** Forget every echo (the run is forgotten): their bytes go back to the shared budget. */
  clear(): void {
    this.#shared.give(this.#bytes);
    this.#entries = [];
    this.#bytes = 0;
  }

  /** The client has every echo up to `after`: forget them. */
  ack(after: number): void {
    let drop = 0;
    let freed = 0;
    while (drop < this.#entries.length && this.#entries[drop]!.seq <= after) {
      freed += this.#entries[drop]!.bytes;
      drop++;
    }
    if (drop === 0) return;
    this.#entries = this.#entries.slice(drop);
    this.#bytes -= freed;
    this.#shared.give(freed);
  }

  /** The echoes after `after`, oldest first, as many as fit in `maxBytes` of text (but at least one). */
  since(after: number, maxBytes = Infinity): EchoItem[] {
    const out: EchoItem[] = [];
    let bytes = 0;
    for (const entry of this.#entries) {
      if (entry.seq <= after) continue;
      if (out.length > 0 && bytes + entry.bytes > maxBytes) break;
      bytes += entry.bytes;
      out.push({ seq: entry.seq, text: entry.text });
    }
    return out;
  }
}
