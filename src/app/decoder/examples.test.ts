import { describe, expect, it } from 'vitest';
import { decodeText, messageBytes, type DecodeAnalysis } from './analyze';
import { parseHex } from '../../protocol';
import { EXAMPLE_GROUPS, EXAMPLES, xxd } from './examples';

function summary(analysis: DecodeAnalysis): string[] {
  return analysis.messages
    .filter((m) => !m.unfinished)
    .map((m) => {
      if (m.kind === 'close') return `close:${m.code} ${m.reason}`;
      if (m.kind === 'message' && m.binary) return `message:${m.length} bytes`;
      return `${m.kind}:${new TextDecoder().decode(messageBytes(analysis, m))}`;
    });
}

describe('the examples gallery', () => {
  it('has the five RFC 6455 §5.7 examples first, and every group', () => {
    const rfc = EXAMPLES.filter((e) => e.group === 'rfc').map((e) => e.text().slice(0, 60));
    expect(rfc[0]).toBe('81 05 48 65 6c 6c 6f');
    expect(rfc[1]).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(rfc[2]).toBe('01 03 48 65 6c\n80 02 6c 6f');
    expect(rfc[3]).toBe('89 05 48 65 6c 6c 6f\n8a 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(rfc[4]?.startsWith('82 7e 01 00')).toBe(true);
    expect(rfc[5]?.startsWith('82 7f 00 00 00 00 00 01 00 00')).toBe(true);
    for (const group of EXAMPLE_GROUPS) expect(EXAMPLES.some((e) => e.group === group.id)).toBe(true);
    expect(new Set(EXAMPLES.map((e) => e.id)).size).toBe(EXAMPLES.length);
  });

  it('covers the broken frames the issue asks for', () => {
    const rules = EXAMPLES.filter((e) => e.group === 'broken').map((e) => e.expect.fault);
    for (const rule of ['reserved-opcode', 'rsv-without-extension', 'mask-required', 'invalid-utf8', 'fragmented-control-frame'] as const) {
      expect(rules).toContain(rule);
    }
  });

  for (const example of EXAMPLES) {
    it(`${example.id} decodes as labelled`, () => {
      const outcome = decodeText(example.text(), example.sender, example.deflate ?? false);
      expect(outcome.kind).toBe('decoded');
      if (outcome.kind !== 'decoded') return;
      const { analysis } = outcome;
      expect(analysis.frames.count).toBe(example.expect.frames);
      expect(analysis.fault?.rule ?? null).toBe(example.expect.fault ?? null);
      if (example.expect.faultOffset !== undefined) expect(analysis.fault?.offset).toBe(example.expect.faultOffset);
      expect(analysis.incomplete !== null).toBe(example.expect.incomplete ?? false);
      if (example.group !== 'broken') expect(analysis.fault).toBeNull();
      if (example.expect.messages) expect(summary(analysis)).toEqual(example.expect.messages);
    });
  }
});

describe('the xxd example', () => {
  it('is what xxd prints for those bytes (its output, copied from xxd 2022-01-14 on Debian)', () => {
    const example = EXAMPLES.find((e) => e.id === 'two-directions-xxd')!;
    expect(example.text()).toBe(
      [
        '00000000: 8111 7b22 6865 6c6c 6f22 3a22 776f 726c  ..{"hello":"worl',
        '00000010: 6422 7d8a 0474 6963 6b                   d"}..tick',
      ].join('\n'),
    );
    const parsed = parseHex(example.text());
    expect(parsed.ok && parsed.format).toBe('xxd');
  });

  it('lays out whole lines, short lines and an odd byte as xxd does', () => {
    expect(xxd(Uint8Array.from({ length: 16 }, (_, i) => 0x41 + i))).toBe('00000000: 4142 4344 4546 4748 494a 4b4c 4d4e 4f50  ABCDEFGHIJKLMNOP');
    expect(xxd(Uint8Array.of(0x00, 0x7f, 0x20))).toBe(`00000000: 007f 20${' '.repeat(34)}.. `);
    expect(xxd(new Uint8Array(0))).toBe('');
  });
});
