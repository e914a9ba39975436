/**
 * Every fault rule of src/protocol/fault.ts, as a table of hex fixtures: the rule, the close code
 * the RFC requires, the offset and length of the bytes at fault, and how many bytes the parser
 * needs before it can tell (so a fault decided by the header comes before any payload). Each is
 * fed whole, at every split point and one byte at a time; after a fault nothing more comes out.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import {
  closePayload,
  decodeFrames,
  encodeFrame,
  FrameParser,
  isValidCloseCode,
  type FaultRule,
  type ParserOptions,
} from '../../src/protocol';
import { ascii, chunkings, concatBytes, feed, hex, pattern, plainFault, type PlainFault } from './helpers';

const KEY = hex('37 fa 21 3d');

/** A client's frame: masked with KEY. `b0` is FIN/RSV/opcode as on the wire. */
function masked(b0: number, payload: Uint8Array): Uint8Array {
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

interface Case {
  name: string;
  bytes: Uint8Array;
  options?: ParserOptions;
  /** Complete frames before the fault. */
  framesBefore?: number;
  fault: PlainFault;
  /** The fewest leading bytes from which the parser can and must report the fault. */
  decidedAt: number;
  /** The RFC section the fault cites. */
  rfc: string;
}

const f = (rule: FaultRule, closeCode: 1002 | 1007 | 1009, offset: number, length = 1): PlainFault => ({ rule, closeCode, offset, length });
const b = (text: string): Uint8Array => hex(text);
const code2 = (code: number): string => (code >> 8).toString(16).padStart(2, '0') + (code & 0xff).toString(16).padStart(2, '0');

const CASES: Case[] = [
  // RFC 6455 §5.2: RSV1-3 "MUST be 0 unless an extension is negotiated"
  { name: 'RSV1 on a text frame', bytes: b('c1 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV2 on a text frame', bytes: b('a1 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV3 on a text frame', bytes: b('91 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV1-3 on a binary frame', bytes: b('f2 01 00'), fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV2 on a ping after a ping', bytes: b('89 00 a9 00'), framesBefore: 1, fault: f('rsv-without-extension', 1002, 2), decidedAt: 4, rfc: '5.2' },
  { name: 'RSV2 with RSV1 allowed', bytes: b('e1 00'), options: { allowRsv1: true }, fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },
  { name: 'RSV1 on a masked client frame', bytes: masked(0xc1, ascii('A')), options: { sender: 'client' }, fault: f('rsv-without-extension', 1002, 0), decidedAt: 2, rfc: '5.2' },

  // RFC 6455 §5.2: reserved opcodes 0x3-0x7 and 0xB-0xF
  ...[0x3, 0x4, 0x5, 0x6, 0x7, 0xb, 0xc, 0xd, 0xe, 0xf].map((op): Case => ({
    name: `reserved opcode 0x${op.toString(16)}`,
    bytes: new Uint8Array([0x80 | op, 0x02, 0x41, 0x42]),
    fault: f('reserved-opcode', 1002, 0),
    decidedAt: 2,
    rfc: '5.2',
  })),
  { name: 'reserved opcode 0x3 with FIN=0 after a text frame', bytes: b('81 01 41 03 00'), framesBefore: 1, fault: f('reserved-opcode', 1002, 3), decidedAt: 5, rfc: '5.2' },
  { name: 'reserved opcode 0xb, masked', bytes: masked(0x8b, ascii('hi')), options: { sender: 'client' }, fault: f('reserved-opcode', 1002, 0), decidedAt: 2, rfc: '5.2' },

  // RFC 6455 §5.5: "Control frames themselves MUST NOT be fragmented."
  { name: 'close with FIN=0', bytes: b('08 00'), fault: f('fragmented-control-frame', 1002, 0), decidedAt: 2, rfc: '5.5' },
  { name: 'ping with FIN=0', bytes: b('09 01 41'), fault: f('fragmented-control-frame', 1002, 0), decidedAt: 2, rfc: '5.5' },
  { name: 'pong with FIN=0 between fragments', bytes: b('01 01 41 0a 00 80 01 42'), framesBefore: 1, fault: f('fragmented-control-frame', 1002, 3), decidedAt: 5, rfc: '5.5' },

  // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
  { name: 'ping with 126 bytes (16-bit length)', bytes: concatBytes(b('89 7e 00 7e'), pattern(126)), fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5' },
  { name: 'pong with a 64-bit length', bytes: concatBytes(b('8a 7f 00 00 00 00 00 01 00 00'), pattern(10)), fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5' },
  { name: 'close with 126 bytes, masked', bytes: masked(0x88, concatBytes(b('03 e8'), pattern(124))), options: { sender: 'client' }, fault: f('control-frame-too-long', 1002, 1), decidedAt: 2, rfc: '5.5' },

  // RFC 6455 §5.5.1: a close payload is empty or starts with a 2-byte code
  { name: 'close with a 1-byte payload', bytes: b('88 01 03'), fault: f('close-payload-one-byte', 1002, 1), decidedAt: 2, rfc: '5.5.1' },
  { name: 'close with a 1-byte payload, masked', bytes: masked(0x88, b('03')), options: { sender: 'client' }, fault: f('close-payload-one-byte', 1002, 1), decidedAt: 2, rfc: '5.5.1' },

  // RFC 6455 §7.4: close codes that may not appear on the wire
  ...[0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535].map((code): Case => ({
    name: `close code ${code}`,
    bytes: b(`88 02 ${code2(code)}`),
    fault: f('invalid-close-code', 1002, 2, 2),
    decidedAt: 4,
    rfc: '7.4',
  })),
  { name: 'close code 1005 with a reason, masked, after a pong', bytes: concatBytes(masked(0x8a, new Uint8Array(0)), masked(0x88, b(`${code2(1005)} 41 42 43`))), options: { sender: 'client' }, framesBefore: 1, fault: f('invalid-close-code', 1002, 12, 2), decidedAt: 17, rfc: '7.4' },

  // RFC 6455 §5.5.1: the close reason is UTF-8
  { name: 'close reason with a 0xff byte', bytes: b('88 04 03 e8 ff 41'), fault: f('invalid-utf8', 1007, 4), decidedAt: 6, rfc: '5.5.1' },
  { name: 'close reason with an overlong "/"', bytes: b('88 05 03 e8 41 c0 af'), fault: f('invalid-utf8', 1007, 5), decidedAt: 7, rfc: '5.5.1' },
  { name: 'close reason with a surrogate, masked', bytes: masked(0x88, b('03 e8 ed a0 80')), options: { sender: 'client' }, fault: f('invalid-utf8', 1007, 9), decidedAt: 11, rfc: '5.5.1' },
  { name: 'close reason ending inside a 2-byte sequence', bytes: b('88 04 03 e8 41 c3'), fault: f('invalid-utf8', 1007, 5, 1), decidedAt: 6, rfc: '5.5.1' },
  { name: 'close reason ending inside a 3-byte sequence', bytes: b('88 05 03 e8 41 e2 82'), fault: f('invalid-utf8', 1007, 5, 2), decidedAt: 7, rfc: '5.5.1' },

  // RFC 6455 §8.1: a text message is UTF-8; fail as soon as a sequence cannot become valid
  { name: 'text "\\xc3(": a lead byte without its continuation', bytes: b('81 02 c3 28'), fault: f('invalid-utf8', 1007, 3), decidedAt: 4, rfc: '8.1' },
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
  { name: 'text message ending inside a 4-byte sequence', bytes: b('81 04 41 f0 9f 98'), fault: f('invalid-utf8', 1007, 3, 3), decidedAt: 6, rfc: '8.1' },
  { name: 'text message whose last fragment ends inside a sequence begun before it', bytes: b('01 02 41 e2  80 01 82'), framesBefore: 1, fault: f('invalid-utf8', 1007, 6, 1), decidedAt: 7, rfc: '8.1' },
  // The empty final fragment has no payload byte to point at: its FIN bit is what ended the message.
  { name: 'text message ended by an empty final fragment inside a sequence', bytes: b('01 02 41 e2  80 00'), framesBefore: 1, fault: f('invalid-utf8', 1007, 4, 1), decidedAt: 6, rfc: '8.1' },

  // RFC 6455 §5.4: continuation frames continue a fragmented message, and only that
  { name: 'continuation with nothing to continue', bytes: b('80 01 41'), fault: f('unexpected-continuation', 1002, 0), decidedAt: 2, rfc: '5.4' },
  { name: 'continuation (FIN=0) with nothing to continue', bytes: b('00 00'), fault: f('unexpected-continuation', 1002, 0), decidedAt: 2, rfc: '5.4' },
  { name: 'continuation after a finished message', bytes: b('01 01 41 80 01 42 80 00'), framesBefore: 2, fault: f('unexpected-continuation', 1002, 6), decidedAt: 8, rfc: '5.4' },
  { name: 'masked continuation after a single-frame message', bytes: concatBytes(masked(0x82, b('01')), masked(0x80, b('02'))), options: { sender: 'client' }, framesBefore: 1, fault: f('unexpected-continuation', 1002, 7), decidedAt: 9, rfc: '5.4' },
  { name: 'text frame inside a fragmented text message', bytes: b('01 01 41 81 01 42'), framesBefore: 1, fault: f('expected-continuation', 1002, 3), decidedAt: 5, rfc: '5.4' },
  { name: 'binary frame inside a fragmented text message, after a ping', bytes: b('01 01 41 89 00 82 00'), framesBefore: 2, fault: f('expected-continuation', 1002, 5), decidedAt: 7, rfc: '5.4' },
  { name: 'binary frame (FIN=0) inside a fragmented binary message', bytes: b('02 00 02 00'), framesBefore: 1, fault: f('expected-continuation', 1002, 2), decidedAt: 4, rfc: '5.4' },

  // RFC 6455 §5.1: client frames are masked, server frames are not
  { name: 'unmasked text from a client', bytes: b('81 01 41'), options: { sender: 'client' }, fault: f('mask-required', 1002, 1), decidedAt: 2, rfc: '5.1' },
  { name: 'unmasked close from a client after a masked ping', bytes: concatBytes(masked(0x89, ascii('p')), b('88 02 03 e8')), options: { sender: 'client' }, framesBefore: 1, fault: f('mask-required', 1002, 8), decidedAt: 9, rfc: '5.1' },
  { name: 'masked text from a server', bytes: masked(0x81, ascii('Hello')), options: { sender: 'server' }, fault: f('mask-forbidden', 1002, 1), decidedAt: 2, rfc: '5.1' },
  { name: 'masked empty pong from a server', bytes: masked(0x8a, new Uint8Array(0)), options: { sender: 'server' }, fault: f('mask-forbidden', 1002, 1), decidedAt: 2, rfc: '5.1' },

  // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
  { name: '16-bit length holding 125', bytes: concatBytes(b('82 7e 00 7d'), pattern(125)), fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2' },
  { name: '16-bit length holding 0', bytes: b('82 7e 00 00'), fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2' },
  { name: '16-bit length holding 5, masked', bytes: encodeFrame({ opcode: 2, payload: pattern(5), maskingKey: KEY, lengthForm: 16 }), options: { sender: 'client' }, fault: f('non-minimal-length', 1002, 2, 2), decidedAt: 4, rfc: '5.2' },
  { name: '64-bit length holding 65535', bytes: b('82 7f 00 00 00 00 00 00 ff ff 01 02 03'), fault: f('non-minimal-length', 1002, 2, 8), decidedAt: 10, rfc: '5.2' },
  { name: '64-bit length holding 125, after a frame', bytes: concatBytes(b('89 00'), encodeFrame({ opcode: 1, payload: ascii('x'.repeat(125)), lengthForm: 64 })), framesBefore: 1, fault: f('non-minimal-length', 1002, 4, 8), decidedAt: 12, rfc: '5.2' },
  { name: '64-bit length holding 0', bytes: b('81 7f 00 00 00 00 00 00 00 00'), fault: f('non-minimal-length', 1002, 2, 8), decidedAt: 10, rfc: '5.2' },

  // RFC 6455 §5.2: "the most significant bit MUST be 0"
  { name: '64-bit length with its top bit set', bytes: b('82 7f 80 00 00 00 00 00 00 00'), fault: f('length-msb-set', 1002, 2), decidedAt: 10, rfc: '5.2' },
  { name: '64-bit length of all ones, masked', bytes: b('82 ff ff ff ff ff ff ff ff ff 01 02 03 04'), options: { sender: 'client' }, fault: f('length-msb-set', 1002, 2), decidedAt: 10, rfc: '5.2' },

  // RFC 6455 §7.4.1 1009: too big to process, decided from the header
  { name: 'header only, declaring 2^62 bytes (no limit set), before its masking key', bytes: b('82 ff 40 00 00 00 00 00 00 00'), options: { sender: 'client' }, fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: 'header only, declaring 2^53 + 1 bytes', bytes: b('82 7f 00 20 00 00 00 00 00 01'), fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: '131 bytes over a 130-byte limit (16-bit length)', bytes: concatBytes(b('82 7e 00 83'), pattern(131)), options: { maxPayload: 130 }, fault: f('payload-too-large', 1009, 1, 3), decidedAt: 4, rfc: '7.4.1' },
  { name: '11 bytes over a 10-byte limit (7-bit length)', bytes: concatBytes(b('81 0b'), ascii('hello world')), options: { maxPayload: 10 }, fault: f('payload-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
  { name: 'a ping over a 10-byte limit', bytes: concatBytes(b('89 0b'), pattern(11)), options: { maxPayload: 10 }, fault: f('payload-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
  { name: '70000 bytes over a 65536-byte limit, masked', bytes: b('82 ff 00 00 00 00 00 01 11 70'), options: { sender: 'client', maxPayload: 65536 }, fault: f('payload-too-large', 1009, 1, 9), decidedAt: 10, rfc: '7.4.1' },
  { name: 'a message growing over a 10-byte limit across fragments', bytes: concatBytes(b('01 06'), ascii('abcdef'), b('80 05'), ascii('ghijk')), options: { maxMessage: 10 }, framesBefore: 1, fault: f('message-too-large', 1009, 9, 1), decidedAt: 10, rfc: '7.4.1' },
  { name: 'a message over its limit in its first frame', bytes: concatBytes(b('82 0b'), pattern(11)), options: { maxMessage: 10 }, fault: f('message-too-large', 1009, 1, 1), decidedAt: 2, rfc: '7.4.1' },
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

describe('fault table: rule, close code, offset and length, at every chunking', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.decidedAt).toBeLessThanOrEqual(c.bytes.length);
    for (const { name, cuts } of chunkings(c.bytes.length)) {
      const result = feed(c.bytes, cuts, c.options);
      expect(result.frames, name).toHaveLength(c.framesBefore ?? 0);
      expect(result.fault && plainFault(result.fault), name).toEqual(c.fault);
      expect(result.fault!.rfc, name).toBe(c.rfc);
      expect(result.fault!.message, name).toContain(`§${c.rfc}`);
      expect(result.fault!.message.length, name).toBeGreaterThan(20);
      expect(result.parser.fault, name).toBe(result.fault);
      expect(result.incomplete, name).toBeNull();
      expect(result.parser.bufferedAmount, name).toBe(0);
      // RFC 6455 §7.1.7: after failing, nothing that follows is processed.
      result.parser.push(hex('81 01 41'));
      result.parser.push(masked(0x81, ascii('A')));
      result.parser.push(hex('89 00'));
      expect(result.parser.next(), name).toBeNull();
      expect(result.parser.next(), name).toBeNull();
      expect(result.parser.bufferedAmount, name).toBe(0);
      expect(result.parser.incomplete, name).toBeNull();
      expect(result.parser.fault, name).toBe(result.fault);
    }
  });

  test.each(CASES.map((c) => [c.name, c] as const))('%s: reported as soon as it can be decided, not before', (_name, c) => {
    for (let p = 0; p <= c.bytes.length; p++) {
      const result = feed(c.bytes.subarray(0, p), [], c.options);
      if (p < c.decidedAt) {
        expect(result.fault, `after ${p} bytes`).toBeNull();
      } else {
        expect(result.fault && plainFault(result.fault), `after ${p} bytes`).toEqual(c.fault);
      }
    }
  });

  test('the fault points at bytes that exist', () => {
    for (const c of CASES) {
      expect(c.fault.offset + c.fault.length, c.name).toBeLessThanOrEqual(c.bytes.length);
      expect(c.fault.length, c.name).toBeGreaterThanOrEqual(1);
    }
  });

  test('every rule in fault.ts has at least one case in this table', () => {
    const source = readFileSync(new URL('../../src/protocol/fault.ts', import.meta.url), 'utf8');
    const union = /export type FaultRule =([^;]*);/.exec(source)![1]!;
    const rules = [...union.matchAll(/'([a-z0-9-]+)'/g)].map((m) => m[1]);
    expect(rules.length).toBeGreaterThanOrEqual(15);
    const covered = new Set(CASES.map((c) => c.fault.rule));
    expect(rules.filter((r) => !covered.has(r!))).toEqual([]);
  });
});

describe('what the rules allow', () => {
  test('valid close codes are accepted: 1000-1003, 1007-1014, 3000-4999', () => {
    for (const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999]) {
      expect(isValidCloseCode(code), `${code}`).toBe(true);
      const wire = concatBytes(b(`88 02 ${code2(code)}`));
      const result = decodeFrames(wire);
      expect(result.fault, `${code}`).toBeNull();
      expect(result.frames).toHaveLength(1);
      const withReason = decodeFrames(encodeFrame({ opcode: 8, payload: closePayload(code, 'bye ✓'), maskingKey: KEY }), { sender: 'client' });
      expect(withReason.fault, `${code} with a reason`).toBeNull();
      expect(new TextDecoder().decode(withReason.frames[0]!.payload.subarray(2))).toBe('bye ✓');
    }
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) {
      expect(isValidCloseCode(code), `${code}`).toBe(false);
    }
  });

  test('an empty close frame and a close with a code and no reason are accepted', () => {
    expect(decodeFrames(b('88 00')).frames).toHaveLength(1);
    expect(decodeFrames(b('88 02 03 e8')).frames).toHaveLength(1);
  });

  test('control frames of exactly 125 bytes are accepted, between fragments too', () => {
    const stream = concatBytes(b('01 01 41'), b('89 7d'), pattern(125), b('8a 7d'), pattern(125), b('80 01 42'));
    const result = decodeFrames(stream);
    expect(result.fault).toBeNull();
    expect(result.frames.map((fr) => fr.opcode)).toEqual([1, 9, 10, 0]);
  });

  test('a negotiated RSV bit is accepted and reported', () => {
    const result = decodeFrames(b('c1 01 41'), { allowRsv1: true });
    expect(result.fault).toBeNull();
    expect(result.frames[0]).toMatchObject({ rsv1: true, rsv2: false, rsv3: false });
    const all = decodeFrames(b('f2 00'), { allowRsv1: true, allowRsv2: true, allowRsv3: true });
    expect(all.frames[0]).toMatchObject({ rsv1: true, rsv2: true, rsv3: true });
  });

  test('payloads and messages exactly at their limits are accepted', () => {
    expect(decodeFrames(concatBytes(b('82 64'), pattern(100)), { maxPayload: 100 }).fault).toBeNull();
    expect(decodeFrames(concatBytes(b('82 7e 00 83'), pattern(131)), { maxPayload: 131 }).fault).toBeNull();
    const big = decodeFrames(concatBytes(b('82 7f 00 00 00 00 00 01 00 00'), pattern(65536)), { maxPayload: 65536, maxMessage: 65536 });
    expect(big.fault).toBeNull();
    expect(big.frames[0]!.payloadLength).toBe(65536);
    const fragments = concatBytes(b('01 06'), ascii('abcdef'), b('89 00'), b('80 04'), ascii('ghij'));
    expect(decodeFrames(fragments, { maxMessage: 10 }).fault).toBeNull();
    // The limit is per message: the next message starts again from 0.
    const twice = concatBytes(fragments, fragments);
    expect(decodeFrames(twice, { maxMessage: 10 }).frames).toHaveLength(6);
  });

  test('valid UTF-8 split across fragments, pings between, is accepted', () => {
    // "€" is e2 82 ac, "😀" is f0 9f 98 80
    const stream = b('01 01 e2  89 00  00 01 82  8a 00  00 03 ac f0 9f  89 00  80 02 98 80');
    const result = decodeFrames(stream);
    expect(result.fault).toBeNull();
    expect(result.frames).toHaveLength(7);
    const text = result.frames.filter((fr) => fr.opcode < 8).map((fr) => [...fr.payload]).flat();
    expect(new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(text))).toBe('€\u{1F600}');
  });

  test('a binary message may hold any bytes; validateUtf8: false lets bad text through', () => {
    expect(decodeFrames(b('82 04 ff fe c0 80')).fault).toBeNull();
    expect(decodeFrames(b('81 02 c3 28'), { validateUtf8: false }).fault).toBeNull();
  });

  test('sender "any" accepts masked and unmasked frames in one stream', () => {
    const result = decodeFrames(concatBytes(b('81 01 41'), masked(0x81, ascii('B'))));
    expect(result.fault).toBeNull();
    expect(result.frames.map((fr) => fr.masked)).toEqual([false, true]);
  });

  test('a parser that has failed ignores pushes and keeps its fault', () => {
    const parser = new FrameParser();
    parser.push(b('83 00'));
    const first = parser.next();
    expect(first).toMatchObject({ kind: 'fault', rule: 'reserved-opcode' });
    parser.push(b('81 01 41'));
    expect(parser.bufferedAmount).toBe(0);
    expect(parser.next()).toBeNull();
    expect(parser.fault).toBe(first);
  });
});
