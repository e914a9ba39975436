import { describe, expect, it } from 'vitest';
import { encodeFrame } from '../../protocol';
import type { CapturedFrame } from '../inspector/capture';
import { directionShort, formatSince, framePreview, frameRowLabel, payloadHead } from './frame-row';

const text = (s: string) => new TextEncoder().encode(s);

function captured(spec: Parameters<typeof encodeFrame>[0], overrides: Partial<CapturedFrame> = {}): CapturedFrame {
  const bytes = encodeFrame(spec);
  const payloadLength = spec.payload?.length ?? 0;
  const masked = !!spec.maskingKey;
  const headerLength = bytes.length - payloadLength;
  return {
    seq: 0, connection: 1, label: 1, direction: masked ? 'client-to-server' : 'server-to-client', t: 0, since: 12.34,
    offset: 0, size: bytes.length, opcode: spec.opcode, fin: spec.fin ?? true, masked, payloadLength, headerLength,
    bytes, truncated: false, misbehave: null, fault: null, ...overrides,
  };
}

const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

describe('frame rows', () => {
  it('unmasks the payload head of a client frame', () => {
    const frame = captured({ opcode: 1, payload: text('Hello'), maskingKey: KEY });
    expect(new TextDecoder().decode(payloadHead(frame))).toBe('Hello');
    expect(framePreview(frame)).toBe('\u201cHello\u201d');
  });

  it('previews server text, long text, and binary', () => {
    expect(framePreview(captured({ opcode: 1, payload: text('Hi\nthere') }))).toBe('\u201cHi\u21b5there\u201d');
    const long = framePreview(captured({ opcode: 1, payload: text('a'.repeat(200)) }));
    expect(long).toBe(`\u201c${'a'.repeat(48)}\u2026\u201d`);
    expect(framePreview(captured({ opcode: 2, payload: new Uint8Array([0, 1, 255]) }))).toBe('00 01 ff');
    expect(framePreview(captured({ opcode: 2, payload: new Uint8Array(20) }))).toMatch(/ \u2026$/);
    expect(framePreview(captured({ opcode: 9, payload: new Uint8Array(0) }))).toBe('(empty)');
  });

  it('previews a close frame as its code and reason', () => {
    const payload = new Uint8Array([0x03, 0xe8, ...text('bye')]);
    expect(framePreview(captured({ opcode: 8, payload }))).toBe('code 1000 \u201cbye\u201d');
  });

  it('handles a truncated frame (bytes shorter than the payload)', () => {
    const frame = captured({ opcode: 2, payload: new Uint8Array(70_000) });
    const cut = { ...frame, bytes: frame.bytes.subarray(0, 10 + 16), truncated: true };
    expect(payloadHead(cut).length).toBe(16);
  });

  it('names the row in words', () => {
    const frame = captured({ opcode: 1, payload: text('Hello'), maskingKey: KEY });
    expect(frameRowLabel(frame)).toBe('Frame 1, client to server, +12.3 ms, text, FIN 1, MASK 1, 5 bytes, \u201cHello\u201d');
    expect(directionShort('server-to-client')).toBe('S \u2192 C');
    expect(formatSince(12_345)).toBe('+12.35 s');
  });
});
