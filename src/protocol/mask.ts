/**
 * RFC 6455 §5.3: "Octet i of the transformed data is the XOR of octet i of the original data with
 * octet at index i modulo 4 of the masking key." Masking and unmasking are the same operation.
 */

/** Below this many bytes a byte loop beats setting up a 32-bit view. */
const WORD_THRESHOLD = 32;

/**
 * XOR `data` in place with `key`, as if `data` started at byte `keyOffset` of a payload
 * (so a payload can be unmasked piece by piece as it arrives). Works 4 bytes at a time on
 * anything longer than a few words.
 */
export function applyMask(data: Uint8Array, key: Uint8Array, keyOffset = 0): void {
  const length = data.length;
  const k0 = key[0]!;
  const k1 = key[1]!;
  const k2 = key[2]!;
  const k3 = key[3]!;
  let i = 0;
  let j = keyOffset & 3;
  if (length >= WORD_THRESHOLD) {
    // Walk to a 4-byte aligned address, then XOR whole words.
    const misaligned = (4 - ((data.byteOffset + 0) & 3)) & 3;
    for (; i < misaligned; i++, j = (j + 1) & 3) data[i] = data[i]! ^ key[j]!;
    const words = (length - i) >>> 2;
    if (words > 0) {
      // The key rotated so that its first byte lines up with data[i]; built through a byte view so
      // the word has the platform's byte order.
      const rotated = new Uint8Array(4);
      rotated[0] = key[j]!;
      rotated[1] = key[(j + 1) & 3]!;
      rotated[2] = key[(j + 2) & 3]!;
      rotated[3] = key[(j + 3) & 3]!;
      const keyWord = new Uint32Array(rotated.buffer)[0]!;
      const view = new Uint32Array(data.buffer, data.byteOffset + i, words);
      for (let w = 0; w < words; w++) view[w] = view[w]! ^ keyWord;
      i += words << 2;
      // j is unchanged: a whole number of words keeps the key phase.
    }
  }
  for (; i < length; i++, j = (j + 1) & 3) {
    data[i] = data[i]! ^ (j === 0 ? k0 : j === 1 ? k1 : j === 2 ? k2 : k3);
  }
}

/** A masked copy of `data`, leaving `data` untouched. */
export function maskCopy(data: Uint8Array, key: Uint8Array, keyOffset = 0): Uint8Array {
  const out = data.slice();
  applyMask(out, key, keyOffset);
  return out;
}
