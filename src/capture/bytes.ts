/**
 * Byte plumbing for the capture readers: a queue of chunks with a running total (bytes are read
 * where they lie and copied only when a record spans two chunks), and joining lists of chunks once.
 * The ws receiver's habit: never concatenate on every arrival.
 */

const EMPTY = new Uint8Array(0);

/** Chunks pushed in order, read from the front. Reads that fit in one chunk are views. */
export class ByteQueue {
  #chunks: Uint8Array[] = [];
  /** Read position in the first chunk. */
  #pos = 0;
  #length = 0;
  /** Bytes taken so far: the offset in the whole input of the next unread byte. */
  #consumed = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#length += chunk.length;
  }

  /** Bytes held, not yet taken. */
  get length(): number {
    return this.#length;
  }

  /** Offset in the whole input of the next byte to be read. */
  get offset(): number {
    return this.#consumed;
  }

  /** The byte at `index` from the front (0 <= index < length). */
  byteAt(index: number): number {
    let i = index + this.#pos;
    for (const chunk of this.#chunks) {
      if (i < chunk.length) return chunk[i]!;
      i -= chunk.length;
    }
    throw new RangeError(`byteAt(${index}) past the ${this.#length} bytes held`);
  }

  /** `n` bytes from `index` (not consumed): a view when they lie in one chunk, else a copy. */
  peek(index: number, n: number): Uint8Array {
    if (index + n > this.#length) throw new RangeError(`peek(${index}, ${n}) past the ${this.#length} bytes held`);
    if (n === 0) return EMPTY;
    let i = index + this.#pos;
    let c = 0;
    while (i >= this.#chunks[c]!.length) {
      i -= this.#chunks[c]!.length;
      c++;
    }
    const first = this.#chunks[c]!;
    if (i + n <= first.length) return first.subarray(i, i + n);
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.#chunks[c++]!;
      const part = chunk.subarray(i, Math.min(chunk.length, i + n - filled));
      out.set(part, filled);
      filled += part.length;
      i = 0;
    }
    return out;
  }

  /** Unsigned 16- and 32-bit integers at `index`, in the byte order asked for. */
  uint16(index: number, littleEndian: boolean): number {
    const a = this.byteAt(index);
    const b = this.byteAt(index + 1);
    return littleEndian ? a | (b << 8) : (a << 8) | b;
  }

  uint32(index: number, littleEndian: boolean): number {
    const b = this.peek(index, 4);
    return readUint32(b, 0, littleEndian);
  }

  /** Take `n` bytes from the front (a view when they lie in one chunk). */
  take(n: number): Uint8Array {
    const out = this.peek(0, n);
    this.skip(n);
    return out;
  }

  /** Drop `n` bytes from the front. */
  skip(n: number): void {
    if (n > this.#length) throw new RangeError(`skip(${n}) past the ${this.#length} bytes held`);
    this.#length -= n;
    this.#consumed += n;
    let left = n;
    while (left > 0) {
      const chunk = this.#chunks[0]!;
      const here = chunk.length - this.#pos;
      if (left < here) {
        this.#pos += left;
        return;
      }
      left -= here;
      this.#chunks.shift();
      this.#pos = 0;
    }
  }
}

export function readUint16(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian ? b[at]! | (b[at + 1]! << 8) : (b[at]! << 8) | b[at + 1]!;
}

export function readUint32(b: Uint8Array, at: number, littleEndian: boolean): number {
  return littleEndian
    ? (b[at]! | (b[at + 1]! << 8) | (b[at + 2]! << 16) | (b[at + 3]! << 24)) >>> 0
    : ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
}

/** The chunks joined into one array (one allocation; the only chunk itself when there is one). */
export function joinChunks(chunks: readonly Uint8Array[], total?: number): Uint8Array {
  if (chunks.length === 1) return chunks[0]!;
  const size = total ?? chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** Lowercase hex without separators. */
export function hexOf(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]!]!;
  return out;
}

const HEX: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** Bytes from lowercase or uppercase hex without separators; null when `text` is not that. */
export function bytesOfHex(text: string): Uint8Array | null {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return null;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** "1,234 bytes", "1 byte". */
export function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/** A string of 8-bit characters (an HTTP head) as bytes. */
export function latin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i) & 0xff;
  return out;
}
