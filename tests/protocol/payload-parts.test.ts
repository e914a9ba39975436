/**
 * A payload that spans reads (src/protocol/payload-parts.ts): joined once at the end into exactly
 * the bytes sent, however it was cut, and memory stays in proportion to what arrived, even when a
 * hostile peer trickles a large declared payload a byte at a time or alternates short and long reads.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeFrame, FrameParser, Opcode, type Frame } from '../../src/protocol';
import { PayloadParts } from '../../src/protocol/payload-parts';
import { pattern } from './helpers';

/** An allocator that counts what it hands out. */
function counting(): { allocate: (n: number) => Uint8Array; total: () => number } {
  let total = 0;
  return {
    allocate: (n) => {
      total += n;
      return new Uint8Array(n);
    },
    total: () => total,
  };
}

describe('PayloadParts', () => {
  test('joins any cutting of a payload into exactly its bytes', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 20_000 }), fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), (length, cuts) => {
        const payload = pattern(length, length);
        const points = [...new Set(cuts.map((c) => 1 + (c % (length - 1))))].sort((a, b) => a - b);
        const parts = new PayloadParts((n) => new Uint8Array(n));
        let at = 0;
        for (const end of [...points, length]) {
          parts.add(payload.subarray(at, end), length - at);
          at = end;
        }
        expect(parts.length).toBe(length);
        expect(Buffer.from(parts.join()).equals(Buffer.from(payload))).toBe(true);
        expect(parts.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test('a declared 1 MiB payload trickled a byte per read: memory under twice what arrived', () => {
    const { allocate, total } = counting();
    const parser = new FrameParser({ sender: 'client', allocate });
    const frame = encodeFrame({ opcode: Opcode.Binary, payload: pattern(1 << 20, 3), maskingKey: Uint8Array.of(5, 6, 7, 8) }, (n) => new Uint8Array(n));
    const sent = 14 + 40_000;
    for (let i = 0; i < sent; i++) {
      parser.push(frame.slice(i, i + 1));
      expect(parser.next()).toBeNull();
    }
    expect(total()).toBeLessThan(2 * 40_000 + 1024);
  }, 30_000);

  test('short and long reads alternating: the buffers of the short ones stay small', () => {
    const { allocate, total } = counting();
    const parts = new PayloadParts(allocate);
    let arrived = 0;
    for (let i = 0; i < 200; i++) {
      parts.add(new Uint8Array(1000), 1 << 24);
      parts.add(new Uint8Array(1024), 1 << 24);
      arrived += 2024;
    }
    // 256 bytes at most per short read beside what it holds (a fresh buffer after each long one).
    expect(total()).toBeLessThan(200 * 1000 + 200 * 256);
    expect(parts.join().length).toBe(arrived);
  });

  test('the frame decoded from reads of every size is the frame sent', () => {
    const payload = pattern(200_000, 9);
    const frame = encodeFrame({ opcode: Opcode.Binary, payload, maskingKey: Uint8Array.of(1, 2, 3, 4) });
    const parser = new FrameParser({ sender: 'client' });
    let at = 0;
    for (const size of [1, 2, 3, 1023, 1024, 1025, 65536, 7, 100_000]) {
      parser.push(frame.slice(at, Math.min(frame.length, at + size)));
      at += size;
    }
    parser.push(frame.slice(Math.min(at, frame.length)));
    const decoded = parser.next() as Frame;
    expect(decoded.kind).toBe('frame');
    expect(Buffer.from(decoded.payload).equals(Buffer.from(payload))).toBe(true);
  });
});
