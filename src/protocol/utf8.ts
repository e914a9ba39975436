import { NOT_KEPT } from './mask.ts';
import { activeKernels, KERNEL_BLOCK, type Utf8Kernel } from './wasm/kernels.ts';

/**
 * A streaming UTF-8 validator that fails on the first byte that cannot lead to valid UTF-8
 * (RFC 3629 §4, the same boundaries as the WHATWG decoder), so a text message is rejected
 * inside the fragment that breaks it, not at its end (RFC 6455 §8.1).
 */
/**
 * A whole-buffer check (Node's `buffer.isUtf8`, say) that a caller may lend the validator: pieces
 * that start on a character boundary are checked by it first, and only a piece it rejects (or the
 * unfinished sequence at a piece's end) goes through the JavaScript state machine, which finds the
 * exact byte at fault. The protocol stays free of Node: the check is passed in.
 */
export type Utf8Check = (bytes: Uint8Array) => boolean;

/**
 * Pieces shorter than this are faster in the JavaScript loop than through a native call or the
 * WebAssembly kernel (wasm/utf8.wat), whose bytes must first be copied into its memory.
 */
export const UTF8_KERNEL_THRESHOLD = 256;

export class Utf8Validator {
  readonly #check: Utf8Check | null;
  /** Continuation bytes still needed by the current sequence. */
  #needed = 0;
  #lower = 0x80;
  #upper = 0xbf;
  /** Bytes of the current sequence seen so far (for locating where it started). */
  #seen = 0;

  constructor(check: Utf8Check | null = null) {
    this.#check = check;
  }

  /**
   * Feed `bytes[start, end)`. Returns -1 if everything so far can still be valid UTF-8, or the
   * index in `bytes` of the first byte that makes it invalid. `kept`: where the kernels' memory
   * holds a copy of `bytes[start, end)` (the masking kernel just left it there, `applyMaskKept`), or
   * NOT_KEPT; the UTF-8 kernel then validates that copy instead of copying the bytes in.
   */
  update(bytes: Uint8Array, start = 0, end = bytes.length, kept = NOT_KEPT): number {
    const kernel = activeKernels.utf8;
    if (end - start >= UTF8_KERNEL_THRESHOLD && (this.#check !== null || kernel !== null)) {
      if (this.#needed !== 0) {
        // A character begun in the last piece: its remaining bytes by the state machine, the rest
        // of this piece through the fast paths.
        const stop = start + this.#needed;
        const bad = this.#run(bytes, start, stop);
        if (bad !== -1) return bad;
        if (kept !== NOT_KEPT) kept += stop - start;
        start = stop;
      }
      // Leave an unfinished sequence at the end to the state machine; the rest is whole characters.
      const cut = lastBoundary(bytes, start, end);
      // The lent check first (native, the fastest), else the kernel; on a rejection the kernel
      // says in which group the error is, and the state machine finds the byte from there.
      const valid = this.#check !== null ? this.#check(bytes.subarray(start, cut)) : false;
      const restart = valid ? -1 : kernel !== null ? kernelRestart(kernel, bytes, start, cut, kept) : start;
      if (restart === -1) {
        if (cut === end) return -1;
        start = cut;
      } else {
        start = restart;
      }
    }
    return this.#run(bytes, start, end);
  }

  /** The state machine over `bytes[start, end)`: -1, or the index of the first byte at fault. */
  #run(bytes: Uint8Array, start: number, end: number): number {
    let needed = this.#needed;
    let lower = this.#lower;
    let upper = this.#upper;
    let seen = this.#seen;
    let i = start;
    // Long pieces often start with (or are all) ASCII: skip that prefix eight bytes per step.
    if (needed === 0 && end - start >= 256) i = asciiPrefixEnd(bytes, start, end);
    while (i < end) {
      if (needed === 0) {
        const byte = bytes[i]!;
        if (byte < 0x80) {
          // ASCII: four bytes per step while all four are ASCII, then one at a time.
          i++;
          while (i + 4 <= end && (bytes[i]! | bytes[i + 1]! | bytes[i + 2]! | bytes[i + 3]!) < 0x80) i += 4;
          while (i < end && bytes[i]! < 0x80) i++;
          continue;
        }
        // A whole sequence inside this piece is checked at once.
        if (byte >= 0xc2 && byte <= 0xdf) {
          if (i + 1 < end) {
            if ((bytes[i + 1]! & 0xc0) !== 0x80) return this.#fail(i + 1);
            i += 2;
            continue;
          }
          needed = 1;
        } else if (byte >= 0xe0 && byte <= 0xef) {
          if (byte === 0xe0) lower = 0xa0; // no overlong 3-byte forms
          else if (byte === 0xed) upper = 0x9f; // no UTF-16 surrogates U+D800..U+DFFF
          if (i + 2 < end) {
            const b1 = bytes[i + 1]!;
            if (b1 < lower || b1 > upper) return this.#fail(i + 1);
            if ((bytes[i + 2]! & 0xc0) !== 0x80) return this.#fail(i + 2);
            lower = 0x80;
            upper = 0xbf;
            i += 3;
            continue;
          }
          needed = 2;
        } else if (byte >= 0xf0 && byte <= 0xf4) {
          if (byte === 0xf0) lower = 0x90; // no overlong 4-byte forms
          else if (byte === 0xf4) upper = 0x8f; // nothing above U+10FFFF
          if (i + 3 < end) {
            const b1 = bytes[i + 1]!;
            if (b1 < lower || b1 > upper) return this.#fail(i + 1);
            if ((bytes[i + 2]! & 0xc0) !== 0x80) return this.#fail(i + 2);
            if ((bytes[i + 3]! & 0xc0) !== 0x80) return this.#fail(i + 3);
            lower = 0x80;
            upper = 0xbf;
            i += 4;
            continue;
          }
          needed = 3;
        } else {
          return this.#fail(i);
        }
        // The sequence runs past the end of this piece: continue it byte by byte.
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

/**
 * Where the ASCII prefix of `bytes[i, end)` ends, give or take the last word: eight bytes per
 * step through an aligned word view.
 */
function asciiPrefixEnd(bytes: Uint8Array, i: number, end: number): number {
  while (((bytes.byteOffset + i) & 3) !== 0) {
    if (bytes[i]! >= 0x80) return i;
    i++;
  }
  const words = new Int32Array(bytes.buffer, bytes.byteOffset + i, (end - i) >>> 2);
  const pairs = words.length - 1;
  let w = 0;
  while (w < pairs && ((words[w]! | words[w + 1]!) & 0x80808080) === 0) w += 2;
  return i + (w << 2);
}

/**
 * Check the whole characters `bytes[start, cut)` through the WebAssembly kernel, a block of at most
 * KERNEL_BLOCK bytes at a time, each cut on a character boundary, copied into the kernels' memory
 * unless a copy is `kept` there already. -1 when they are valid; else a character boundary a few
 * bytes before the group (64 bytes) where the kernel saw the first error, from which the state
 * machine finds the exact byte at fault.
 */
function kernelRestart(kernel: Utf8Kernel, bytes: Uint8Array, start: number, cut: number, kept: number): number {
  const memory = kernel.memory;
  let at = start;
  while (at < cut) {
    const stop = cut - at > KERNEL_BLOCK ? lastBoundary(bytes, at, at + KERNEL_BLOCK) : cut;
    const n = stop - at;
    let from = 0;
    if (kept !== NOT_KEPT && stop === cut && at === start && n <= KERNEL_BLOCK) from = kept;
    else memory.set(bytes.subarray(at, stop), 0);
    const group = kernel.validate(from, n);
    if (group !== -1) {
      // Only in the zero block: the block ends inside a character, which its cut rules out. Should it
      // happen, the state machine reads the whole block.
      if (at + group >= stop) return at;
      // The kernel sees a bad lead byte (0xC0, 0xF5, ...) only with the byte after it, so the byte
      // at fault may be the one just before the group; back from there to the start of its character.
      let restart = Math.max(at, at + group - 1);
      while (restart > at && (bytes[restart]! & 0b1100_0000) === 0b1000_0000) restart--;
      return restart;
    }
    at = stop;
  }
  return -1;
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

/**
 * The end of the last whole character in `bytes[start, end)`: `end`, or the index of a lead byte
 * whose sequence runs past `end`. Looks at the last three bytes at most.
 */
function lastBoundary(bytes: Uint8Array, start: number, end: number): number {
  for (let i = end - 1; i >= start && i >= end - 3; i--) {
    const byte = bytes[i]!;
    if (byte < 0x80) return end; // ASCII: every sequence before it is closed
    if (byte >= 0xc0) {
      const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : 2;
      return i + length > end ? i : end;
    }
    // a continuation byte: keep looking for its lead
  }
  return end;
}
