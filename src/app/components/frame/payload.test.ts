import { describe, expect, it } from 'vitest';
import { bin8, closeView, codePoints, hex2, looksLikeText, maskSteps, prettyJson, printable, textView } from './payload';

describe('masking walkthrough', () => {
  it('XORs each byte with key byte i mod 4', () => {
    const wire = Uint8Array.of(0x7f, 0x9f, 0x4d, 0x51, 0x58);
    const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
    const steps = maskSteps(wire, key);
    expect(steps.map((s) => s.char).join('')).toBe('Hello');
    expect(steps[4]).toMatchObject({ index: 4, keyIndex: 0, key: 0x37, masked: 0x58, unmasked: 0x6f });
    expect(maskSteps(wire, key, 2)).toHaveLength(2);
    expect(bin8(0x7f)).toBe('01111111');
    expect(hex2(5)).toBe('05');
    expect(printable(0x20)).toBe('␣');
    expect(printable(0x0a)).toBeNull();
  });
});

describe('payload view', () => {
  it('reads text, cut short unless asked for all', () => {
    const text = textView(new TextEncoder().encode('héllo world'), 5, false);
    expect(text).toMatchObject({ valid: true, length: 11, shown: 'héllo', truncated: true });
    expect(textView(new TextEncoder().encode('héllo'), 5, true).truncated).toBe(false);
    expect(textView(new TextEncoder().encode('😀😀😀'), 2, false)).toMatchObject({ length: 3, shown: '😀😀', truncated: true });
    expect(textView(Uint8Array.of(0x48, 0xff), 10, false)).toMatchObject({ valid: false, shown: 'H\ufffd' });
    expect(codePoints(new TextEncoder().encode('aé😀'))).toBe(3);
  });

  it('pretty-prints JSON objects and arrays only', () => {
    expect(prettyJson('{"a":1}')).toBe('{\n  "a": 1\n}');
    expect(prettyJson('[1]')).toBe('[\n  1\n]');
    expect(prettyJson('42')).toBeNull();
    expect(prettyJson('{nope')).toBeNull();
  });

  it('decides what reads as text', () => {
    expect(looksLikeText(0x1, Uint8Array.of(0xff))).toBe(true);
    expect(looksLikeText(0x2, new TextEncoder().encode('hi'))).toBe(false);
    expect(looksLikeText(0x9, new TextEncoder().encode('hi'))).toBe(true);
    expect(looksLikeText(0x9, Uint8Array.of(0, 1, 2))).toBe(false);
  });

  it('reads a close payload', () => {
    expect(closeView(Uint8Array.of(0x03, 0xe8, 0x62, 0x79, 0x65))).toMatchObject({ code: 1000, reason: 'bye' });
    expect(closeView(Uint8Array.of())).toEqual({ code: null, info: null, reason: '' });
  });
});
