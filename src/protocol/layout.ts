/**
 * Layout: the bytes of one frame as an ordered list of fields, each with its place in the bit grid
 * of RFC 6455 §5.2 (bit offset and length), its raw bits, its decoded value and a one-line
 * explanation. The bit grid, the decoder page and the CLI all draw from this.
 *
 * It reads the bytes itself, without judging them, so it can lay out a frame that is incomplete
 * (fields present so far, then what is missing) or broken (the parser's fault says which bytes).
 */
import { closeCodeInfo } from './close-codes.ts';
import type { LengthForm } from './frame.ts';
import { applyMask } from './mask.ts';
import { isControl, Opcode, opcodeInfo } from './opcodes.ts';

export type FieldKey =
  | 'fin'
  | 'rsv1'
  | 'rsv2'
  | 'rsv3'
  | 'opcode'
  | 'mask'
  | 'payload-length'
  | 'extended-payload-length'
  | 'masking-key'
  | 'payload';

export interface LayoutField {
  key: FieldKey;
  /** The label the grid shows: "FIN", "RSV1", …, "Payload length", "Extended payload length", "Masking key", "Payload". */
  label: string;
  /** Bit position from the frame's first bit (bit 0 is the most significant bit of byte 0). */
  bitOffset: number;
  bitLength: number;
  /** Stream offset of the first byte the field touches, and how many bytes it touches. */
  byteOffset: number;
  byteLength: number;
  /** The field's bits as '0'/'1' (null for the payload, which can be large). */
  bits: string | null;
  /** The decoded value, short: "1", "0x1 text", "5", "37 fa 21 3d". */
  value: string;
  /** One line a student can read: what this value means here. */
  explanation: string;
  rfc: string;
  /** False when the bytes end before the field does. */
  complete: boolean;
}

export interface FrameLayout {
  /** Stream offset of the frame's first byte. */
  offset: number;
  fields: LayoutField[];
  fin: boolean | null;
  opcode: number | null;
  masked: boolean | null;
  lengthForm: LengthForm | null;
  payloadLength: number | null;
  headerLength: number | null;
  maskingKey: Uint8Array | null;
  /** Payload bytes present, as on the wire (masked if MASK=1). */
  wirePayload: Uint8Array;
  /** The same bytes unmasked. */
  payload: Uint8Array;
  /** Header + payload length, when the header says it. */
  frameLength: number | null;
  /** Bytes of the frame present in the input. */
  available: number;
  complete: boolean;
}

const PREVIEW_BYTES = 24;

export interface LayoutOptions {
  /**
   * permessage-deflate was negotiated (RFC 7692 §6): RSV1 on a text or binary frame then means the
   * message is compressed, and the payload field is "Payload (compressed)".
   */
  perMessageCompressed?: boolean;
}

/**
 * Lay out the frame that starts at `bytes[start]`. `streamOffset` is the stream offset of
 * `bytes[0]` (so fields carry stream offsets). `bytes` is not modified.
 */
export function layoutFrame(bytes: Uint8Array, start = 0, streamOffset = 0, options: LayoutOptions = {}): FrameLayout {
  const base = streamOffset + start;
  const have = Math.max(0, bytes.length - start);
  const at = (i: number): number => bytes[start + i]!;
  const fields: LayoutField[] = [];
  const layout: FrameLayout = {
    offset: base,
    fields,
    fin: null,
    opcode: null,
    masked: null,
    lengthForm: null,
    payloadLength: null,
    headerLength: null,
    maskingKey: null,
    wirePayload: new Uint8Array(0),
    payload: new Uint8Array(0),
    frameLength: null,
    available: have,
    complete: false,
  };
  const missing = (key: FieldKey, label: string, bitOffset: number, bitLength: number, rfc: string, explanation: string): FrameLayout => {
    const byteLength = Math.ceil((bitOffset + bitLength) / 8) - Math.floor(bitOffset / 8);
    fields.push({
      key, label, bitOffset, bitLength, byteOffset: base + Math.floor(bitOffset / 8), byteLength,
      bits: null, value: 'not received', explanation, rfc, complete: false,
    });
    return layout;
  };

  if (have < 1) return missing('fin', 'FIN', 0, 1, '5.2', 'The frame\u2019s first byte has not arrived.');
  const b0 = at(0);
  const fin = (b0 & 0b1000_0000) !== 0;
  const opcode = b0 & 0b0000_1111;
  layout.fin = fin;
  layout.opcode = opcode;
  const info = opcodeInfo(opcode);
  const control = isControl(opcode);
  fields.push(bitField('fin', 'FIN', 0, fin, base, '5.2',
    fin
      ? control ? 'Final fragment: control frames are always a single frame.' : 'This is the final fragment of its message (or the only one).'
      : control ? 'Not final, but a control frame must not be fragmented: a fault.' : 'More fragments of this message follow in continuation frames.'));
  const deflate = options.perMessageCompressed === true;
  const compressed = deflate && (b0 & 0b0100_0000) !== 0 && (opcode === Opcode.Text || opcode === Opcode.Binary);
  for (const [i, name] of [[1, 'RSV1'], [2, 'RSV2'], [3, 'RSV3']] as const) {
    const set = (b0 & (0b1000_0000 >>> i)) !== 0;
    if (i === 1 && deflate) {
      // RFC 7692 §6: RSV1 is the "Per-Message Compressed" bit, set on a compressed message's first frame.
      fields.push(bitField('rsv1', name, i, set, base, '5.2',
        compressed
          ? 'Per-Message Compressed (permessage-deflate, RFC 7692 §6): this message’s payload is DEFLATE data.'
          : set
            ? 'Per-Message Compressed, but only the first frame of a data message may carry it (RFC 7692 §6.1): a fault.'
            : 'Per-Message Compressed is 0: this frame’s message (or this control frame) is not compressed.'));
      continue;
    }
    fields.push(bitField(`rsv${i}`, name, i, set, base, '5.2',
      set
        ? `Reserved bit set: only allowed when a negotiated extension defines it${i === 1 ? ' (permessage-deflate uses RSV1 for compressed messages)' : ''}.`
        : 'Reserved for extensions; 0 when none is negotiated.'));
  }
  fields.push({
    key: 'opcode', label: 'Opcode', bitOffset: 4, bitLength: 4, byteOffset: base, byteLength: 1,
    bits: binary(opcode, 4), value: `0x${opcode.toString(16).toUpperCase()} ${info.name}`,
    explanation: info.explanation, rfc: info.rfc, complete: true,
  });

  if (have < 2) return missing('mask', 'MASK', 8, 1, '5.2', 'The second byte (MASK and payload length) has not arrived.');
  const b1 = at(1);
  const masked = (b1 & 0b1000_0000) !== 0;
  const length7 = b1 & 0b0111_1111;
  layout.masked = masked;
  fields.push(bitField('mask', 'MASK', 8, masked, base, '5.3',
    masked
      ? 'The payload is masked with the 4-byte masking key below. A client masks every frame; a server never does.'
      : 'The payload is not masked. A server\u2019s frames never are; a client\u2019s must be.'));
  const form: LengthForm = length7 === 126 ? 16 : length7 === 127 ? 64 : 7;
  layout.lengthForm = form;
  fields.push({
    key: 'payload-length', label: 'Payload length', bitOffset: 9, bitLength: 7, byteOffset: base + 1, byteLength: 1,
    bits: binary(length7, 7), value: String(length7),
    explanation:
      form === 16 ? '126 means: the real length is in the next 16 bits (for 126 to 65,535 bytes).'
        : form === 64 ? '127 means: the real length is in the next 64 bits (for 65,536 bytes and more).'
          : `The payload is ${length7} byte${length7 === 1 ? '' : 's'} long (0 to 125 fit in these 7 bits).`,
    rfc: '5.2', complete: true,
  });

  let payloadLength = length7;
  /** The exact length: a 64-bit length past 2^53 loses digits as a number. */
  let exactLength = BigInt(length7);
  let cursor = 2;
  if (form !== 7) {
    const size = form === 16 ? 2 : 8;
    if (have < 2 + size) {
      return missing('extended-payload-length', 'Extended payload length', 16, size * 8, '5.2',
        `The ${size * 8}-bit extended payload length needs ${2 + size - have} more byte${2 + size - have === 1 ? '' : 's'}.`);
    }
    let value = 0n;
    for (let i = 0; i < size; i++) value = (value << 8n) | BigInt(at(2 + i));
    const n = Number(value);
    payloadLength = n;
    exactLength = value;
    const minimal = form === 16 ? n >= 126 : n >= 65536;
    const msb = form === 64 && value >= 1n << 63n;
    let bits = '';
    for (let i = 0; i < size; i++) bits += binary(at(2 + i), 8);
    fields.push({
      key: 'extended-payload-length', label: 'Extended payload length', bitOffset: 16, bitLength: size * 8,
      byteOffset: base + 2, byteLength: size, bits, value: value.toString(),
      explanation: msb
        ? 'The most significant bit must be 0: a 64-bit length is read as at most 2^63 - 1.'
        : minimal
          ? `The payload is ${value.toLocaleString('en-US')} bytes long.`
          : `${value} fits in a shorter form: lengths must use the fewest bytes, so this is a fault.`,
      rfc: '5.2', complete: true,
    });
    cursor += size;
  }
  layout.payloadLength = payloadLength;
  const headerLength = cursor + (masked ? 4 : 0);
  layout.headerLength = headerLength;
  layout.frameLength = headerLength + payloadLength;

  let key: Uint8Array | null = null;
  if (masked) {
    if (have < cursor + 4) {
      return missing('masking-key', 'Masking key', cursor * 8, 32, '5.3',
        `The 4-byte masking key needs ${cursor + 4 - have} more byte${cursor + 4 - have === 1 ? '' : 's'}.`);
    }
    key = bytes.slice(start + cursor, start + cursor + 4);
    layout.maskingKey = key;
    let bits = '';
    for (const b of key) bits += binary(b, 8);
    fields.push({
      key: 'masking-key', label: 'Masking key', bitOffset: cursor * 8, bitLength: 32, byteOffset: base + cursor, byteLength: 4,
      bits, value: hexBytes(key),
      explanation: 'Payload byte i is XORed with key byte i mod 4; the client picks a fresh random key for every frame.',
      rfc: '5.3', complete: true,
    });
  }

  const present = Math.max(0, Math.min(payloadLength, have - headerLength));
  const wire = bytes.slice(start + headerLength, start + headerLength + present);
  const payload = wire.slice();
  if (key) applyMask(payload, key);
  layout.wirePayload = wire;
  layout.payload = payload;
  layout.complete = present === payloadLength;
  fields.push({
    key: 'payload', label: compressed ? 'Payload (compressed)' : 'Payload', bitOffset: headerLength * 8, bitLength: payloadLength * 8,
    byteOffset: base + headerLength, byteLength: payloadLength,
    bits: null,
    value: Number.isSafeInteger(payloadLength)
      ? compressed ? `${payloadLength.toLocaleString('en-US')} byte${payloadLength === 1 ? '' : 's'} of DEFLATE data: ${hexBytes(payload.subarray(0, PREVIEW_BYTES))}${payloadLength > PREVIEW_BYTES ? ' \u2026' : ''}` : describePayload(opcode, payload, payloadLength)
      : `${exactLength.toLocaleString('en-US')} bytes, ${present === 0 ? 'none received yet' : `${present.toLocaleString('en-US')} received so far`}`,
    explanation: layout.complete
      ? compressed
        ? `DEFLATE data: the sender compressed the message and removed the 00 00 ff ff tail (RFC 7692 §7.2.1); the receiver puts it back and inflates.${masked ? ' Shown unmasked.' : ''}`
        : payloadExplanation(opcode, masked)
      : `${present.toLocaleString('en-US')} of ${exactLength.toLocaleString('en-US')} payload bytes received; ${(exactLength - BigInt(present)).toLocaleString('en-US')} more needed.`,
    rfc: control ? '5.5' : '5.6', complete: layout.complete,
  });
  return layout;
}

function bitField(key: FieldKey, label: string, bit: number, set: boolean, base: number, rfc: string, explanation: string): LayoutField {
  return {
    key, label, bitOffset: bit, bitLength: 1, byteOffset: base + (bit >>> 3), byteLength: 1,
    bits: set ? '1' : '0', value: set ? '1' : '0', explanation, rfc, complete: true,
  };
}

function payloadExplanation(opcode: number, masked: boolean): string {
  const unmask = masked ? ' Shown unmasked (masked bytes XOR key).' : '';
  switch (opcode) {
    case Opcode.Text: return `Application data: UTF-8 text.${unmask}`;
    case Opcode.Binary: return `Application data: arbitrary bytes.${unmask}`;
    case Opcode.Continuation: return `The next piece of a fragmented message.${unmask}`;
    case Opcode.Close: return `A 2-byte status code, then an optional UTF-8 reason.${unmask}`;
    case Opcode.Ping: return `Application data the pong must echo back.${unmask}`;
    case Opcode.Pong: return `The payload of the ping this answers.${unmask}`;
    default: return `Payload of a reserved opcode.${unmask}`;
  }
}

/** A short, readable summary of a payload (unmasked). */
export function describePayload(opcode: number, payload: Uint8Array, payloadLength = payload.length): string {
  const size = `${payloadLength.toLocaleString('en-US')} byte${payloadLength === 1 ? '' : 's'}`;
  if (payloadLength === 0) return '0 bytes (empty)';
  if (payload.length === 0) return `${size}, none received yet`;
  if (opcode === Opcode.Close && payload.length >= 2) {
    const code = (payload[0]! << 8) | payload[1]!;
    const reason = new TextDecoder().decode(payload.subarray(2, 2 + 80));
    return `${size}: code ${code} (${closeCodeInfo(code).name})${reason ? `, reason ${JSON.stringify(reason)}` : ''}`;
  }
  if (opcode === Opcode.Text || opcode === Opcode.Continuation || opcode === Opcode.Ping || opcode === Opcode.Pong) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(payload.subarray(0, 80));
    if (opcode === Opcode.Text || !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) {
      return `${size}: ${JSON.stringify(text)}${payloadLength > 80 ? '\u2026' : ''}`;
    }
  }
  const preview = hexBytes(payload.subarray(0, PREVIEW_BYTES));
  return `${size}: ${preview}${payloadLength > PREVIEW_BYTES ? ' \u2026' : ''}`;
}

export function binary(value: number, width: number): string {
  return value.toString(2).padStart(width, '0');
}

export function hexBytes(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += (i ? ' ' : '') + bytes[i]!.toString(16).padStart(2, '0');
  return out;
}
