/**
 * A streaming UTF-8 validator that fails on the first byte that cannot lead to valid UTF-8
 * (RFC 3629 §4, the same boundaries as the WHATWG decoder), so a text message is rejected
 * inside the fragment that breaks it, not at its end (RFC 6455 §8.1).
 */
export class Utf8Validator {
  /** Continuation bytes still needed by the current sequence. */
  #needed = 0;
  #lower = 0x80;
  #upper = 0xbf;
  /** Bytes of the current sequence seen so far (for locating where it started). */
  #seen = 0;

  /**
   * Feed `bytes[start, end)`. Returns -1 if everything so far can still be valid UTF-8, or the
   * index in `bytes` of the first byte that makes it invalid.
   */
  update(bytes: Uint8Array, start = 0, end = bytes.length): number {
    let needed = this.#needed;
    let lower = this.#lower;
    let upper = this.#upper;
    let seen = this.#seen;
    let i = start;
    while (i < end) {
      if (needed === 0) {
        // ASCII fast path.
        let byte = bytes[i]!;
        while (byte < 0x80) {
          if (++i === end) {
            this.#needed = 0;
            this.#seen = 0;
            return -1;
          }
          byte = bytes[i]!;
        }
        if (byte >= 0xc2 && byte <= 0xdf) {
          needed = 1;
        } else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) lower = 0xa0; // no overlong 3-byte forms
          else if (byte === 0xed) upper = 0x9f; // no UTF-16 surrogates U+D800..U+DFFF
          needed = 2;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) lower = 0x90; // no overlong 4-byte forms
          else if (byte === 0xf4) upper = 0x8f; // nothing above U+10FFFF
          needed = 3;
        } else {
          return this.#fail(i);
        }
        seen = 1;
        i++;
        continue;
      }
      const byte = bytes[i]!;
      if (byte < lower || byte > upper) return this.#fail(i);
      lower = 0x80;
      upper = 0xbf;
      needed--;
      seen = needed === 0 ? 0 : seen + 1;
      i++;
    }
    this.#needed = needed;
    this.#lower = lower;
    this.#upper = upper;
    this.#seen = seen;
    return -1;
  }

  /** True when the bytes so far end on a character boundary. */
  get complete(): boolean {
    return this.#needed === 0;
  }

  /** Bytes of an unfinished sequence at the end of what was fed. */
  get pendingBytes(): number {
    return this.#seen;
  }

  reset(): void {
    this.#needed = 0;
    this.#lower = 0x80;
    this.#upper = 0xbf;
    this.#seen = 0;
  }

  #fail(index: number): number {
    this.reset();
    return index;
  }
}

/** Is the whole of `bytes` valid UTF-8? */
export function isValidUtf8(bytes: Uint8Array): boolean {
  const v = new Utf8Validator();
  return v.update(bytes) === -1 && v.complete;
}

const decoder = new TextDecoder('utf-8', { fatal: false });

/** Decode UTF-8 (already validated, or for display: invalid sequences become U+FFFD). */
export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

const encoder = new TextEncoder();

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}
