/**
 * Where the frames the server writes begin and end. The codec hands out whole frames (each
 * `takeOutgoing()` holds whole frames, a frame's header in one chunk, its payload in the same chunk
 * or the next), and each header the encoder wrote says its own length and its payload's: so the
 * connection knows every frame it wrote from the first two bytes of each (plus the extended
 * length), without parsing what it sent (RFC 6455 §5.2's header layout, read as written; nothing
 * is checked, so frames broken on purpose are found the same way).
 *
 * Should a header ever be cut across chunks or calls, its first bytes are kept until the rest
 * comes: the boundaries stay right for any chunking.
 */

/** A frame the connection wrote: where it starts in the outgoing stream and what its header says. */
export interface WrittenFrame {
  /** Stream offset of the frame's first byte (bytes written on this connection after the handshake). */
  offset: number;
  headerLength: number;
  payloadLength: number;
  opcode: number;
  fin: boolean;
  /** RSV1: with permessage-deflate, the first frame of a compressed message. */
  rsv1: boolean;
  masked: boolean;
}

/** The longest header: 2 bytes, 8 of extended payload length, 4 of masking key. */
const MAX_HEADER = 14;

export class FrameBoundaries {
  /** Stream offset of the next byte written. */
  #offset = 0;
  /** Bytes of the current frame still to come after its header. */
  #remaining = 0;
  /** The first bytes of a header cut at the end of a chunk. */
  readonly #header = new Uint8Array(MAX_HEADER);
  #headerHave = 0;
  #headerStart = 0;

  /** Bytes written so far (the stream offset of the next byte). */
  get offset(): number {
    return this.#offset;
  }

  /**
   * Account for `chunks`, written in this order. Returns how many frames begin in them; with `out`,
   * pushes each of those frames to it too (the counting alone allocates nothing).
   */
  scan(chunks: readonly Uint8Array[], out: WrittenFrame[] | null = null): number {
    let frames = 0;
    for (const chunk of chunks) {
      const length = chunk.length;
      let at = 0;
      while (at < length) {
        if (this.#remaining > 0) {
          const take = Math.min(this.#remaining, length - at);
          this.#remaining -= take;
          at += take;
          continue;
        }
        const need = this.#headerHave === 0 ? headerLengthAt(chunk, at) : null;
        if (need !== null && at + need <= length) {
          // The usual case: a whole header at the start of a chunk.
          frames++;
          this.#remaining = this.#found(chunk, at, this.#offset + at, out);
          at += need;
          continue;
        }
        // A header cut across chunks: gather it a byte at a time.
        if (this.#headerHave === 0) this.#headerStart = this.#offset + at;
        this.#header[this.#headerHave++] = chunk[at++]!;
        if (this.#headerHave === headerLengthAt(this.#header, 0, this.#headerHave)) {
          this.#headerHave = 0;
          frames++;
          this.#remaining = this.#found(this.#header, 0, this.#headerStart, out);
        }
      }
      this.#offset += length;
    }
    return frames;
  }

  /** A whole header at bytes[at]: report it; returns its payload length. */
  #found(bytes: Uint8Array, at: number, offset: number, out: WrittenFrame[] | null): number {
    const b0 = bytes[at]!;
    const b1 = bytes[at + 1]!;
    const masked = (b1 & 0b1000_0000) !== 0;
    const payloadLength = payloadLengthAt(bytes, at);
    if (out !== null) {
      out.push({
        offset,
        headerLength: headerLengthAt(bytes, at)!,
        payloadLength,
        opcode: b0 & 0b0000_1111,
        fin: (b0 & 0b1000_0000) !== 0,
        rsv1: (b0 & 0b0100_0000) !== 0,
        masked,
      });
    }
    return payloadLength;
  }
}

/** The header length of the frame at bytes[at], or null when fewer than 2 of its bytes are there. */
function headerLengthAt(bytes: Uint8Array, at: number, end = bytes.length): number | null {
  if (end - at < 2) return null;
  const b1 = bytes[at + 1]!;
  const length7 = b1 & 0b0111_1111;
  return 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + ((b1 & 0b1000_0000) !== 0 ? 4 : 0);
}

/** The payload length a whole header at bytes[at] declares (RFC 6455 §5.2: 7 bits, or 126 + 16 bits, or 127 + 64 bits). */
function payloadLengthAt(bytes: Uint8Array, at: number): number {
  const length7 = bytes[at + 1]! & 0b0111_1111;
  if (length7 === 126) return (bytes[at + 2]! << 8) | bytes[at + 3]!;
  if (length7 !== 127) return length7;
  const high = ((bytes[at + 2]! << 24) | (bytes[at + 3]! << 16) | (bytes[at + 4]! << 8) | bytes[at + 5]!) >>> 0;
  const low = ((bytes[at + 6]! << 24) | (bytes[at + 7]! << 16) | (bytes[at + 8]! << 8) | bytes[at + 9]!) >>> 0;
  return high * 2 ** 32 + low;
}
