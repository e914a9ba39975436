/**
 * A payload that spans reads (src/protocol/payload-parts.ts): joined once at the end into exactly
 * the bytes sent, however it was cut, and memory stays in proportion to what arrived, even when a
 * hostile peer trickles a large declared payload a byte at a time or alternates short and long reads.
 * With `unmaskInPlace: false` (the server's), the pieces go straight into the payload's own array:
 * the same payload, the same faults, the reads holding unmasked bytes exactly up to `unmaskedTo`,
 * with the WebAssembly kernels and without them.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { encodeFrame, FrameParser, Opcode, useKernels, type Fault, type Frame } from '../../src/protocol';
import { PayloadParts } from '../../src/protocol/payload-parts';
import { pattern } from './helpers';

afterEach(() => {
  useKernels('webassembly');
});

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
        parts.begin(length, null, false, false);
        let at = 0;
        for (const end of [...points, length]) {
          parts.add(payload.subarray(at, end));
          at = end;
        }
        expect(parts.length).toBe(length);
        expect(Buffer.from(parts.join()).equals(Buffer.from(payload))).toBe(true);
        expect(parts.length).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  test.each([true, false])('a declared 1 MiB payload trickled a byte per read: memory under twice what arrived (unmaskInPlace %s)', (unmaskInPlace) => {
    const { allocate, total } = counting();
    const parser = new FrameParser({ sender: 'client', allocate, unmaskInPlace });
    const frame = encodeFrame({ opcode: Opcode.Binary, payload: pattern(1 << 20, 3), maskingKey: Uint8Array.of(5, 6, 7, 8) }, (n) => new Uint8Array(n));
    const sent = 14 + 40_000;
    for (let i = 0; i < sent; i++) {
      parser.push(frame.slice(i, i + 1));
      expect(parser.next()).toBeNull();
    }
    expect(total()).toBeLessThan(2 * 40_000 + 1024);
  }, 30_000);

  test('unmaskInPlace false: a long payload sent in a few big reads gets its own array at half, and no more', () => {
    const { allocate, total } = counting();
    const parser = new FrameParser({ sender: 'client', allocate, unmaskInPlace: false });
    const payload = pattern(1 << 20, 4);
    const frame = encodeFrame({ opcode: Opcode.Binary, payload, maskingKey: Uint8Array.of(9, 8, 7, 6) }, (n) => new Uint8Array(n));
    const reads = [14 + 300_000, 200_000, 20_000];
    let at = 0;
    for (const n of reads) {
      parser.push(frame.slice(at, at + n));
      at += n;
      expect(parser.next()).toBeNull();
    }
    // Under half the payload here: nothing allocated (the reads are kept as views).
    expect(total()).toBe(0);
    parser.push(frame.slice(at, at + 10_000));
    expect(parser.next()).toBeNull();
    // Past half: the payload's own array, once.
    expect(total()).toBe(payload.length);
    parser.push(frame.slice(at + 10_000));
    const decoded = parser.next() as Frame;
    expect(Buffer.from(decoded.payload).equals(Buffer.from(payload))).toBe(true);
    expect(total()).toBe(payload.length);
  });

  test('short and long reads alternating: the buffers of the short ones stay small', () => {
    const { allocate, total } = counting();
    const parts = new PayloadParts(allocate);
    parts.begin(1 << 24, null, false, false);
    let arrived = 0;
    for (let i = 0; i < 200; i++) {
      parts.add(new Uint8Array(1000));
      parts.add(new Uint8Array(1024));
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

/** Cut `bytes` at the given points (taken modulo its length), each read a fresh copy, as a socket hands them out. */
function cut(bytes: Uint8Array, points: number[]): Uint8Array[] {
  const at = [...new Set(points.map((p) => p % bytes.length))].filter((p) => p > 0).sort((a, b) => a - b);
  const reads: Uint8Array[] = [];
  let from = 0;
  for (const to of [...at, bytes.length]) {
    reads.push(bytes.slice(from, to));
    from = to;
  }
  return reads;
}

interface Decoded {
  frames: Array<{ opcode: number; payload: string }>;
  fault: Pick<Fault, 'rule' | 'offset' | 'frameOffset'> | null;
  /** The reads joined after decoding: what the codec left in them. */
  reads: Uint8Array;
  unmaskedTo: number;
}

function decode(reads: Uint8Array[], unmaskInPlace: boolean): Decoded {
  const parser = new FrameParser({ sender: 'client', unmaskInPlace });
  const frames: Decoded['frames'] = [];
  let fault: Decoded['fault'] = null;
  for (const read of reads) {
    parser.push(read);
    for (let item = parser.next(); item !== null; item = parser.next()) {
      if (item.kind === 'fault') fault = { rule: item.rule, offset: item.offset, frameOffset: item.frameOffset };
      else frames.push({ opcode: item.opcode, payload: Buffer.from(item.payload).toString('hex') });
    }
    if (fault) break;
  }
  return { frames, fault, reads: Uint8Array.from(Buffer.concat(reads)), unmaskedTo: parser.unmaskedTo };
}

describe('unmaskInPlace: false (payload pieces straight into the payload array)', () => {
  const messageArb = fc.record({
    length: fc.oneof(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 60_000, max: 140_000 })),
    text: fc.boolean(),
    key: fc.oneof(fc.uint8Array({ minLength: 4, maxLength: 4 }), fc.constant(new Uint8Array(4))),
    seed: fc.integer(),
  });
  /** A text payload: multi-byte characters throughout, with one bad byte at `bad` (a fraction) when asked. */
  const textOf = (length: number, seed: number, bad: number | null): Uint8Array => {
    const text = Buffer.from('aé✓🦊'.repeat(Math.ceil(length / 10) + 1)).subarray(0, length);
    const out = new Uint8Array(text);
    // Cut inside a character at the end: end on ASCII instead.
    for (let i = Math.max(0, length - 3); i < length; i++) if (out[i]! >= 0x80) out.fill(0x2e, i);
    if (bad !== null && length > 0) out[Math.floor(bad * length) % length] = 0xff;
    void seed;
    return out;
  };

  test('the same frames and faults as in place, any cutting, either kernels; the reads unmasked exactly up to unmaskedTo', () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.option(fc.double({ min: 0, max: 0.999, noNaN: true }), { nil: null }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.constantFrom('webassembly', 'javascript') as fc.Arbitrary<'webassembly' | 'javascript'>,
        (messages, bad, points, kernels) => {
          useKernels(kernels);
          // A plain copy: a Buffer's slice() is a view, and each decoding below must get its own reads.
          const wire = Uint8Array.from(Buffer.concat(
            messages.map((m, i) => {
              const payload = m.text ? textOf(m.length, m.seed, i === messages.length - 1 ? bad : null) : pattern(m.length, m.seed);
              return encodeFrame({ opcode: m.text ? Opcode.Text : Opcode.Binary, payload, maskingKey: m.key }, (n) => new Uint8Array(n));
            }),
          ));
          const reads = cut(wire, points);
          const inPlace = decode(reads.map((r) => r.slice()), true);
          const direct = decode(reads.map((r) => r.slice()), false);
          expect(direct.frames).toEqual(inPlace.frames);
          expect(direct.fault).toEqual(inPlace.fault);
          if (direct.fault === null) return;
          // After a fault: in place, the failed frame is unmasked in the reads up to where the codec
          // stopped; direct, exactly up to unmaskedTo, and its bytes after that are as sent.
          const from = direct.fault.frameOffset;
          const to = direct.unmaskedTo;
          expect(to).toBeGreaterThanOrEqual(from);
          expect(to).toBeLessThanOrEqual(inPlace.unmaskedTo);
          expect(Buffer.compare(direct.reads.subarray(from, to), inPlace.reads.subarray(from, to))).toBe(0);
          expect(Buffer.compare(direct.reads.subarray(to, inPlace.unmaskedTo), wire.subarray(to, inPlace.unmaskedTo))).toBe(0);
        },
      ),
      { numRuns: 150 },
    );
  }, 60_000);
});
