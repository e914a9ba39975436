import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHex } from '../../protocol';
import { buildFrame, DEFAULT_SPEC, parseKey, payloadBytes, randomKeyText, type BuilderSpec } from './builder';

describe('buildFrame', () => {
  it('builds the masked "Hello" of RFC 6455 §5.7 by default, and it decodes back the same', () => {
    const result = buildFrame(DEFAULT_SPEC);
    if (!result.ok) throw new Error(result.message());
    expect(Array.from(result.bytes, (b) => b.toString(16).padStart(2, '0')).join(' ')).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(result.roundTrip).toEqual({ same: true, fault: null, differences: [] });
  });

  it('gives the bytes in every hex format, each read back to the same bytes', () => {
    const result = buildFrame({ ...DEFAULT_SPEC, payload: 'x'.repeat(200) });
    if (!result.ok) throw new Error(result.message());
    expect(result.formats.map((f) => f.format)).toEqual(['spaced', 'plain', '0x-list', 'c-array', 'escaped', 'hexdump']);
    for (const { text } of result.formats) {
      const back = parseHex(text);
      expect(back.ok && Array.from(back.bytes)).toEqual(Array.from(result.bytes));
    }
  });

  it('round-trips any valid frame (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          fin: fc.boolean(),
          opcode: fc.constantFrom(0x1, 0x2),
          mask: fc.boolean(),
          key: fc.uint8Array({ minLength: 4, maxLength: 4 }),
          payload: fc.uint8Array({ maxLength: 400 }),
        }),
        ({ fin, opcode, mask, key, payload }) => {
          const spec: BuilderSpec = {
            ...DEFAULT_SPEC,
            fin,
            opcode,
            mask,
            key: Array.from(key, (b) => b.toString(16).padStart(2, '0')).join(''),
            payloadMode: 'hex',
            payload: Array.from(payload, (b) => b.toString(16).padStart(2, '0')).join(' '),
          };
          const result = buildFrame(spec);
          if (!result.ok) throw new Error(result.message());
          // Binary payloads are any bytes; text must be UTF-8 to decode, so only check binary for "same".
          if (opcode === 0x2) expect(result.roundTrip.same).toBe(true);
          else expect(result.roundTrip.same || result.roundTrip.fault?.rule === 'invalid-utf8').toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('shows a frame broken on purpose as refused, with the rule', () => {
    const reserved = buildFrame({ ...DEFAULT_SPEC, opcode: 0x3 });
    expect(reserved.ok && reserved.roundTrip.fault?.rule).toBe('reserved-opcode');
    const rsv = buildFrame({ ...DEFAULT_SPEC, rsv1: true });
    expect(rsv.ok && rsv.roundTrip.fault?.rule).toBe('rsv-without-extension');
    const ping = buildFrame({ ...DEFAULT_SPEC, opcode: 0x9, fin: false });
    expect(ping.ok && ping.roundTrip.fault?.rule).toBe('fragmented-control-frame');
    const long = buildFrame({ ...DEFAULT_SPEC, opcode: 0x9, payload: 'p'.repeat(126) });
    expect(long.ok && long.roundTrip.fault?.rule).toBe('control-frame-too-long');
  });

  it('says what is wrong with the key or the payload hex', () => {
    expect(buildFrame({ ...DEFAULT_SPEC, key: '37 fa 21' })).toMatchObject({ ok: false, field: 'key' });
    expect(buildFrame({ ...DEFAULT_SPEC, key: 'zz zz zz zz' })).toMatchObject({ ok: false, field: 'key' });
    expect(buildFrame({ ...DEFAULT_SPEC, mask: false, key: 'nonsense' }).ok).toBe(true);
    const bad = buildFrame({ ...DEFAULT_SPEC, payloadMode: 'hex', payload: '48 6' });
    expect(bad).toMatchObject({ ok: false, field: 'payload' });
    expect(!bad.ok && bad.message()).toMatch(/^Payload hex, line 1, column 4: /);
  });
});

describe('helpers', () => {
  it('reads keys in several spellings', () => {
    for (const text of ['37fa213d', '37 fa 21 3d', '0x37, 0xfa, 0x21, 0x3d', '37:FA:21:3D']) {
      const key = parseKey(text);
      expect(key.ok && Array.from(key.key)).toEqual([0x37, 0xfa, 0x21, 0x3d]);
    }
  });

  it('makes random keys the key parser reads', () => {
    const text = randomKeyText();
    expect(text).toMatch(/^[0-9a-f]{2}( [0-9a-f]{2}){3}$/);
    expect(parseKey(text).ok).toBe(true);
  });

  it('encodes text payloads as UTF-8 and reads empty hex as no bytes', () => {
    const text = payloadBytes({ payloadMode: 'text', payload: 'é' });
    expect(text.ok && Array.from(text.bytes)).toEqual([0xc3, 0xa9]);
    const empty = payloadBytes({ payloadMode: 'hex', payload: '  ' });
    expect(empty.ok && empty.bytes.length).toBe(0);
  });
});
