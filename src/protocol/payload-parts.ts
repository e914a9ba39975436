/**
 * A frame's payload while it arrives in pieces (a payload longer than one read), joined once when
 * the frame is complete, as ws joins its buffers: one copy of each byte, however long the payload.
 *
 * Long pieces are kept as views of the chunks pushed to the decoder: each read of a long payload
 * is that payload alone but for its first and last, so a view pins little more than its own bytes.
 * Short pieces are copied into buffers that double in size as they fill, so a payload trickled in
 * a byte per read costs no view object per byte: memory stays under about twice what arrived.
 */
import type { Allocate } from './encoder.ts';

/** Pieces at least this long are kept as views; shorter ones are copied. */
const VIEW_MIN = 1024;
/** The first buffer for short pieces (doubled from there, up to what the payload still needs). */
const FIRST_BUFFER = 256;

export class PayloadParts {
  readonly #allocate: Allocate;
  /** The pieces in order: views of pushed chunks, and buffers of short pieces. */
  #parts: Uint8Array[] = [];
  /** The buffer short pieces are copied into (the last of #parts while it is filling), and its use. */
  #buffer: Uint8Array | null = null;
  #used = 0;
  /** The size of the next buffer: doubled when one fills up, back to the first size after a long piece. */
  #nextSize = FIRST_BUFFER;
  #length = 0;

  constructor(allocate: Allocate) {
    this.#allocate = allocate;
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /** Append `part`; `remaining` is how many payload bytes are still to come, `part` included. */
  add(part: Uint8Array, remaining: number): void {
    this.#length += part.length;
    if (part.length >= VIEW_MIN) {
      // A buffer left part-filled wastes at most its size, and the next starts small again: the
      // waste stays under the bytes that arrived.
      this.#close();
      this.#nextSize = FIRST_BUFFER;
      this.#parts.push(part);
      return;
    }
    if (this.#buffer === null || this.#used + part.length > this.#buffer.length) {
      if (this.#buffer !== null) this.#nextSize = 2 * this.#buffer.length;
      this.#close();
      this.#buffer = this.#allocate(Math.min(remaining, Math.max(part.length, this.#nextSize)));
    }
    this.#buffer.set(part, this.#used);
    this.#used += part.length;
  }

  /** The pieces as one array of `length` bytes (the payload); the parts are emptied. */
  join(): Uint8Array {
    this.#close();
    const parts = this.#parts;
    const out = parts.length === 1 ? parts[0]! : this.#allocate(this.#length);
    if (parts.length > 1) {
      let at = 0;
      for (const part of parts) {
        out.set(part, at);
        at += part.length;
      }
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.#parts = [];
    this.#buffer = null;
    this.#used = 0;
    this.#nextSize = FIRST_BUFFER;
    this.#length = 0;
  }

  /** The buffer being filled goes to #parts as far as it is filled. */
  #close(): void {
    if (this.#buffer === null) return;
    this.#parts.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = null;
    this.#used = 0;
  }
}
