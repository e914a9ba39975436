/**
 * What the codec benchmarks feed both implementations: masked frames as a client sends them,
 * built here by hand (neither implementation's encoder), cut into socket-sized reads.
 */

export type PayloadKind = 'text' | 'binary';

export interface DecodeCase {
  /** Row name, e.g. "16 B text". */
  name: string;
  size: number;
  kind: PayloadKind;
}

/** Node's default socket read size: what a server's 'data' events look like under load. */
export const READ_SIZE = 64 * 1024;

/** Deterministic bytes (xorshift32). */
export function randomBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

// Mostly ASCII with some 2-, 3- and 4-byte characters, as chat text is.
const SAMPLE =
  'The quick brown fox jumps over the lazy dog; Zoë’s café serves crème brûlée — ½ price ✓ 🦊. ' +
  'WebSocket frames carry text as UTF-8: “hello, world”, 你好, привет, 12345 67890. ';

/** Exactly `length` bytes of valid UTF-8 text. */
export function textBytes(length: number): Uint8Array {
  const sample = new TextEncoder().encode(SAMPLE);
  const out = new Uint8Array(length);
  for (let at = 0; at < length; at += sample.length) out.set(sample.subarray(0, Math.min(sample.length, length - at)), at);
  // The cut may end inside a multi-byte character: replace that character's bytes with dots.
  let lead = length - 1;
  while (lead >= 0 && (out[lead]! & 0b1100_0000) === 0b1000_0000) lead--;
  if (lead >= 0 && out[lead]! >= 0xc0) {
    const size = out[lead]! >= 0xf0 ? 4 : out[lead]! >= 0xe0 ? 3 : 2;
    if (length - lead < size) out.fill(0x2e, lead);
  }
  return out;
}

export function payloadFor(size: number, kind: PayloadKind, seed = 1): Uint8Array {
  return kind === 'text' ? textBytes(size) : randomBytes(size, seed);
}

/** One frame as a client sends it (RFC 6455 §5.2, masked per §5.3). */
export function maskedFrame(opcode: number, payload: Uint8Array, key: Uint8Array): Uint8Array {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = new Uint8Array(2 + ext + 4 + n);
  out[0] = 0b1000_0000 | opcode;
  if (ext === 0) out[1] = 0b1000_0000 | n;
  else if (ext === 2) {
    out[1] = 0b1000_0000 | 126;
    out[2] = n >>> 8;
    out[3] = n & 0xff;
  } else {
    out[1] = 0b1000_0000 | 127;
    const view = new DataView(out.buffer);
    view.setUint32(2, Math.floor(n / 0x100000000));
    view.setUint32(6, n >>> 0);
  }
  const at = 2 + ext;
  out.set(key, at);
  for (let i = 0; i < n; i++) out[at + 4 + i] = payload[i]! ^ key[i & 3]!;
  return out;
}

export interface Stream {
  /** The wire bytes, cut into reads. */
  chunks: Uint8Array[];
  frames: number;
  payloadBytes: number;
}

/** About `targetBytes` of masked frames of one size and kind, cut into READ_SIZE reads. */
export function frameStream(c: DecodeCase, targetBytes = 1024 * 1024): Stream {
  const opcode = c.kind === 'text' ? 0x1 : 0x2;
  const frameBytes = c.size + 14;
  const frames = Math.max(1, Math.floor(targetBytes / frameBytes));
  const payload = payloadFor(c.size, c.kind);
  const keys = randomBytes(frames * 4, 7);
  const encoded: Uint8Array[] = [];
  let total = 0;
  for (let f = 0; f < frames; f++) {
    const frame = maskedFrame(opcode, payload, keys.subarray(f * 4, f * 4 + 4));
    encoded.push(frame);
    total += frame.length;
  }
  const wire = new Uint8Array(total);
  let at = 0;
  for (const frame of encoded) {
    wire.set(frame, at);
    at += frame.length;
  }
  const chunks: Uint8Array[] = [];
  for (let i = 0; i < total; i += READ_SIZE) chunks.push(wire.slice(i, Math.min(total, i + READ_SIZE)));
  return { chunks, frames, payloadBytes: frames * c.size };
}
