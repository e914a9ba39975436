/**
 * layoutFrame: the bytes of one frame as the fields of the RFC 6455 §5.2 bit grid. The §5.7
 * examples field by field, the 16- and 64-bit length forms, frames cut at every byte, lengths the
 * parser refuses (laid out, never thrown on), close payloads, and a property over any bytes.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeFrame, layoutFrame, Opcode, type FieldKey, type FrameLayout, type LayoutField } from '../../src/protocol';
import { ascii, hex, pattern, toHex } from './helpers';

/** The grid part of a field: where it sits and what its bits say. */
function grid(field: LayoutField): Pick<LayoutField, 'key' | 'bitOffset' | 'bitLength' | 'bits' | 'value' | 'complete'> {
  const { key, bitOffset, bitLength, bits, value, complete } = field;
  return { key, bitOffset, bitLength, bits, value, complete };
}

function field(layout: FrameLayout, key: FieldKey): LayoutField {
  const found = layout.fields.find((f) => f.key === key);
  if (!found) throw new Error(`no ${key} field in ${layout.fields.map((f) => f.key).join(', ')}`);
  return found;
}

const keys = (layout: FrameLayout): FieldKey[] => layout.fields.map((f) => f.key);

/** Every field starts where the one before it ends, from bit 0. */
function expectContiguous(fields: readonly LayoutField[]): void {
  let next = 0;
  for (const f of fields) {
    expect(f.bitOffset).toBe(next);
    next = f.bitOffset + f.bitLength;
  }
}

describe('RFC 6455 §5.7 examples', () => {
  test('a single-frame masked text message ("Hello"): every field', () => {
    const layout = layoutFrame(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'));
    expect(layout.fields.map(grid)).toEqual([
      { key: 'fin', bitOffset: 0, bitLength: 1, bits: '1', value: '1', complete: true },
      { key: 'rsv1', bitOffset: 1, bitLength: 1, bits: '0', value: '0', complete: true },
      { key: 'rsv2', bitOffset: 2, bitLength: 1, bits: '0', value: '0', complete: true },
      { key: 'rsv3', bitOffset: 3, bitLength: 1, bits: '0', value: '0', complete: true },
      { key: 'opcode', bitOffset: 4, bitLength: 4, bits: '0001', value: '0x1 text', complete: true },
      { key: 'mask', bitOffset: 8, bitLength: 1, bits: '1', value: '1', complete: true },
      { key: 'payload-length', bitOffset: 9, bitLength: 7, bits: '0000101', value: '5', complete: true },
      {
        key: 'masking-key', bitOffset: 16, bitLength: 32,
        bits: '00110111' + '11111010' + '00100001' + '00111101', value: '37 fa 21 3d', complete: true,
      },
      { key: 'payload', bitOffset: 48, bitLength: 40, bits: null, value: '5 bytes: "Hello"', complete: true },
    ]);
    expect(layout.fields.map((f) => f.label)).toEqual([
      'FIN', 'RSV1', 'RSV2', 'RSV3', 'Opcode', 'MASK', 'Payload length', 'Masking key', 'Payload',
    ]);
    expect(layout.fields.map((f) => [f.byteOffset, f.byteLength])).toEqual([
      [0, 1], [0, 1], [0, 1], [0, 1], [0, 1], [1, 1], [1, 1], [2, 4], [6, 5],
    ]);
    expect(layout).toMatchObject({
      offset: 0, fin: true, opcode: Opcode.Text, masked: true, lengthForm: 7, payloadLength: 5,
      headerLength: 6, frameLength: 11, available: 11, complete: true,
    });
    expect(toHex(layout.maskingKey!)).toBe('37fa213d');
    expect(toHex(layout.wirePayload)).toBe('7f9f4d5158');
    expect(layout.payload).toEqual(ascii('Hello'));
    expect(field(layout, 'payload').explanation).toMatch(/unmasked/i);
    for (const f of layout.fields) {
      expect(f.explanation.length).toBeGreaterThan(0);
      expect(f.rfc).toMatch(/^\d+(\.\d+)*$/);
    }
  });

  test('a single-frame unmasked text message: no masking key field', () => {
    const layout = layoutFrame(hex('81 05 48 65 6c 6c 6f'));
    expect(keys(layout)).toEqual(['fin', 'rsv1', 'rsv2', 'rsv3', 'opcode', 'mask', 'payload-length', 'payload']);
    expect(grid(field(layout, 'mask'))).toMatchObject({ bitOffset: 8, bits: '0', value: '0' });
    expect(grid(field(layout, 'payload'))).toEqual({
      key: 'payload', bitOffset: 16, bitLength: 40, bits: null, value: '5 bytes: "Hello"', complete: true,
    });
    expect(layout.maskingKey).toBeNull();
    expect(layout.wirePayload).toEqual(layout.payload);
    expectContiguous(layout.fields);
  });

  test('a fragmented unmasked text message: FIN 0 then a continuation with FIN 1', () => {
    const bytes = hex('01 03 48 65 6c 80 02 6c 6f');
    const first = layoutFrame(bytes);
    expect(first.frameLength).toBe(5);
    expect(grid(field(first, 'fin'))).toMatchObject({ bits: '0', value: '0' });
    expect(field(first, 'fin').explanation).toMatch(/more fragments/i);
    expect(field(first, 'payload').value).toBe('3 bytes: "Hel"');

    // The second frame starts at byte 5: fields carry stream offsets.
    const second = layoutFrame(bytes, 5);
    expect(second.offset).toBe(5);
    expect(grid(field(second, 'opcode'))).toMatchObject({ bits: '0000', value: '0x0 continuation' });
    expect(grid(field(second, 'fin'))).toMatchObject({ bits: '1' });
    expect(field(second, 'payload')).toMatchObject({ value: '2 bytes: "lo"', byteOffset: 7, byteLength: 2, bitOffset: 16 });

    // And a caller that holds only part of a stream says where that part starts.
    const shifted = layoutFrame(bytes.subarray(5), 0, 5);
    expect(shifted.fields).toEqual(second.fields);
  });

  test('an unmasked ping and a masked pong', () => {
    const ping = layoutFrame(hex('89 05 48 65 6c 6c 6f'));
    expect(grid(field(ping, 'opcode'))).toMatchObject({ bits: '1001', value: '0x9 ping' });
    expect(field(ping, 'payload').value).toBe('5 bytes: "Hello"');
    expect(field(ping, 'payload').rfc).toBe('5.5');

    const pong = layoutFrame(hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58'));
    expect(grid(field(pong, 'opcode'))).toMatchObject({ bits: '1010', value: '0xA pong' });
    expect(field(pong, 'payload').value).toBe('5 bytes: "Hello"');
    expectContiguous(pong.fields);
  });

  test('256 bytes in one unmasked binary frame: the 16-bit extended payload length', () => {
    const payload = pattern(256, 256);
    const bytes = encodeFrame({ opcode: Opcode.Binary, payload });
    expect(toHex(bytes.subarray(0, 4))).toBe('827e0100');
    const layout = layoutFrame(bytes);
    expect(layout.fields.slice(5).map(grid)).toEqual([
      { key: 'mask', bitOffset: 8, bitLength: 1, bits: '0', value: '0', complete: true },
      { key: 'payload-length', bitOffset: 9, bitLength: 7, bits: '1111110', value: '126', complete: true },
      {
        key: 'extended-payload-length', bitOffset: 16, bitLength: 16,
        bits: '0000000100000000', value: '256', complete: true,
      },
      { key: 'payload', bitOffset: 32, bitLength: 2048, bits: null, value: field(layout, 'payload').value, complete: true },
    ]);
    expect(field(layout, 'payload-length').explanation).toMatch(/next 16 bits/);
    expect(field(layout, 'extended-payload-length')).toMatchObject({ byteOffset: 2, byteLength: 2 });
    expect(field(layout, 'payload').value).toMatch(/^256 bytes: ([0-9a-f]{2} ){23}[0-9a-f]{2} …$/);
    expect(layout).toMatchObject({ lengthForm: 16, payloadLength: 256, headerLength: 4, frameLength: 260, complete: true });
    expect(layout.payload).toEqual(payload);
  });

  test('64 KiB in one unmasked binary frame: the 64-bit extended payload length', () => {
    const payload = pattern(65536, 65536);
    const bytes = encodeFrame({ opcode: Opcode.Binary, payload });
    expect(toHex(bytes.subarray(0, 10))).toBe('827f0000000000010000');
    const layout = layoutFrame(bytes);
    expect(grid(field(layout, 'payload-length'))).toMatchObject({ bits: '1111111', value: '127' });
    expect(field(layout, 'payload-length').explanation).toMatch(/next 64 bits/);
    expect(grid(field(layout, 'extended-payload-length'))).toEqual({
      key: 'extended-payload-length', bitOffset: 16, bitLength: 64,
      bits: '0'.repeat(47) + '1' + '0'.repeat(16), value: '65536', complete: true,
    });
    expect(field(layout, 'extended-payload-length').explanation).toContain('65,536 bytes');
    expect(grid(field(layout, 'payload'))).toMatchObject({ bitOffset: 80, bitLength: 65536 * 8, complete: true });
    expect(layout).toMatchObject({ lengthForm: 64, payloadLength: 65536, headerLength: 10, frameLength: 65546, complete: true });
    expectContiguous(layout.fields);
  });
});

describe('length forms', () => {
  test('a masked frame with a 16-bit length: the masking key moves to bit 32', () => {
    const bytes = encodeFrame({ opcode: Opcode.Text, payload: ascii('x'.repeat(300)), maskingKey: hex('01 02 03 04') });
    const layout = layoutFrame(bytes);
    expect(keys(layout)).toEqual([
      'fin', 'rsv1', 'rsv2', 'rsv3', 'opcode', 'mask', 'payload-length', 'extended-payload-length', 'masking-key', 'payload',
    ]);
    expect(grid(field(layout, 'extended-payload-length'))).toMatchObject({ bitOffset: 16, bitLength: 16, value: '300' });
    expect(grid(field(layout, 'masking-key'))).toMatchObject({ bitOffset: 32, bitLength: 32, value: '01 02 03 04' });
    expect(grid(field(layout, 'payload'))).toMatchObject({ bitOffset: 64, bitLength: 2400, complete: true });
    expect(field(layout, 'payload').value).toBe(`300 bytes: "${'x'.repeat(80)}"…`);
    expectContiguous(layout.fields);
  });

  test('a masked frame with a 64-bit length: the masking key at bit 80', () => {
    const bytes = encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(70000), maskingKey: hex('aa bb cc dd') });
    const layout = layoutFrame(bytes);
    expect(grid(field(layout, 'extended-payload-length'))).toMatchObject({ bitOffset: 16, bitLength: 64, value: '70000' });
    expect(grid(field(layout, 'masking-key'))).toMatchObject({ bitOffset: 80, bitLength: 32, value: 'aa bb cc dd' });
    expect(grid(field(layout, 'payload'))).toMatchObject({ bitOffset: 112, bitLength: 560000, complete: true });
    expect(layout.headerLength).toBe(14);
    expect(layout.payload).toEqual(new Uint8Array(70000));
  });

  test('non-minimal lengths are laid out, and the explanation says they are a fault', () => {
    const form16 = layoutFrame(encodeFrame({ opcode: Opcode.Text, payload: ascii('Hi'), lengthForm: 16 }));
    expect(grid(field(form16, 'extended-payload-length'))).toMatchObject({ bitLength: 16, value: '2' });
    expect(field(form16, 'extended-payload-length').explanation).toMatch(/shorter form.*fault/);
    expect(field(form16, 'payload').value).toBe('2 bytes: "Hi"');

    const form64 = layoutFrame(encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(300), lengthForm: 64 }));
    expect(grid(field(form64, 'extended-payload-length'))).toMatchObject({ bitLength: 64, value: '300' });
    expect(field(form64, 'extended-payload-length').explanation).toMatch(/shorter form.*fault/);
  });

  test('a 64-bit length with its most significant bit set: no throw, and the explanation says so', () => {
    const bytes = hex('82 ff 80 00 00 00 00 00 00 05 01 02 03 04 aa bb');
    const layout = layoutFrame(bytes);
    const ext = field(layout, 'extended-payload-length');
    expect(ext).toMatchObject({ bitOffset: 16, bitLength: 64, complete: true, value: (2n ** 63n + 5n).toString() });
    expect(ext.bits).toBe('1' + '0'.repeat(60) + '101');
    expect(ext.explanation).toMatch(/most significant bit must be 0/);
    expect(grid(field(layout, 'masking-key'))).toMatchObject({ bitOffset: 80, value: '01 02 03 04' });
    const payload = field(layout, 'payload');
    expect(payload.complete).toBe(false);
    // The payload field keeps every digit of a length past 2^53 (a number would round it).
    expect(payload.value).toBe('9,223,372,036,854,775,813 bytes, 2 received so far');
    expect(payload.explanation).toBe('2 of 9,223,372,036,854,775,813 payload bytes received; 9,223,372,036,854,775,811 more needed.');
    expect(layout.complete).toBe(false);
    expect(layout.available).toBe(16);

    // All 64 bits set, unmasked, no payload at all.
    const all = layoutFrame(hex('82 7f ff ff ff ff ff ff ff ff'));
    expect(field(all, 'extended-payload-length').explanation).toMatch(/most significant bit/);
    expect(field(all, 'payload')).toMatchObject({ complete: false, bitOffset: 80 });
    expect(field(all, 'payload').value).toBe('18,446,744,073,709,551,615 bytes, none received yet');
  });
});

describe('partial frames', () => {
  // A masked text frame with a 16-bit length: 2 + 2 + 4 header bytes, then 130 payload bytes.
  const payload = ascii('a'.repeat(130));
  const whole = encodeFrame({ opcode: Opcode.Text, payload, maskingKey: hex('37 fa 21 3d') });
  const order: FieldKey[] = [
    'fin', 'rsv1', 'rsv2', 'rsv3', 'opcode', 'mask', 'payload-length', 'extended-payload-length', 'masking-key', 'payload',
  ];
  /** The field that is missing (or unfinished) when the frame is cut after `n` bytes. */
  const missingAt = (n: number): FieldKey =>
    n === 0 ? 'fin' : n === 1 ? 'mask' : n < 4 ? 'extended-payload-length' : n < 8 ? 'masking-key' : 'payload';

  test.each(Array.from({ length: whole.length }, (_, n) => n))('cut after %i bytes', (n) => {
    const layout = layoutFrame(whole.subarray(0, n));
    const missing = missingAt(n);
    // Fields present so far are complete; the one the bytes end in (or before) is the last, incomplete.
    expect(keys(layout)).toEqual(order.slice(0, order.indexOf(missing) + 1));
    const last = layout.fields.at(-1)!;
    expect(last.key).toBe(missing);
    expect(last.complete).toBe(false);
    expect(layout.fields.slice(0, -1).every((f) => f.complete)).toBe(true);
    expect(layout.complete).toBe(false);
    expect(layout.available).toBe(n);
    expectContiguous(layout.fields);
    if (missing === 'payload') {
      expect(last.bitLength).toBe(130 * 8);
      expect(last.explanation).toBe(`${n - 8} of 130 payload bytes received; ${138 - n} more needed.`);
      expect(layout.payload).toEqual(payload.subarray(0, n - 8));
    } else {
      expect(last.bits).toBeNull();
      expect(last.value).toBe('not received');
    }
  });

  test('cut inside the 16-bit length or the masking key: how many more bytes', () => {
    expect(layoutFrame(whole.subarray(0, 3)).fields.at(-1)!.explanation).toMatch(/needs 1 more byte\./);
    expect(layoutFrame(whole.subarray(0, 5)).fields.at(-1)!.explanation).toMatch(/needs 3 more bytes\./);
    expect(field(layoutFrame(whole.subarray(0, 5)), 'masking-key')).toMatchObject({ bitOffset: 32, bitLength: 32, byteOffset: 4, byteLength: 4 });
  });

  test('the whole frame, and the frame followed by more bytes', () => {
    const layout = layoutFrame(whole);
    expect(layout.fields.every((f) => f.complete)).toBe(true);
    expect(layout.complete).toBe(true);
    const followed = layoutFrame(new Uint8Array([...whole, 0x81, 0x00]));
    expect(followed.fields).toEqual(layout.fields);
    expect(followed.frameLength).toBe(whole.length);
  });

  test('a start past the end lays out an empty frame', () => {
    const layout = layoutFrame(hex('81 00'), 5, 100);
    expect(layout.fields).toHaveLength(1);
    expect(layout.fields[0]).toMatchObject({ key: 'fin', complete: false, byteOffset: 105 });
    expect(layout.available).toBe(0);
  });
});

describe('payload descriptions', () => {
  test('a close frame: code, its name, and the reason', () => {
    const layout = layoutFrame(hex('88 0a 03 e8 67 6f 6f 64 20 62 79 65'));
    expect(grid(field(layout, 'opcode'))).toMatchObject({ bits: '1000', value: '0x8 close' });
    expect(field(layout, 'payload').value).toBe('10 bytes: code 1000 (Normal Closure), reason "good bye"');
    expect(field(layout, 'payload').explanation).toMatch(/2-byte status code/);
    expect(field(layout, 'payload').rfc).toBe('5.5');
  });

  test('a masked close frame with a code and no reason', () => {
    const bytes = encodeFrame({ opcode: Opcode.Close, payload: hex('03 ea'), maskingKey: hex('11 22 33 44') });
    expect(field(layoutFrame(bytes), 'payload').value).toBe('2 bytes: code 1002 (Protocol Error)');
  });

  test('close frames with no payload, with one byte, and with a code never sent', () => {
    expect(field(layoutFrame(hex('88 00')), 'payload').value).toBe('0 bytes (empty)');
    expect(field(layoutFrame(hex('88 01 03')), 'payload').value).toBe('1 byte: 03');
    expect(field(layoutFrame(hex('88 02 03 ed')), 'payload').value).toBe('2 bytes: code 1005 (No Status Received)');
  });

  test('binary payloads are shown as hex; control characters in a ping too', () => {
    expect(field(layoutFrame(hex('82 03 00 ff 10')), 'payload').value).toBe('3 bytes: 00 ff 10');
    expect(field(layoutFrame(hex('89 02 00 01')), 'payload').value).toBe('2 bytes: 00 01');
    expect(field(layoutFrame(hex('89 02 68 69')), 'payload').value).toBe('2 bytes: "hi"');
  });

  test('reserved opcodes and RSV bits are laid out with what they mean', () => {
    const layout = layoutFrame(hex('f3 00'));
    expect(layout.fields.slice(0, 5).map((f) => f.bits)).toEqual(['1', '1', '1', '1', '0011']);
    expect(field(layout, 'opcode').value).toBe('0x3 reserved (0x3)');
    expect(field(layout, 'rsv1').explanation).toMatch(/permessage-deflate/);
    expect(field(layout, 'rsv2').explanation).toMatch(/negotiated extension/);
  });

  test('a control frame with FIN 0 is explained as a fault', () => {
    expect(field(layoutFrame(hex('09 00')), 'fin').explanation).toMatch(/must not be fragmented/);
  });
});

describe('properties', () => {
  test('never throws on any bytes; complete fields run from bit 0 without gaps', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 64 }),
        fc.nat({ max: 70 }),
        fc.nat({ max: 1_000_000 }),
        (bytes, start, streamOffset) => {
          const layout = layoutFrame(bytes, start, streamOffset);
          expect(layout.offset).toBe(start + streamOffset);
          expect(layout.fields.length).toBeGreaterThan(0);
          const complete = layout.fields.filter((f) => f.complete);
          expectContiguous(complete);
          for (let i = 1; i < complete.length; i++) {
            expect(complete[i]!.bitOffset).toBeGreaterThan(complete[i - 1]!.bitOffset);
          }
          // At most one field is incomplete, and it is the last.
          const incomplete = layout.fields.filter((f) => !f.complete);
          expect(incomplete.length).toBeLessThanOrEqual(1);
          if (incomplete.length === 1) expect(layout.fields.at(-1)!.complete).toBe(false);
          expectContiguous(layout.fields);
          for (const f of layout.fields) {
            expect(f.byteOffset).toBe(layout.offset + Math.floor(f.bitOffset / 8));
            if (f.bits !== null) expect(f.bits).toHaveLength(f.bitLength);
          }
          expect(layout.complete).toBe(layout.fields.every((f) => f.complete));
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('frames that start with a valid-looking header: same invariants', () => {
    const header = fc.tuple(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 5, 125, 126, 127, 0x80 | 3, 0x80 | 126, 0x80 | 127));
    fc.assert(
      fc.property(header, fc.uint8Array({ maxLength: 40 }), ([b0, b1], rest) => {
        const layout = layoutFrame(new Uint8Array([b0, b1, ...rest]));
        expectContiguous(layout.fields.filter((f) => f.complete));
        expect(layout.fields.slice(0, 7).every((f) => f.complete)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
