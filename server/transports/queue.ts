/**
 * The echoes waiting for one client of one HTTP transport, in the order their messages arrived,
 * bounded in count and bytes. A poll acknowledges what it has (`?after=N`: everything up to N
 * arrived), so an answer lost on the way is sent again by the next poll and nothing is lost. An
 * event stream has no acknowledgements: what it wrote stays for a reconnecting client's
 * `Last-Event-ID` until newer echoes need the room.
 */
import type { EchoItem } from '../../src/wire/compare.ts';

export interface QueueLimits {
  /** Echoes held at most. */
  maxMessages: number;
  /** Bytes of echo text held at most. */
  maxBytes: number;
}

export type AcceptResult = 'queued' | 'duplicate' | 'full';

interface Entry extends EchoItem {
  bytes: number;
}

export class EchoQueue {
  readonly #limits: QueueLimits;
  #entries: Entry[] = [];
  #bytes = 0;
  /** The highest seq accepted: a message with this seq or lower again is a retry. */
  #highest = 0;

  constructor(limits: QueueLimits) {
    this.#limits = limits;
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
    if (bytes > maxBytes) return 'full';
    let drop = 0;
    let freed = 0;
    while (
      (this.#entries.length - drop + 1 > maxMessages || this.#bytes - freed + bytes > maxBytes) &&
      drop < this.#entries.length &&
      this.#entries[drop]!.seq <= evictUpTo
    ) {
      freed += this.#entries[drop]!.bytes;
      drop++;
    }
    if (this.#entries.length - drop + 1 > maxMessages || this.#bytes - freed + bytes > maxBytes) return 'full';
    if (drop > 0) this.#entries = this.#entries.slice(drop);
    this.#bytes -= freed;
    this.#entries.push({ seq, text, bytes });
    this.#bytes += bytes;
    this.#highest = seq;
    return 'queued';
  }

  /** The client has every echo up to `after`: forget them. */
  ack(after: number): void {
    let drop = 0;
    while (drop < this.#entries.length && this.#entries[drop]!.seq <= after) {
      this.#bytes -= this.#entries[drop]!.bytes;
      drop++;
    }
    if (drop > 0) this.#entries = this.#entries.slice(drop);
  }

  /** The echoes after `after`, oldest first. */
  since(after: number): EchoItem[] {
    const out: EchoItem[] = [];
    for (const entry of this.#entries) if (entry.seq > after) out.push({ seq: entry.seq, text: entry.text });
    return out;
  }
}
