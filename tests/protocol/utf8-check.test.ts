import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameParser, Utf8Validator, encodeFrame } from '../../src/protocol/index.ts';

/** A whole-buffer check built on fatal TextDecoder, standing in for Node's buffer.isUtf8. */
function strictCheck(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function run(validator: Utf8Validator, pieces: Uint8Array[]): { bad: number; complete: boolean } {
  let offset = 0;
  for (const piece of pieces) {
    const bad = validator.update(piece);
    if (bad !== -1) return { bad: offset + bad, complete: false };
    offset += piece.length;
  }
  return { bad: -1, complete: validator.complete };
}

function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const pieces: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    pieces.push(bytes.subarray(at, p));
    at = p;
  }
  pieces.push(bytes.subarray(at));
  return pieces;
}

// Long, mostly valid text with some damage, so pieces pass the 256-byte threshold.
const text = fc
  .tuple(fc.string({ unit: 'binary', minLength: 200, maxLength: 1200 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }))
  .map(([s, damage]) => {
    const bytes = new TextEncoder().encode(s);
    for (const [at, value] of damage) if (bytes.length > 0) bytes[at % bytes.length] = value;
    return bytes;
  });

describe('Utf8Validator with a lent whole-buffer check', () => {
  it('reports the same first bad byte and completeness as without it, in any chunking', () => {
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 4 }), (bytes, cuts) => {
        const pieces = split(bytes, cuts);
        expect(run(new Utf8Validator(strictCheck), pieces)).toEqual(run(new Utf8Validator(), pieces));
      }),
      { numRuns: 400 },
    );
  });

  it('is consulted on long pieces, and a piece ending mid-character is left to the state machine', () => {
    const seen: number[] = [];
    const validator = new Utf8Validator((b) => (seen.push(b.length), strictCheck(b)));
    const euro = new TextEncoder().encode('€'); // e2 82 ac
    const piece = new Uint8Array(300).fill(0x61);
    piece.set(euro.subarray(0, 2), 298); // the last two bytes start a 3-byte sequence
    expect(validator.update(piece)).toBe(-1);
    expect(seen).toEqual([298]);
    expect(validator.complete).toBe(false);
    expect(validator.update(euro.subarray(2))).toBe(-1);
    expect(validator.complete).toBe(true);
  });

  it('lets a parser still fail fast, at the exact byte, inside a frame still arriving', () => {
    const payload = new Uint8Array(1000).fill(0x61);
    payload[700] = 0xff;
    const frame = encodeFrame({ opcode: 0x1, payload, maskingKey: new Uint8Array([1, 2, 3, 4]) });
    const parser = new FrameParser({ sender: 'client', utf8Check: strictCheck });
    parser.push(frame.slice(0, 8 + 800)); // header (8 bytes) + 800 payload bytes of 1000
    const fault = parser.next();
    expect(fault).toMatchObject({ kind: 'fault', rule: 'invalid-utf8', closeCode: 1007, offset: 8 + 700 });
  });
});
