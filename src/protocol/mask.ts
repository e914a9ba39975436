/**
 * RFC 6455 §5.3: "Octet i of the transformed data ("transformed-octet-i") is the XOR of octet i
 * of the original data ("original-octet-i") with octet at index i modulo 4 of the masking key
 * ("masking-key-octet-j")". Masking and unmasking are the same operation: "the same steps are
 * applied to mask the data as to unmask the data".
 */

import { activeKernels, KERNEL_BLOCK, type MaskKernel } from './wasm/kernels.ts';

/**
 * From this many bytes on, the WebAssembly kernel (wasm/mask.wat, 16 bytes per instruction) is
 * used where it loaded: below it, copying the bytes into its memory and back costs more than the
 * JavaScript loops save (measured in bench/, `npm run bench`).
 */
export const MASK_KERNEL_THRESHOLD = 512;

/**
 * From this many bytes on, XOR whole 32-bit words; below it, four bytes per step is faster than
 * setting up a word view (measured in bench/, `npm run bench`).
 */
const WORD_THRESHOLD = 128;

/** Does a 32-bit word hold its bytes lowest first? (Decides how the key is packed into a word.) */
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** Is the key all zeros? XOR with zeros changes nothing, so there is nothing to do (ws skips it too). */
function isZeroKey(key: Uint8Array): boolean {
  return (key[0]! | key[1]! | key[2]! | key[3]!) === 0;
}

/** No copy of the bytes masked is left in the kernels' memory (see `applyMaskKept`). */
export const NOT_KEPT = -1;

/**
 * XOR `data` in place with `key`, as if `data` started at byte `keyOffset` of a payload
 * (so a payload can be unmasked piece by piece as it arrives). Long data goes through the
 * WebAssembly kernel where it loaded; otherwise a word at a time, allocating nothing but one word
 * view. An all-zero key leaves the bytes as they are, untouched.
 */
export function applyMask(data: Uint8Array, key: Uint8Array, keyOffset = 0): void {
  applyMaskKept(data, key, keyOffset);
}

/**
 * `applyMask`, saying where a copy of the result is left: the offset in the kernels' memory where
 * the WebAssembly kernel left the bytes it unmasked (when they fitted in one block), valid until the
 * next kernel call, or NOT_KEPT. The UTF-8 validator takes it to check a text payload's bytes where
 * they are rather than copying them in again (`Utf8Validator.update`).
 */
export function applyMaskKept(data: Uint8Array, key: Uint8Array, keyOffset = 0): number {
  if (isZeroKey(key)) return NOT_KEPT;
  const kernel = activeKernels.mask;
  if (kernel !== null && data.length >= MASK_KERNEL_THRESHOLD) return maskThroughKernel(kernel, data, key, keyOffset, data, 0);
  maskWords(data, key, keyOffset);
  return NOT_KEPT;
}

/**
 * Write `source`, masked with `key` from key offset `keyOffset`, into `target` at `targetOffset`
 * (the copying form: `source` is left untouched). The encoder masks a payload into its frame so.
 */
export function maskInto(source: Uint8Array, key: Uint8Array, keyOffset: number, target: Uint8Array, targetOffset: number): void {
  maskIntoKept(source, key, keyOffset, target, targetOffset);
}

/** `maskInto`, saying where a copy of the result is left in the kernels' memory, as `applyMaskKept`. */
export function maskIntoKept(source: Uint8Array, key: Uint8Array, keyOffset: number, target: Uint8Array, targetOffset: number): number {
  const kernel = activeKernels.mask;
  if (kernel !== null && source.length >= MASK_KERNEL_THRESHOLD && !isZeroKey(key)) {
    return maskThroughKernel(kernel, source, key, keyOffset, target, targetOffset);
  }
  target.set(source, targetOffset);
  if (!isZeroKey(key)) maskWords(target.subarray(targetOffset, targetOffset + source.length), key, keyOffset);
  return NOT_KEPT;
}

/**
 * Through the kernels' memory, a block at a time: copy in, XOR 16 bytes per instruction, copy out
 * to `target` (which may be `source`: in place). Blocks are whole multiples of 4 bytes long, so the
 * key's phase is the same at the start of each. Returns where the result is left in the memory (0)
 * when it was one block, else NOT_KEPT.
 */
function maskThroughKernel(kernel: MaskKernel, source: Uint8Array, key: Uint8Array, keyOffset: number, target: Uint8Array, targetOffset: number): number {
  const j = keyOffset & 3;
  // The key rotated to the phase of source[0], little-endian as WebAssembly loads words.
  const keyWord = key[j]! | (key[(j + 1) & 3]! << 8) | (key[(j + 2) & 3]! << 16) | (key[(j + 3) & 3]! << 24);
  const memory = kernel.memory;
  const length = source.length;
  // A subclass (Node's Buffer) makes each subarray() go through its species constructor, several
  // times slower than a plain view: one plain view of the same bytes for a long source.
  const from = length > KERNEL_BLOCK && Object.getPrototypeOf(source) !== Uint8Array.prototype ? new Uint8Array(source.buffer, source.byteOffset, length) : source;
  for (let at = 0; at < length; at += KERNEL_BLOCK) {
    const n = Math.min(KERNEL_BLOCK, length - at);
    memory.set(n === length ? from : from.subarray(at, at + n), 0);
    kernel.mask(0, n, keyWord);
    target.set(memory.subarray(0, n), targetOffset + at);
  }
  return length <= KERNEL_BLOCK ? 0 : NOT_KEPT;
}

/** The JavaScript path: a word at a time on long data, four bytes per step on short data. */
function maskWords(data: Uint8Array, key: Uint8Array, keyOffset: number): void {
  const length = data.length;
  let i = 0;
  let j = keyOffset & 3;
  if (length >= WORD_THRESHOLD) {
    // Walk to a 4-byte aligned address, then XOR whole words.
    const misaligned = (4 - (data.byteOffset & 3)) & 3;
    for (; i < misaligned; i++, j = (j + 1) & 3) data[i] = data[i]! ^ key[j]!;
    // The key rotated so that its first byte lines up with data[i], packed in the platform's
    // byte order. A whole number of words keeps the key phase, so j is unchanged after them.
    const a = key[j]!;
    const b = key[(j + 1) & 3]!;
    const c = key[(j + 2) & 3]!;
    const d = key[(j + 3) & 3]!;
    const keyWord = LITTLE_ENDIAN ? a | (b << 8) | (c << 16) | (d << 24) : (a << 24) | (b << 16) | (c << 8) | d;
    const words = (length - i) >>> 2;
    // Int32 (not Uint32) so every value stays a small integer for the JIT; eight words per step.
    const view = new Int32Array(data.buffer, data.byteOffset + i, words);
    const unrolled = words & ~7;
    let w = 0;
    for (; w < unrolled; w += 8) {
      view[w] = view[w]! ^ keyWord;
      view[w + 1] = view[w + 1]! ^ keyWord;
      view[w + 2] = view[w + 2]! ^ keyWord;
      view[w + 3] = view[w + 3]! ^ keyWord;
      view[w + 4] = view[w + 4]! ^ keyWord;
      view[w + 5] = view[w + 5]! ^ keyWord;
      view[w + 6] = view[w + 6]! ^ keyWord;
      view[w + 7] = view[w + 7]! ^ keyWord;
    }
    for (; w < words; w++) view[w] = view[w]! ^ keyWord;
    i += words << 2;
  }
  // The rest (or all of short data), four bytes per step with the key in phase.
  const k0 = key[j]!;
  const k1 = key[(j + 1) & 3]!;
  const k2 = key[(j + 2) & 3]!;
  const k3 = key[(j + 3) & 3]!;
  const fours = i + ((length - i) & ~3);
  for (; i < fours; i += 4) {
    data[i] = data[i]! ^ k0;
    data[i + 1] = data[i + 1]! ^ k1;
    data[i + 2] = data[i + 2]! ^ k2;
    data[i + 3] = data[i + 3]! ^ k3;
  }
  if (i < length) data[i] = data[i]! ^ k0;
  if (i + 1 < length) data[i + 1] = data[i + 1]! ^ k1;
  if (i + 2 < length) data[i + 2] = data[i + 2]! ^ k2;
}

/** A masked copy of `data`, leaving `data` untouched. */
export function maskCopy(data: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  const out = new Uint8Array(data.length);
  maskInto(data, key, keyOffset, out, 0);
  return out;
}
