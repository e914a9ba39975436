import { describe, expect, it } from 'vitest';
import {
  checkJson,
  composeGenerated,
  composeHex,
  composeText,
  enterAction,
  lengthFormNote,
  lineColumn,
  MAX_GENERATED,
} from './composer';

describe('composer: text', () => {
  it('refuses an empty message and says why', () => {
    const result = composeText('');
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem.message).toMatch(/Nothing to send/);
  });

  it('counts UTF-8 bytes, not characters', () => {
    const result = composeText('h\u00e9 \u{1f600}');
    expect(result).toEqual({ ok: true, outgoing: { kind: 'text', data: 'h\u00e9 \u{1f600}', size: 8 } });
  });

  it('sends whitespace-only text as it is', () => {
    expect(composeText(' ').ok).toBe(true);
  });
});

describe('composer: hex', () => {
  it('turns hex into binary', () => {
    const result = composeHex('48 65 6c 6c 6f');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.outgoing.kind).toBe('binary');
      expect(Array.from(result.outgoing.data as Uint8Array)).toEqual([0x48, 0x65, 0x6c, 0x6c, 0x6f]);
      expect(result.outgoing.size).toBe(5);
    }
  });

  it('refuses empty input', () => {
    expect(composeHex('  \n ').ok).toBe(false);
  });

  it('says where bad hex goes wrong, by line and column', () => {
    const result = composeHex('48 65\n6c zz');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      // "48 65\n6c zz": the first z is the 4th character of line 2, the 10th of the input.
      expect(result.problem).toMatchObject({ line: 2, column: 4, index: 9, length: 1 });
      expect(result.problem.message).toMatch(/^Line 2, column 4: /);
    }
  });
});

describe('composer: generated payloads', () => {
  it('makes exactly N bytes of ASCII text', () => {
    const result = composeGenerated(200, 'text');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(result.outgoing.size).toBe(200);
      expect((result.outgoing.data as string).length).toBe(200);
      expect(result.outgoing.data).toMatch(/^abcdefghij/);
    }
  });

  it('makes N counting bytes of binary', () => {
    const result = composeGenerated(300, 'binary');
    expect(result.ok).toBe(true);
    if (result.ok) {
      const bytes = result.outgoing.data as Uint8Array;
      expect(bytes.length).toBe(300);
      expect(bytes[0]).toBe(0);
      expect(bytes[255]).toBe(255);
      expect(bytes[256]).toBe(0);
    }
  });

  it('refuses sizes below 1, fractions and sizes over the limit', () => {
    for (const size of [0, -1, 1.5, Number.NaN, MAX_GENERATED + 1]) {
      expect(composeGenerated(size, 'text').ok, String(size)).toBe(false);
    }
    expect(composeGenerated(MAX_GENERATED, 'binary').ok).toBe(true);
  });

  it('names the length form for a size', () => {
    expect(lengthFormNote(125).form).toBe(7);
    expect(lengthFormNote(126)).toEqual({
      form: 16,
      text: '126 bytes: Payload length 126, then a 16-bit Extended payload length of 126.',
    });
    expect(lengthFormNote(65_535).form).toBe(16);
    expect(lengthFormNote(65_536).form).toBe(64);
    expect(lengthFormNote(65_536).text).toMatch(/Payload length 127/);
  });
});

describe('composer: JSON check', () => {
  it('says nothing about empty text', () => {
    expect(checkJson('  ')).toEqual({ state: 'empty' });
  });

  it('pretty-prints valid JSON', () => {
    expect(checkJson('{"a":[1,2]}')).toEqual({ state: 'valid', pretty: '{\n  "a": [\n    1,\n    2\n  ]\n}' });
  });

  it('points at the line and column of a mistake', () => {
    const result = checkJson('{\n  "a": 1,\n  b: 2\n}');
    expect(result.state).toBe('invalid');
    if (result.state === 'invalid') {
      expect(result.line).toBe(3);
      expect(result.column).toBe(3);
      expect(result.message).toMatch(/^Line 3, column 3: /);
    }
  });

  it('puts an unexpected end at the end', () => {
    const result = checkJson('{"a": ');
    expect(result.state).toBe('invalid');
    if (result.state === 'invalid') expect(result.line).toBe(1);
  });

  it('computes line and column of an offset', () => {
    expect(lineColumn('ab\ncd', 0)).toEqual({ line: 1, column: 1 });
    expect(lineColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineColumn('ab', 99)).toEqual({ line: 1, column: 3 });
  });
});

describe('composer: keys', () => {
  it('sends on Enter, adds a line on Shift+Enter, ignores other keys and IME composition', () => {
    expect(enterAction({ key: 'Enter', shiftKey: false })).toBe('send');
    expect(enterAction({ key: 'Enter', shiftKey: true })).toBe('newline');
    expect(enterAction({ key: 'a', shiftKey: false })).toBeNull();
    expect(enterAction({ key: 'Enter', shiftKey: false, isComposing: true })).toBeNull();
  });
});
