/**
 * The encoder: frame to bytes. The caller supplies the masking key (RFC 6455 §5.3 wants it
 * unpredictable; `randomMaskingKey()` draws one from Web Crypto).
 */
import type { FrameSpec, LengthForm } from './frame';
import { minimalLengthForm } from './frame';
import { applyMask } from './mask';
import { Opcode } from './opcodes';
import { encodeUtf8 } from './utf8';

const EMPTY = new Uint8Array(0);

/**
 * Only the header: FIN/RSV/opcode, MASK and payload length (in the form asked for, the minimal one
 * by default), and the masking key if any. Lets a sender write header and payload without copying
 * the payload into a new buffer.
 */
export function encodeHeader(spec: FrameSpec, payloadLength: number): Uint8Array {
  const key = spec.maskingKey ?? null;
  if (key !== null && key.length !== 4) throw new RangeError('a masking key is exactly 4 bytes');
  if (!Number.isInteger(spec.opcode) || spec.opcode < 0 || spec.opcode > 15) throw new RangeError('opcode is a 4-bit value');
  const form: LengthForm = spec.lengthForm ?? minimalLengthForm(payloadLength);
  if (form === 7 && payloadLength > 125) throw new RangeError('the 7-bit length form holds at most 125');
  if (form === 16 && payloadLength > 0xffff) throw new RangeError('the 16-bit length form holds at most 65535');
  const ext = form === 7 ? 0 : form === 16 ? 2 : 8;
  const header = new Uint8Array(2 + ext + (key ? 4 : 0));
  header[0] =
    (spec.fin === false ? 0 : 0b1000_0000) |
    (spec.rsv1 ? 0b0100_0000 : 0) |
    (spec.rsv2 ? 0b0010_0000 : 0) |
    (spec.rsv3 ? 0b0001_0000 : 0) |
    spec.opcode;
  const maskBit = key ? 0b1000_0000 : 0;
  if (form === 7) {
    header[1] = maskBit | payloadLength;
  } else if (form === 16) {
    header[1] = maskBit | 126;
    header[2] = payloadLength >>> 8;
    header[3] = payloadLength & 0xff;
  } else {
    header[1] = maskBit | 127;
    const high = Math.floor(payloadLength / 0x100000000);
    const low = payloadLength >>> 0;
    header[2] = high >>> 24;
    header[3] = (high >>> 16) & 0xff;
    header[4] = (high >>> 8) & 0xff;
    header[5] = high & 0xff;
    header[6] = low >>> 24;
    header[7] = (low >>> 16) & 0xff;
    header[8] = (low >>> 8) & 0xff;
    header[9] = low & 0xff;
  }
  if (key) header.set(key, 2 + ext);
  return header;
}

/** A whole frame as one byte array. The payload is copied (and masked in the copy if a key is given). */
export function encodeFrame(spec: FrameSpec): Uint8Array {
  const payload = spec.payload ?? EMPTY;
  const header = encodeHeader(spec, payload.length);
  const out = new Uint8Array(header.length + payload.length);
  out.set(header, 0);
  out.set(payload, header.length);
  const key = spec.maskingKey ?? null;
  if (key) applyMask(out.subarray(header.length), key);
  return out;
}

/**
 * The payload of a close frame: a 2-byte status code then a UTF-8 reason (RFC 6455 §5.5.1).
 * No code gives an empty payload. Throws if the reason makes the payload longer than 125 bytes.
 */
export function closePayload(code?: number | null, reason = ''): Uint8Array {
  if (code === undefined || code === null) {
    if (reason !== '') throw new RangeError('a close reason needs a status code before it');
    return EMPTY;
  }
  const text = encodeUtf8(reason);
  // RFC 6455 §5.5: control frame payloads are 125 bytes or less, so the reason is at most 123.
  if (text.length > 123) throw new RangeError(`a close reason is at most 123 bytes of UTF-8; this one is ${text.length}`);
  const out = new Uint8Array(2 + text.length);
  out[0] = code >>> 8;
  out[1] = code & 0xff;
  out.set(text, 2);
  return out;
}

export function encodeClose(code?: number | null, reason = '', maskingKey: Uint8Array | null = null): Uint8Array {
  return encodeFrame({ opcode: Opcode.Close, payload: closePayload(code, reason), maskingKey });
}

/** Read a close payload: code (or null when empty) and reason. Assumes it was validated. */
export function parseClosePayload(payload: Uint8Array): { code: number | null; reason: string } {
  if (payload.length < 2) return { code: null, reason: '' };
  const code = (payload[0]! << 8) | payload[1]!;
  return { code, reason: new TextDecoder().decode(payload.subarray(2)) };
}

// Masking keys come from Web Crypto, drawn in blocks so each frame does not pay for a call.
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolAt = POOL_SIZE;

/** A fresh, unpredictable 4-byte masking key (RFC 6455 §5.3), from `globalThis.crypto`. */
export function randomMaskingKey(): Uint8Array {
  if (poolAt + 4 > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    globalThis.crypto.getRandomValues(pool);
    poolAt = 0;
  }
  const key = pool.subarray(poolAt, poolAt + 4);
  poolAt += 4;
  return key;
}
