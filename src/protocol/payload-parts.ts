/**
 * A frame's payload while it arrives in pieces (a payload longer than one read), unmasked and
 * joined: one copy of each byte into the payload's own array, however long the payload, as ws
 * joins its buffers.
 *
 * By default each piece is unmasked in place, in the chunk pushed to the decoder (so the chunks end
 * up holding the unmasked payload: the decoder page shows them so), and the pieces are joined once
 * the frame is complete. Long pieces are kept as views of those chunks: each read of a long payload
 * is that payload alone but for its first and last, so a view pins little more than its own bytes.
 * Short pieces are copied into buffers that double in size as they fill, so a payload trickled in a
 * byte per read costs no view object per byte: memory stays under about twice what arrived.
 *
 * `direct` (the decoder's `unmaskInPlace: false`): the WebAssembly kernel copies each piece into
 * its memory and out again to unmask it, so the pieces are copied out straight to their place in
 * the payload's own array instead of back into the chunk, and never joined: one pass over the bytes
 * less. The array is allocated once half the payload has arrived (so it is at most twice what
 * arrived; a peer that declares a long payload and sends little of it gets no more memory than it
 * sent), and the pieces before are copied in then. Pieces whose bytes are not checked as they arrive
 * (binary) are left masked until then, and unmasked on the way in.
 */
import type { Allocate } from './encoder.ts';
import { applyMaskKept, maskInto, maskIntoKept, NOT_KEPT } from './mask.ts';

/** A plain Uint8Array view of `bytes` (itself when it is one). */
function plain(bytes: Uint8Array): Uint8Array {
  return Object.getPrototypeOf(bytes) === Uint8Array.prototype ? bytes : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length);
}

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

  // The payload being read (`begin`).
  #total = 0;
  #key: Uint8Array | null = null;
  #direct = false;
  /** Must each piece be unmasked as it comes (its bytes are checked as they arrive)? */
  #eager = true;
  /** The pieces in #parts are still masked (left for the payload's own array). */
  #masked = false;
  /** The payload's own array once pieces go straight into it (`direct`), and the payload offset from which they did. */
  #whole: Uint8Array | null = null;
  /** #whole as a plain view, for the checked pieces' views (a Buffer's subarray() is slow). */
  #wholeView: Uint8Array | null = null;
  #wholeFrom = 0;
  /** Where the masking kernel left a copy of the last piece added, unmasked (`applyMaskKept`), or NOT_KEPT. */
  kept = NOT_KEPT;

  constructor(allocate: Allocate) {
    this.#allocate = allocate;
  }

  /**
   * A payload of `total` bytes begins: masked with `key` (null: not masked); `direct`: its pieces may
   * be unmasked straight into the payload's own array rather than in place; `eager`: each piece's
   * bytes are needed unmasked as it comes (a text payload checked as it arrives).
   */
  begin(total: number, key: Uint8Array | null, direct: boolean, eager: boolean): void {
    this.clear();
    this.#total = total;
    this.#key = key;
    this.#direct = direct && key !== null;
    this.#eager = eager;
  }

  /** Bytes held. */
  get length(): number {
    return this.#length;
  }

  /**
   * How many bytes from the payload's start the pushed chunks hold unmasked: the pieces unmasked in
   * place. The bytes after, up to `length`, are in the chunks as they were sent.
   */
  get unmaskedInChunks(): number {
    if (this.#whole !== null) return this.#wholeFrom;
    return this.#masked ? 0 : this.#length;
  }

  /**
   * Add the payload's next piece, `part`, a view of a pushed chunk. Returns its bytes unmasked (a
   * view of the payload's own array, or `part` unmasked in place) when `eager`; otherwise `part`,
   * unmasked in place or not.
   */
  add(part: Uint8Array): Uint8Array {
    const at = this.#length;
    const key = this.#key;
    this.kept = NOT_KEPT;
    if (this.#direct && this.#whole === null && 2 * (at + part.length) >= this.#total) this.#startWhole();
    const whole = this.#whole;
    if (whole !== null) {
      this.kept = maskIntoKept(part, key!, at, whole, at);
      this.#length += part.length;
      // Only a checked piece's bytes are looked at.
      return this.#eager ? this.#wholeView!.subarray(at, at + part.length) : part;
    }
    if (key !== null) {
      if (this.#eager || !this.#direct) this.kept = applyMaskKept(part, key, at);
      else this.#masked = true;
    }
    this.#keep(part);
    return part;
  }

  /** The pieces as one array of `length` bytes (the payload), unmasked; the parts are emptied. */
  join(): Uint8Array {
    if (this.#masked) this.#startWhole();
    let out = this.#whole;
    if (out === null) {
      this.#close();
      const parts = this.#parts;
      out = parts.length === 1 ? parts[0]! : this.#allocate(this.#length);
      if (parts.length > 1) {
        let at = 0;
        for (const part of parts) {
          out.set(part, at);
          at += part.length;
        }
      }
    } else if (this.#length < out.length) {
      out = out.subarray(0, this.#length);
    }
    this.clear();
    return out;
  }

  clear(): void {
    this.kept = NOT_KEPT;
    this.#parts = [];
    this.#buffer = null;
    this.#used = 0;
    this.#nextSize = FIRST_BUFFER;
    this.#length = 0;
    this.#masked = false;
    this.#whole = null;
    this.#wholeView = null;
    this.#wholeFrom = 0;
  }

  /** Keep `part`: as a view when long, else copied into the buffer being filled. */
  #keep(part: Uint8Array): void {
    const remaining = this.#total - this.#length;
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

  /** The payload's own array: the pieces so far copied in (unmasked on the way if they were left masked). */
  #startWhole(): void {
    this.#close();
    const whole = this.#allocate(this.#total);
    let at = 0;
    for (const part of this.#parts) {
      if (this.#masked) maskInto(part, this.#key!, at, whole, at);
      else whole.set(part, at);
      at += part.length;
    }
    this.#wholeFrom = this.#masked ? 0 : at;
    this.#parts = [];
    this.#masked = false;
    this.#whole = whole;
    this.#wholeView = plain(whole);
  }

  /** The buffer being filled goes to #parts as far as it is filled. */
  #close(): void {
    if (this.#buffer === null) return;
    this.#parts.push(this.#buffer.subarray(0, this.#used));
    this.#buffer = null;
    this.#used = 0;
  }
}
