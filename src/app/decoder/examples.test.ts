import { describe, expect, it } from 'vitest';
import { decodeText, messageBytes, type DecodeAnalysis } from './analyze';
import { EXAMPLE_GROUPS, EXAMPLES } from './examples';

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
