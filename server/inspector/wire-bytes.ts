/**
 * The wire bytes of a frame the codec received, for the inspector, rebuilt without copying each
 * read before the codec sees it. The codec unmasks payloads in place (RFC 6455 §5.3: "the same
 * steps are applied to mask the data as to unmask the data"), so the reads the tap keeps hold each
 * frame's header as it was sent but its payload unmasked; masking the part that is reported again
 * with the frame's masking key gives back what crossed the wire.
 */
import { maskInto, type Frame } from '../../src/protocol/index.ts';

/**
 * At most `cap` bytes of a complete frame as sent: `header`, the first `cap` bytes of its header
 * as read, then its payload masked again from the codec's unmasked payload. Only the header when
 * that is not all held (watching began inside the frame).
 */
export function frameBytes(header: Uint8Array, frame: Pick<Frame, 'headerLength' | 'payload' | 'maskingKey'>, cap: number): Uint8Array {
  const headerLength = Math.min(frame.headerLength, cap);
  if (header.length < headerLength) return header.slice();
  const payloadLength = Math.min(frame.payload.length, cap - headerLength);
  const out = new Uint8Array(headerLength + payloadLength);
  out.set(header, 0);
  const payload = frame.payload.subarray(0, payloadLength);
  if (frame.maskingKey !== null) maskInto(payload, frame.maskingKey, 0, out, headerLength);
  else out.set(payload, headerLength);
  return out;
}

/**
 * The bytes of a frame the codec failed on, as held from its header (stream offset `from`) on: a
 * copy, in which the payload the codec had unmasked in the reads (up to stream offset `unmaskedTo`,
 * the codec's `unmaskedTo`) is masked again.
 */
export function faultBytes(held: Uint8Array, from: number, unmaskedTo: number): Uint8Array {
  const bytes = held.slice();
  if (bytes.length < 2 || (bytes[1]! & 0b1000_0000) === 0) return bytes;
  // RFC 6455 §5.2: the payload length's 7-bit form, or 126 and 127 announcing 16 and 64 bits.
  const length7 = bytes[1]! & 0b0111_1111;
  const keyAt = length7 === 126 ? 4 : length7 === 127 ? 10 : 2;
  const payloadStart = keyAt + 4;
  const unmasked = Math.min(bytes.length, unmaskedTo - from);
  if (unmasked <= payloadStart) return bytes;
  maskInto(bytes.subarray(payloadStart, unmasked), bytes.subarray(keyAt, payloadStart), 0, bytes, payloadStart);
  return bytes;
}
