/** Base64 (RFC 4648 §4), without Node's Buffer: the encoding of Sec-WebSocket-Key and Sec-WebSocket-Accept. */

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_INDEX: ReadonlyMap<number, number> = new Map(Array.from(ALPHABET, (ch, i) => [ch.charCodeAt(0), i]));

/** Standard base64 with padding: base64Encode(bytes of "hello") is "aGVsbG8=". */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    out += b === undefined ? '=' : ALPHABET[(n >> 6) & 63]!;
    out += c === undefined ? '=' : ALPHABET[n & 63]!;
  }
  return out;
}

/**
 * Strict base64: the standard alphabet, padded to a multiple of 4 characters, no whitespace,
 * and unused bits zero (RFC 4648 §3.5), so each byte string has exactly one spelling.
 * Returns null for anything else.
 */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const sextets = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const isPad = last && j >= 4 - padding;
      const value = isPad ? 0 : ALPHABET_INDEX.get(text.charCodeAt(i + j));
      if (value === undefined) return null;
      sextets[j] = value;
    }
    const n = (sextets[0]! << 18) | (sextets[1]! << 12) | (sextets[2]! << 6) | sextets[3]!;
    // RFC 4648 §3.5: the bits left over before the padding must be zero.
    if (last && padding === 2 && (n & 0xffff) !== 0) return null;
    if (last && padding === 1 && (n & 0xff) !== 0) return null;
    out[at++] = n >> 16;
    if (at < out.length) out[at++] = (n >> 8) & 0xff;
    if (at < out.length) out[at++] = n & 0xff;
  }
  return out;
}
