/**
 * Every fault rule of src/protocol/fault.ts, as a table of hex fixtures: the rule, the close code
 * the RFC requires, the offset and length of the bytes at fault, and how many bytes the parser
 * needs before it can tell (so a fault decided by the header comes before any payload). Each is
 * fed whole, at every split point and one byte at a time; after a fault nothing more comes out.
 */
import { describe, expect, test } from 'vitest';
import {
  closePayload,
  decodeFrames,
  encodeFrame,
  FAULT_RULES,
  FAULTS,
  closeCodeInfo,
  FrameParser,
  isValidCloseCode,
} from '../../src/protocol';
import { code2, FAULT_CASES, INVALID_CLOSE_CODES, KEY, masked, VALID_CLOSE_CODES } from './fault-fixtures';
import { ascii, chunkings, concatBytes, feed, hex, pattern, plainFault } from './helpers';

const CASES = FAULT_CASES;
const b = (text: string): Uint8Array => hex(text);

describe('fault table: rule, close code, offset and length, at every chunking', () => {
  test.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(c.decidedAt).toBeLessThanOrEqual(c.bytes.length);
    for (const { name, cuts } of chunkings(c.bytes.length)) {
      const result = feed(c.bytes, cuts, c.options);
      expect(result.frames, name).toHaveLength(c.framesBefore ?? 0);
      expect(result.fault && plainFault(result.fault), name).toEqual(c.fault);
      expect(result.fault!.rfc, name).toBe(c.rfc);
      const cited = c.rfc.startsWith('RFC ') ? c.rfc : `RFC 6455 §${c.rfc}`;
      expect(result.fault!.message, name).toMatch(new RegExp(`\\(${cited.replace(/\./g, '\\.')}\\)\\.$`));
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

  test('every rule of FAULT_RULES has at least one case in the fixtures', () => {
    const covered = new Set(CASES.map((c) => c.fault.rule));
    // Found once a compressed message is inflated, by the connection, not the parser: held to
    // RFC 7692's examples and to a zip bomb in tests/protocol/deflate-connection.test.ts.
    const afterInflating = ['inflate-failed', 'inflated-too-large', 'inflated-invalid-utf8'];
    expect(FAULT_RULES.filter((rule) => !covered.has(rule) && !afterInflating.includes(rule))).toEqual([]);
  });

  test.each(CASES.filter((c) => c.detail !== undefined).map((c) => [c.name, c] as const))('%s: the values of its sentence', (_name, c) => {
    const result = feed(c.bytes, [], c.options);
    expect(result.fault!.detail).toEqual(c.detail);
  });
});

describe('the FAULTS table', () => {
  test('one row per rule, keyed by its id, with a close code, a section, the RFC\u2019s words and the fields it marks', () => {
    expect(Object.keys(FAULTS).sort()).toEqual([...FAULT_RULES].sort());
    for (const rule of FAULT_RULES) {
      const row = FAULTS[rule];
      expect(row.rule, rule).toBe(rule);
      expect([1002, 1007, 1009], rule).toContain(row.closeCode);
      // A section of RFC 6455 ("5.2"), or of another RFC named in full ("RFC 7692 §6.1").
      expect(row.rfc, rule).toMatch(/^(RFC \d+ §)?\d+(\.\d+)*$/);
      expect(row.quote.length, rule).toBeGreaterThan(30);
      expect(row.explanation.length, rule).toBeGreaterThan(20);
      expect(row.fields.length, rule).toBeGreaterThan(0);
    }
  });

  test('sentences as a student reads them, values in place, the section cited once at the end', () => {
    const sentence = (bytes: string, options = {}) => decodeFrames(b(bytes), options).fault!.message;
    expect(sentence('82 7e 00 7d')).toBe(
      'The 16-bit extended payload length holds 125, which fits in the 7-bit field: the length must be encoded in the fewest bytes (RFC 6455 §5.2).',
    );
    expect(sentence('e2 00')).toBe('RSV1, RSV2 are set but no extension that defines them was negotiated (RFC 6455 §5.2).');
    expect(sentence('8b 00')).toBe('Opcode 0xB is reserved for future control frames; no extension defines it (RFC 6455 §5.2).');
    expect(sentence('88 02 03 ed')).toBe('The close frame carries status code 1005 (No Status Received), which may not be sent in a close frame (RFC 6455 §7.4).');
    expect(sentence('81 02 41 ff')).toBe('Byte 0xff at payload offset 1 cannot be part of valid UTF-8, and a text message must be UTF-8 (RFC 6455 §8.1).');
    expect(sentence('82 0b', { maxPayload: 10 })).toBe(
      "The frame declares a 11-byte payload, over this endpoint's limit of 10 bytes; it is refused before any of it is read: 1009 Message Too Big (RFC 6455 §7.4.1).",
    );
  });
});

describe('what the rules allow', () => {
  test('valid close codes are accepted: 1000-1003, 1007-1014, 3000-4999', () => {
    for (const code of VALID_CLOSE_CODES) {
      expect(isValidCloseCode(code), `${code}`).toBe(true);
      const wire = b(`88 02 ${code2(code)}`);
      const result = decodeFrames(wire);
      expect(result.fault, `${code}`).toBeNull();
      expect(result.frames).toHaveLength(1);
      const withReason = decodeFrames(encodeFrame({ opcode: 8, payload: closePayload(code, 'bye ✓'), maskingKey: KEY }), { sender: 'client' });
      expect(withReason.fault, `${code} with a reason`).toBeNull();
      expect(new TextDecoder().decode(withReason.frames[0]!.payload.subarray(2))).toBe('bye ✓');
    }
    for (const code of INVALID_CLOSE_CODES) {
      expect(isValidCloseCode(code), `${code}`).toBe(false);
    }
  });

  test('closeCodeInfo names each range of RFC 6455 §7.4.2 at its edges, and says whether it goes on the wire', () => {
    const seen = (code: number) => [closeCodeInfo(code).name, closeCodeInfo(code).onWire];
    expect(seen(0)).toEqual(['Invalid', false]);
    expect(seen(999)).toEqual(['Invalid', false]);
    expect(seen(1000)).toEqual(['Normal Closure', true]);
    expect(seen(1004)).toEqual(['Reserved', false]);
    expect(seen(1005)).toEqual(['No Status Received', false]);
    expect(seen(1014)).toEqual(['Bad Gateway', true]);
    expect(seen(1015)).toEqual(['TLS Handshake', false]);
    expect(seen(1016)).toEqual(['Unassigned', false]);
    expect(seen(2999)).toEqual(['Unassigned', false]);
    expect(seen(3000)).toEqual(['Registered (libraries, frameworks)', true]);
    expect(seen(3999)).toEqual(['Registered (libraries, frameworks)', true]);
    expect(seen(4000)).toEqual(['Private use', true]);
    expect(seen(4999)).toEqual(['Private use', true]);
    expect(seen(5000)).toEqual(['Invalid', false]);
    expect(seen(65535)).toEqual(['Invalid', false]);
    expect(seen(1000.5)).toEqual(['Invalid', false]);
    expect(seen(-1)).toEqual(['Invalid', false]);
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
