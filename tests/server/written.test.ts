/**
 * The boundaries of the frames the server writes, found from the headers it wrote
 * (server/connection/written.ts): checked against the encoder's own frames, cut at every point and
 * at random, and against what the codec hands out (header and payload as separate chunks).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, WebSocketConnection, type FrameSpec, type LengthForm } from '../../src/protocol';
import { FrameBoundaries, type WrittenFrame } from '../../server/connection/written';

function expected(specs: readonly FrameSpec[]): { bytes: Uint8Array; frames: WrittenFrame[] } {
  const parts = specs.map((spec) => encodeFrame(spec));
  const frames: WrittenFrame[] = [];
  let offset = 0;
  parts.forEach((bytes, i) => {
    const spec = specs[i]!;
    const payloadLength = spec.payload?.length ?? 0;
    frames.push({
      offset,
      headerLength: bytes.length - payloadLength,
      payloadLength,
      opcode: spec.opcode,
      fin: spec.fin !== false,
      rsv1: spec.rsv1 === true,
      masked: spec.maskingKey != null,
    });
    offset += bytes.length;
  });
  const bytes = new Uint8Array(offset);
  let at = 0;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  return { bytes, frames };
}

/** Feed `bytes` cut at `cuts`, a few chunks per call, and collect what the scanner found. */
function scanCut(bytes: Uint8Array, cuts: readonly number[], perCall = 3): { frames: WrittenFrame[]; count: number; offset: number } {
  const points = [...new Set([0, ...cuts.filter((c) => c > 0 && c < bytes.length), bytes.length])].sort((a, b) => a - b);
  const chunks = points.slice(1).map((end, i) => bytes.subarray(points[i]!, end));
  const boundaries = new FrameBoundaries();
  const frames: WrittenFrame[] = [];
  let count = 0;
  for (let i = 0; i < chunks.length; i += perCall) count += boundaries.scan(chunks.slice(i, i + perCall), frames);
  return { frames, count, offset: boundaries.offset };
}

const payload = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7) & 0xff);
const KEY = new Uint8Array([1, 2, 3, 4]);

describe('FrameBoundaries', () => {
  const specs: FrameSpec[] = [
    { opcode: Opcode.Text, payload: payload(5) },
    { opcode: Opcode.Ping, payload: payload(0) },
    { opcode: Opcode.Binary, payload: payload(126) }, // 16-bit length
    { opcode: Opcode.Text, fin: false, payload: payload(3), maskingKey: KEY }, // masked (a misbehaviour)
    { opcode: Opcode.Continuation, payload: payload(70_000) }, // 64-bit length
    { opcode: 0x3, rsv1: true, payload: payload(10) }, // reserved opcode, RSV1: nothing is checked
    { opcode: Opcode.Ping, payload: payload(126), lengthForm: 16 }, // a 126-byte ping in the 16-bit form
    { opcode: Opcode.Close, payload: payload(2), lengthForm: 64 as LengthForm }, // non-minimal length
  ];

  it('finds each frame, whole, in one chunk each or all in one', () => {
    const { bytes, frames } = expected(specs);
    const boundaries = new FrameBoundaries();
    const found: WrittenFrame[] = [];
    expect(boundaries.scan([bytes], found)).toBe(specs.length);
    expect(found).toEqual(frames);
    const perFrame = new FrameBoundaries();
    const again: WrittenFrame[] = [];
    expect(perFrame.scan(specs.map((s) => encodeFrame(s)), again)).toBe(specs.length);
    expect(again).toEqual(frames);
    expect(perFrame.offset).toBe(bytes.length);
  });

  it('gives the same answer cut at every single point (headers cut too)', () => {
    const { bytes, frames } = expected(specs.filter((s) => (s.payload?.length ?? 0) < 1000));
    for (let cut = 1; cut < bytes.length; cut++) {
      const got = scanCut(bytes, [cut], 1);
      expect(got.frames, `cut at ${cut}`).toEqual(frames);
      expect(got.offset).toBe(bytes.length);
    }
  });

  it('counts without describing (nothing allocated for an unwatched connection)', () => {
    const { bytes } = expected(specs);
    expect(new FrameBoundaries().scan([bytes])).toBe(specs.length);
  });

  // 200 runs take 1-6 s on a loaded machine: a harness limit, not a speed assertion.
  it('any frames, cut anywhere, a few chunks per call (property)', { timeout: 60_000 }, () => {
    const spec = fc.record({
      opcode: fc.integer({ min: 0, max: 15 }),
      fin: fc.boolean(),
      rsv1: fc.boolean(),
      length: fc.oneof(fc.integer({ min: 0, max: 130 }), fc.constantFrom(65_535, 65_536)),
      masked: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(spec, { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (raw, cuts, perCall) => {
        const list: FrameSpec[] = raw.map((r) => ({
          opcode: r.opcode,
          fin: r.fin,
          rsv1: r.rsv1,
          payload: payload(r.length),
          maskingKey: r.masked ? KEY : null,
        }));
        const { bytes, frames } = expected(list);
        const got = scanCut(bytes, cuts.map((c) => c % (bytes.length + 1)), perCall);
        expect(got.frames).toEqual(frames);
        expect(got.count).toBe(frames.length);
        expect(got.offset).toBe(bytes.length);
      }),
      { numRuns: 200 },
    );
  });

  it('reads what the codec hands out: a long payload as its own chunk after the header', () => {
    const codec = new WebSocketConnection({ role: 'server' });
    codec.send(payload(5000));
    codec.send('hi');
    codec.ping(payload(4));
    codec.close(1000, 'bye');
    const chunks = codec.takeOutgoing();
    expect(chunks.length).toBe(5); // header + payload, then three whole frames
    const frames: WrittenFrame[] = [];
    new FrameBoundaries().scan(chunks, frames);
    expect(frames.map((f) => [f.offset, f.opcode, f.headerLength, f.payloadLength])).toEqual([
      [0, Opcode.Binary, 4, 5000],
      [5004, Opcode.Text, 2, 2],
      [5008, Opcode.Ping, 2, 4],
      [5014, Opcode.Close, 2, 5],
    ]);
  });
});
