/**
 * One direction of a TCP connection put back in order (RFC 9293 §3.4: sequence numbers): segments
 * are placed by sequence number, retransmitted bytes are given once (the first copy wins),
 * segments that arrive early wait until the bytes before them come, and a FIN ends the stream
 * once everything before it is there. Sequence numbers wrap at 2^32; offsets here are counted
 * from the first byte after the SYN (or from the first segment seen, when the SYN was not
 * captured) and do not.
 *
 * Bytes are copied once, out of the packet, and handed on in order; nothing is concatenated. A
 * hole that is never filled (a packet the capture missed, or cut by the snapshot length) ends the
 * stream there: what follows cannot be read as frames without guessing, and nothing is invented.
 */

/** Where a direction's bytes go, in order. */
export interface StreamSink {
  /** The next bytes of the stream (owned by the sink), from the packet `packet` at `time`. */
  data(bytes: Uint8Array, time: number, packet: number): void;
  /**
   * `missing` bytes at stream offset `at` were never captured; the stream stops there.
   * `atByte`: the file offset of the packet that showed it.
   */
  gap(missing: number, at: number, atByte: number): void;
  /** The stream ended: FIN, RST, or the end of the capture (`eof`). Not called after a gap. */
  end(how: 'fin' | 'rst' | 'eof'): void;
}

export interface SegmentIn {
  seq: number;
  syn: boolean;
  fin: boolean;
  payload: Uint8Array;
  /** Payload length on the wire (more than `payload.length` when the capture cut the packet). */
  payloadLength: number;
  time: number;
  packet: number;
  fileOffset: number;
}

interface Pending {
  offset: number;
  bytes: Uint8Array;
  time: number;
  packet: number;
  fileOffset: number;
}

/** Bytes waiting behind a hole before the hole is taken as lost for good. */
export const MAX_PENDING_BYTES = 32 * 1024 * 1024;
export const MAX_PENDING_SEGMENTS = 65_536;

export class StreamReassembler {
  readonly #sink: StreamSink;
  #started = false;
  /** Sequence number of the byte at stream offset `#delivered`. */
  #next = 0;
  /** Bytes handed to the sink so far. */
  #delivered = 0;
  /** Early segments, sorted by offset. */
  #pending: Pending[] = [];
  #pendingBytes = 0;
  /** Stream offset where the FIN is (the offset just after the last byte), once seen. */
  #finAt: number | null = null;
  /** The furthest offset any segment claimed, and the packet that claimed it. */
  #knownEnd = 0;
  #knownEndByte = 0;
  #done = false;

  constructor(sink: StreamSink) {
    this.#sink = sink;
  }

  /** Bytes handed on so far. */
  get delivered(): number {
    return this.#delivered;
  }

  /** Has the stream ended (FIN, RST, a gap, or the end of the capture)? */
  get done(): boolean {
    return this.#done;
  }

  segment(s: SegmentIn): void {
    if (this.#done) return;
    // The SYN takes one sequence number; data (if any) starts after it.
    const seq = s.syn ? (s.seq + 1) >>> 0 : s.seq;
    if (!this.#started) {
      if (!s.syn && s.payloadLength === 0 && !s.fin) return; // a bare ACK says nothing about where data starts
      this.#started = true;
      this.#next = seq;
    } else if (s.syn) {
      return; // a retransmitted SYN
    }
    const offset = this.#delivered + ((seq - this.#next) | 0);
    const claimedEnd = offset + s.payloadLength;
    if (claimedEnd > this.#knownEnd) {
      this.#knownEnd = claimedEnd;
      this.#knownEndByte = s.fileOffset;
    }
    if (s.fin && this.#finAt === null) this.#finAt = claimedEnd;
    const end = offset + s.payload.length;
    if (s.payload.length > 0 && end > this.#delivered) {
      const from = Math.max(0, this.#delivered - offset);
      const entry: Pending = {
        offset: offset + from,
        // A copy (the codec unmasks in place; the caller's bytes are never written to). Not
        // `slice()`: on a Node Buffer that is a view.
        bytes: new Uint8Array(s.payload.subarray(from)),
        time: s.time,
        packet: s.packet,
        fileOffset: s.fileOffset,
      };
      if (entry.offset === this.#delivered && this.#pending.length === 0) this.#deliver(entry);
      else this.#insert(entry);
    }
    this.#drain();
    if (this.#finAt !== null && this.#delivered >= this.#finAt && !this.#done) {
      this.#done = true;
      this.#sink.end('fin');
      return;
    }
    if (this.#pendingBytes > MAX_PENDING_BYTES || this.#pending.length > MAX_PENDING_SEGMENTS) this.#giveUp();
  }

  /** A RST: the connection is gone; what is in order is already handed on. */
  reset(): void {
    if (this.#done) return;
    if (this.#holeAhead()) this.#giveUp();
    else {
      this.#done = true;
      this.#sink.end('rst');
    }
  }

  /** The capture is over: a hole still open is a gap; otherwise the stream just stops. */
  finish(): void {
    if (this.#done) return;
    if (this.#holeAhead()) this.#giveUp();
    else {
      this.#done = true;
      this.#sink.end('eof');
    }
  }

  #holeAhead(): boolean {
    return this.#pending.length > 0 || this.#knownEnd > this.#delivered;
  }

  #giveUp(): void {
    const first = this.#pending[0];
    const missing = first !== undefined ? first.offset - this.#delivered : this.#knownEnd - this.#delivered;
    const atByte = first !== undefined ? first.fileOffset : this.#knownEndByte;
    this.#pending = [];
    this.#pendingBytes = 0;
    this.#done = true;
    this.#sink.gap(missing, this.#delivered, atByte);
  }

  #deliver(entry: Pending): void {
    this.#delivered = entry.offset + entry.bytes.length;
    this.#next = (this.#next + entry.bytes.length) >>> 0;
    this.#sink.data(entry.bytes, entry.time, entry.packet);
  }

  #insert(entry: Pending): void {
    const list = this.#pending;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (list[mid]!.offset <= entry.offset) lo = mid + 1;
      else hi = mid;
    }
    list.splice(lo, 0, entry);
    this.#pendingBytes += entry.bytes.length;
  }

  #drain(): void {
    const list = this.#pending;
    let i = 0;
    while (i < list.length && list[i]!.offset <= this.#delivered) {
      const entry = list[i++]!;
      this.#pendingBytes -= entry.bytes.length;
      const skip = this.#delivered - entry.offset;
      if (skip >= entry.bytes.length) continue; // all of it came already
      this.#deliver(skip === 0 ? entry : { ...entry, offset: this.#delivered, bytes: entry.bytes.subarray(skip) });
    }
    if (i > 0) list.splice(0, i);
  }
}
