/**
 * The fault fixtures every test of faults reads: one table of hex streams, each breaking one rule
 * of RFC 6455, with what the parser must say about it (rule, close code, offset and length of the
 * bytes at fault, the RFC section) and how many leading bytes decide it. Written by hand from the
 * RFC, not computed from the code: the parser (faults.test.ts), the connection
 * (connection.test.ts), `npm run decode` (tests/cli) and the server (tests/server/faults.test.ts,
 * every masked case, as a client sends it) are all held to it.
 */
import { encodeFrame, type FaultRule, type ParserOptions } from '../../src/protocol';
import { ascii, concatBytes, hex, pattern, type PlainFault } from './helpers';

export const KEY = hex('37 fa 21 3d');

/** A client's frame: masked with KEY. `b0` is FIN/RSV/opcode as on the wire. */
export function masked(b0: number, payload: Uint8Array): Uint8Array {
  return encodeFrame({
    fin: (b0 & 0x80) !== 0,
    rsv1: (b0 & 0x40) !== 0,
    rsv2: (b0 & 0x20) !== 0,
    rsv3: (b0 & 0x10) !== 0,
    opcode: b0 & 0x0f,
    payload,
    maskingKey: KEY,
  });
}

export interface FaultCase {
  name: string;
  bytes: Uint8Array;
  /**
   * Parser options. `sender: 'client'` marks streams whose frames are masked (as a client sends
   * them); without a sender, every frame is unmasked (as a server sends them).
   */
  options?: ParserOptions;
  /** Complete frames before the fault. */
  framesBefore?: number;
  fault: PlainFault;
  /** The fewest leading bytes from which the parser can and must report the fault. */
  decidedAt: number;
  /** The RFC section the fault cites. */
  rfc: string;
  /** The values the fault must carry for its sentence (checked where given). */
  detail?: Record<string, unknown>;
}

const f = (rule: FaultRule, closeCode: 1002 | 1007 | 1009, offset: number, length = 1): PlainFault => ({ rule, closeCode, offset, length });
const b = (text: string): Uint8Array => hex(text);
export const code2 = (code: number): string => (code >> 8).toString(16).padStart(2, '0') + (code & 0xff).toString(16).padStart(2, '0');

/** Codes that may not appear in a close frame (RFC 6455 §7.4.1, §7.4.2), as the RFC lists them. */
export const INVALID_CLOSE_CODES = [0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535];
/** Codes that may (§7.4.1, IANA 1012-1014, §7.4.2 3000-4999), the edges of each range included. */
export const VALID_CLOSE_CODES = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999];

/** Who sent a case's bytes, as far as masking goes: the peer a connection would have. */
export function senderOf(c: FaultCase): 'client' | 'server' {
  return c.options?.sender === 'client' ? 'client' : 'server';
}

export const FAULT_CASES: readonly FaultCase[] = [
  // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated"
  { name: 'RSV1 on a text frame', bytes: b('c1 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV2 on a text frame', bytes: b('a1 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV3 on a text frame', bytes: b('91 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV1-3 on a binary frame', bytes: b('f2 01 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2', detail: { bits: ['RSV1', 'RSV2', 'RSV3'] } },
  { name: 'RSV2 on a ping after a ping', bytes: b('89 00 a9 00'), framesBefore: 1, fault: f('rsv-without-extension', 1002, 2), decidedAt: 4, rfc: '5.2' },
  { name: 'RSV2 with RSV1 allowed', bytes: b('e1 00'), options: { allowRsv1: true }, fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2', detail: { bits: ['RSV2'] } },
  { name: 'RSV1 on a masked client frame', bytes: masked(0xc1, ascii('A')), options: { sender: 'client' }, fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },

  // RFC 7692 §6.1: "An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames and
  // non-first fragments of a data message. An endpoint receiving such a frame MUST _Fail the WebSocket Connection_."
  { name: 'RSV1 on a ping, deflate negotiated', bytes: b('c9 00'), options: { perMessageCompressed: true }, fault: f('rsv1-not-first-frame', 1002, 0), decidedAt: 2, rfc: 'RFC 7692 §6.1', detail: { opcode: 0x9 } },
  { name: 'RSV1 on a close, deflate negotiated', bytes: b('c8 02 03 e8'), options: { perMessageCompressed: true }, fault: f('rsv1-not-first-frame', 1002, 0), decidedAt: 2, rfc: 'RFC 7692 §6.1' },
  { name: 'RSV1 on a continuation, deflate negotiated', bytes: b('41 03 f2 48 cd c0 04 c9 c9 07 00'), options: { perMessageCompressed: true }, framesBefore: 1, fault: f('rsv1-not-first-frame', 1002, 5), decidedAt: 7, rfc: 'RFC 7692 §6.1', detail: { opcode: 0x0 } },
  { name: 'RSV1 on a masked pong, deflate negotiated', bytes: masked(0xca, ascii('p')), options: { sender: 'client', perMessageCompressed: true }, fault: f('rsv1-not-first-frame', 1002, 0), decidedAt: 2, rfc: 'RFC 7692 §6.1' },
  { name: 'RSV2 on a text frame, deflate negotiated', bytes: b('e1 00'), options: { perMessageCompressed: true }, fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2', detail: { bits: ['RSV2'] } },

  // RFC 6455 §5.2: reserved opcodes 0x3-0x7 and 0xB-0xF
  ...[0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op): FaultCase => ({
    name: `reserved opcode 0x${op.toString(16)}`,
    bytes: new Uint8Array([0x80 | op, 0x02, 0x41, 0x42]),
    fault: f('reserved-opcode', 1002, 0),
    decidedAt: 2,
    rfc: '5.2',
  })),
  { name: 'reserved opcode 0x3 with FIN=0 after a text frame', bytes: b('81 01 41 03 00'), framesBefore: 1, fault: f('reserved-opcode', 1002, 3), decidedAt: 5, rfc: '5.2' },
  { name: 'reserved opcode 0xb, masked', bytes: masked(0x8b, ascii('hi')), options: { sender: 'client' }, fault: f('reserved-opcode', 1002, 0), decidedAt: 2, rfc: '5.2', detail: { opcode: 0xb } },

  // RFC 6455 §5.5: "Control frames themselves MUST NOT be fragmented."
  { name: 'close with FIN=0', bytes: b('08 00'), fault: f('fragmented-control-frame', 1002, 0), decidedAt: 2, rfc: '5.5' },
  { name: 'ping with FIN=0', bytes: b('09 01 41'), fault: f('fragmented-control-frame', 1002, 0), decidedAt: 2, rfc: '5.5', detail: { opcode: 0x9 } },
  { name: 'pong with FIN=0 between fragments', bytes: b('01 01 41 0a 00 80 01 42'), framesBefore: 1, fault: f('fragmented-control-frame', 1002, 3), decidedAt: 5, rfc: '5.5' },
  { name: 'ping with FIN=0, masked', bytes: masked(0x09, ascii('p')), options: { sender: 'client' }, fault: f('fragmented-control-frame', 1002, 0), decidedAt: 2, rfc: '5.5', detail: { opcode: 0x9 } },

  // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
  { name: 'ping with 126 bytes (16-bit length)', bytes: concatBytes(b('89 7e 00 7e'), pattern(126)), fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5' },
  { name: 'pong with a 64-bit length', bytes: concatBytes(b('8a 7f 00 00 00 00 00 01 00 00'), pattern(10)), fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5', detail: { opcode: 0xa, lengthField: 127 } },
  { name: 'close with 126 bytes, masked', bytes: masked(0x88, concatBytes(b('03 e8'), pattern(124))), options: { sender: 'client' }, fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5' },

  // RFC 6455 §5.5.1: a close payload is empty or starts with a 2-byte code
  { name: 'close with a 1-byte payload', bytes: b('88 01 03'), fault: f('close-payload-one-byte', 1002, 1), decidedAt: 2, rfc: '5.5.1' },
  { name: 'close with a 1-byte payload, masked', bytes: masked(0x88, b('03')), options: { sender: 'client' }, fault: f('close-payload-one-byte', 1002, 1), decidedAt: 2, rfc: '5.5.1' },

  // RFC 6455 §7.4: close codes that may not appear on the wire
  ...INVALID_CLOSE_CODES.map((code): FaultCase => ({
    name: `close code ${code}`,
    bytes: b(`88 02 ${code2(code)}`),
    fault: f('invalid-close-code', 1002, 2, 2),
    decidedAt: 4,
    rfc: '7.4',
    detail: { code },
  })),
  { name: 'close code 1005 with a reason, masked, after a pong', bytes: concatBytes(masked(0x8a, new Uint8Array(0)), masked(0x88, b(`${code2(1005)} 41 42 43`))), options: { sender: 'client' }, framesBefore: 1, fault: f('invalid-close-code', 1002, 12, 2), decidedAt: 17, rfc: '7.4' },

  // RFC 6455 §5.5.1: the close reason is UTF-8-encoded data; §8.1 fails the connection when it is not
  { name: 'close reason with a 0xff byte', bytes: b('88 04 03 e8 ff 41'), fault: f('invalid-utf8', 1007, 4), decidedAt: 6, rfc: '8.1', detail: { in: 'close-reason', byte: 0xff, payloadOffset: 2 } },
  { name: 'close reason with an overlong "/"', bytes: b('88 05 03 e8 41 c0 af'), fault: f('invalid-utf8', 1007, 5), decidedAt: 7, rfc: '8.1' },
  { name: 'close reason with a surrogate, masked', bytes: masked(0x88, b('03 e8 ed a0 80')), options: { sender: 'client' }, fault: f('invalid-utf8', 1007, 9), decidedAt: 11, rfc: '8.1' },
  { name: 'close reason ending inside a 2-byte sequence', bytes: b('88 04 03 e8 41 c3'), fault: f('invalid-utf8', 1007, 5, 1), decidedAt: 6, rfc: '8.1' },
  { name: 'close reason ending inside a 3-byte sequence', bytes: b('88 05 03 e8 41 e2 82'), fault: f('invalid-utf8', 1007, 5, 2), decidedAt: 7, rfc: '8.1', detail: { in: 'close-reason', byte: null, payloadOffset: 3 } },

  // RFC 6455 §8.1: a text message is UTF-8; fail as soon as a sequence cannot become valid
  { name: 'text "\\xc3(": a lead byte without its continuation', bytes: b('81 02 c3 28'), fault: f('invalid-utf8', 1007, 3), decidedAt: 4, rfc: '8.1', detail: { in: 'text', byte: 0x28, payloadOffset: 1 } },
  { name: 'text with 0xff, in a partly received frame (the rest never comes)', bytes: b('81 0a 41 ff'), fault: f('invalid-utf8', 1007, 3), decidedAt: 4, rfc: '8.1' },
  { name: 'masked text with 0xf5, in a partly received frame', bytes: masked(0x81, concatBytes(ascii('Hi'), b('f5'), ascii('there, the rest of it'))).subarray(0, 9), options: { sender: 'client' }, fault: f('invalid-utf8', 1007, 8), decidedAt: 9, rfc: '8.1' },
  { name: 'text with a UTF-16 surrogate (ed a0 80)', bytes: b('81 05 41 ed a0 80 41'), fault: f('invalid-utf8', 1007, 4), decidedAt: 5, rfc: '8.1' },
  { name: 'text above U+10FFFF (f4 90 80 80)', bytes: b('81 04 f4 90 80 80'), fault: f('invalid-utf8', 1007, 3), decidedAt: 4, rfc: '8.1' },
  { name: 'text with an overlong 3-byte form (e0 80 af)', bytes: b('81 03 e0 80 af'), fault: f('invalid-utf8', 1007, 3), decidedAt: 4, rfc: '8.1' },
  { name: 'text inside a middle fragment, before the last one', bytes: b('01 02 41 42  00 02 ff 41  80 01 41'), framesBefore: 1, fault: f('invalid-utf8', 1007, 6), decidedAt: 7, rfc: '8.1' },
  { name: 'text sequence broken across fragments (e2 | 28)', bytes: b('01 01 e2  00 01 28  80 00'), framesBefore: 1, fault: f('invalid-utf8', 1007, 5), decidedAt: 6, rfc: '8.1' },
  { name: 'text sequence broken across fragments with a ping between', bytes: b('01 02 41 f0  89 01 50  00 03 9f 41 41  80 00'), framesBefore: 2, fault: f('invalid-utf8', 1007, 10), decidedAt: 11, rfc: '8.1' },
  {
    name: 'masked text fragment, bad byte in a partly received continuation',
    bytes: concatBytes(masked(0x01, ascii('ok')), masked(0x00, concatBytes(ascii('fine'), b('80'), ascii('and more text'))).subarray(0, 11)),
    options: { sender: 'client' },
    framesBefore: 1,
    fault: f('invalid-utf8', 1007, 8 + 6 + 4),
    decidedAt: 8 + 6 + 5,
    rfc: '8.1',
  },
  { name: 'text message ending inside a 2-byte sequence', bytes: b('81 02 41 c3'), fault: f('invalid-utf8', 1007, 3, 1), decidedAt: 4, rfc: '8.1' },
  { name: 'text message ending inside a 4-byte sequence', bytes: b('81 04 41 f0 9f 98'), fault: f('invalid-utf8', 1007, 3, 3), decidedAt: 6, rfc: '8.1', detail: { in: 'text', byte: null, payloadOffset: 1 } },
  // Header 2 + masking key 4: the payload "a" e2 82 starts at byte 6; the unfinished sequence is bytes 7-8.
  { name: 'masked text message ending inside a 3-byte sequence', bytes: masked(0x81, b('61 e2 82')), options: { sender: 'client' }, fault: f('invalid-utf8', 1007, 7, 2), decidedAt: 9, rfc: '8.1', detail: { in: 'text', byte: null, payloadOffset: 1 } },
  { name: 'text message whose last fragment ends inside a sequence begun before it', bytes: b('01 02 41 e2  80 01 82'), framesBefore: 1, fault: f('invalid-utf8', 1007, 6, 1), decidedAt: 7, rfc: '8.1' },
  // The empty final fragment has no payload byte to point at: its FIN bit is what ended the message.
  { name: 'text message ended by an empty final fragment inside a sequence', bytes: b('01 02 41 e2  80 00'), framesBefore: 1, fault: f('invalid-utf8', 1007, 4, 1), decidedAt: 6, rfc: '8.1', detail: { in: 'text', byte: null, payloadOffset: null } },

  // RFC 6455 §5.4: continuation frames continue a fragmented message, and only that
  { name: 'continuation with nothing to continue', bytes: b('80 01 41'), fault: f('unexpected-continuation', 1002, 0), decidedAt: 2, rfc: '5.4' },
  { name: 'continuation (FIN=0) with nothing to continue', bytes: b('00 00'), fault: f('unexpected-continuation', 1002, 0), decidedAt: 2, rfc: '5.4' },
  { name: 'continuation after a finished message', bytes: b('01 01 41 80 01 42 80 00'), framesBefore: 2, fault: f('unexpected-continuation', 1002, 6), decidedAt: 8, rfc: '5.4' },
  { name: 'masked continuation after a single-frame message', bytes: concatBytes(masked(0x82, b('01')), masked(0x80, b('02'))), options: { sender: 'client' }, framesBefore: 1, fault: f('unexpected-continuation', 1002, 7), decidedAt: 9, rfc: '5.4' },
  { name: 'text frame inside a fragmented text message', bytes: b('01 01 41 81 01 42'), framesBefore: 1, fault: f('expected-continuation', 1002, 3), decidedAt: 5, rfc: '5.4' },
  { name: 'binary frame inside a fragmented text message, after a ping', bytes: b('01 01 41 89 00 82 00'), framesBefore: 2, fault: f('expected-continuation', 1002, 5), decidedAt: 7, rfc: '5.4', detail: { opcode: 0x2 } },
  { name: 'binary frame (FIN=0) inside a fragmented binary message', bytes: b('02 00 02 00'), framesBefore: 1, fault: f('expected-continuation', 1002, 2), decidedAt: 4, rfc: '5.4' },
  // The first fragment is 2 + 4 + 1 = 7 bytes; the new text frame's opcode is byte 7.
  { name: 'masked text frame inside a fragmented text message', bytes: concatBytes(masked(0x01, ascii('a')), masked(0x81, ascii('b'))), options: { sender: 'client' }, framesBefore: 1, fault: f('expected-continuation', 1002, 7), decidedAt: 9, rfc: '5.4', detail: { opcode: 0x1 } },

  // RFC 6455 §5.1: client frames are masked, server frames are not
  { name: 'unmasked text from a client', bytes: b('81 01 41'), options: { sender: 'client' }, fault: f('mask-required', 1002, 1), decidedAt: 2, rfc: '5.1' },
  { name: 'unmasked close from a client after a masked ping', bytes: concatBytes(masked(0x89, ascii('p')), b('88 02 03 e8')), options: { sender: 'client' }, framesBefore: 1, fault: f('mask-required', 1002, 8), decidedAt: 9, rfc: '5.1' },
  { name: 'masked text from a server', bytes: masked(0x81, ascii('Hello')), options: { sender: 'server' }, fault: f('mask-forbidden', 1002, 1), decidedAt: 2, rfc: '5.1' },
  { name: 'masked empty pong from a server', bytes: masked(0x8a, new Uint8Array(0)), options: { sender: 'server' }, fault: f('mask-forbidden', 1002, 1), decidedAt: 2, rfc: '5.1' },

  // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
  { name: '16-bit length holding 125', bytes: concatBytes(b('82 7e 00 7d'), pattern(125)), fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2', detail: { length: 125, lengthForm: 16 } },
  { name: '16-bit length holding 0', bytes: b('82 7e 00 00'), fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2' },
  { name: '16-bit length holding 5, masked', bytes: encodeFrame({ opcode: 2, payload: pattern(5), maskingKey: KEY, lengthForm: 16 }), options: { sender: 'client' }, fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2' },
  { name: '64-bit length holding 65535', bytes: b('82 7f 00 00 00 00 00 00 ff ff 01 02 03'), fault: f('non-minimal-length', 1002, 2, 8), decidedAt: 10, rfc: '5.2', detail: { length: 65535, lengthForm: 64 } },
  { name: '64-bit length holding 125, after a frame', bytes: concatBytes(b('89 00'), encodeFrame({ opcode: 1, payload: ascii('x'.repeat(125)), lengthForm: 64 })), framesBefore: 1, fault: f('non-minimal-length', 1002, 4, 8), decidedAt: 12, rfc: '5.2' },
  { name: '64-bit length holding 0', bytes: b('81 7f 00 00 00 00 00 00 00 00'), fault: f('non-minimal-length', 1002, 2, 8), decidedAt: 10, rfc: '5.2' },

  // RFC 6455 §5.2: "the most significant bit MUST be 0"
  { name: '64-bit length with its top bit set', bytes: b('82 7f 80 00 00 00 00 00 00 00'), fault: f('length-msb-set', 1002, 2), decidedAt: 10, rfc: '5.2' },
  { name: '64-bit length of all ones, masked', bytes: b('82 ff ff ff ff ff ff ff ff ff 01 02 03 04'), options: { sender: 'client' }, fault: f('length-msb-set', 1002, 2), decidedAt: 10, rfc: '5.2' },

  // RFC 6455 §7.4.1 1009: too big to process, decided from the header
  { name: 'header only, declaring 2^62 bytes (no limit set), before its masking key', bytes: b('82 ff 40 00 00 00 00 00 00 00'), options: { sender: 'client' }, fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: 'header only, declaring 2^53 + 1 bytes', bytes: b('82 7f 00 20 00 00 00 00 00 01'), fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: '131 bytes over a 130-byte limit (16-bit length)', bytes: concatBytes(b('82 7e 00 83'), pattern(131)), options: { maxPayload: 130 }, fault: f('payload-too-large', 1009, 1, 3), decidedAt: 4, rfc: '7.4.1', detail: { length: 131, limit: 130 } },
  { name: '11 bytes over a 10-byte limit (7-bit length)', bytes: concatBytes(b('81 0b'), ascii('hello world')), options: { maxPayload: 10 }, fault: f('payload-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
  { name: 'a ping over a 10-byte limit', bytes: concatBytes(b('89 0b'), pattern(11)), options: { maxPayload: 10 }, fault: f('payload-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
  { name: '70000 bytes over a 65536-byte limit, masked', bytes: b('82 ff 00 00 00 00 00 01 11 70'), options: { sender: 'client', maxPayload: 65536 }, fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: 'a message growing over a 10-byte limit across fragments', bytes: concatBytes(b('01 06'), ascii('abcdef'), b('80 05'), ascii('ghijk')), options: { maxMessage: 10 }, framesBefore: 1, fault: f('message-too-large', 1009, 9, 1), decidedAt: 10, rfc: '7.4.1', detail: { length: 11, limit: 10 } },
  { name: 'a message over its limit in its first frame', bytes: concatBytes(b('82 0b'), pattern(11)), options: { maxMessage: 10 }, fault: f('message-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
  // A limit a server can have (at least 125): 2 + 4 + 100 bytes, then a continuation of 31 whose length byte is byte 107.
  { name: 'a masked message growing over a 130-byte limit across fragments', bytes: concatBytes(masked(0x02, pattern(100)), masked(0x80, pattern(31))), options: { sender: 'client', maxMessage: 130 }, framesBefore: 1, fault: f('message-too-large', 1009, 107), decidedAt: 108, rfc: '7.4.1', detail: { length: 131, limit: 130 } },
  {
    name: 'a message over 300 bytes in its third fragment (16-bit), pings between not counted',
    bytes: concatBytes(b('02 7e 00 96'), pattern(150), b('89 7d'), pattern(125), b('00 7e 00 80'), pattern(128), b('80 7e 00 7e'), pattern(126)),
    options: { maxMessage: 300, maxPayload: 1000 },
    framesBefore: 3,
    fault: f('message-too-large', 1009, 154 + 127 + 132 + 1, 3),
    decidedAt: 154 + 127 + 132 + 4,
    rfc: '7.4.1',
  },
];
