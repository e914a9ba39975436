/**
 * Properties (fast-check): encode→decode round trips for any valid stream of frames; any chunking
 * of the same bytes gives the same frames and fault; any bytes give frames or exactly one fault,
 * never an exception or a hang; applyMask is the RFC's byte loop; the UTF-8 validator agrees with
 * the WHATWG decoder and fails at the same byte however its input is cut.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  applyMask,
  closePayload,
  decodeFrames,
  encodeFrame,
  encodeHeader,
  isValidUtf8,
  MessageAssembler,
  Utf8Validator,
  type FrameSender,
  type FrameSpec,
  type ParserOptions,
} from '../../src/protocol';
import { VALID_CLOSE_CODES } from './fault-fixtures';
import { bytesEqual, concatBytes, feed, pattern, summary, toHex } from './helpers';

const RUNS = { numRuns: 300 };

// ---- generators -------------------------------------------------------------------------------

/** Payloads: mostly small (around the 125/126 boundary too), sometimes at the 16/64-bit boundary. */
const payloadArb = fc.oneof(
  { weight: 12, arbitrary: fc.uint8Array({ maxLength: 140 }) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom(65535, 65536, 65537), fc.integer()).map(([n, seed]) => pattern(n, seed)) },
);
const controlPayloadArb = fc.uint8Array({ maxLength: 125 });
const keyArb = fc.uint8Array({ minLength: 4, maxLength: 4 });

/** A control frame that the rules allow: ping/pong up to 125 bytes, close with a valid code and a UTF-8 reason. */
const controlArb: fc.Arbitrary<FrameSpec> = fc.oneof(
  fc.tuple(fc.constantFrom(0x9, 0xa), controlPayloadArb).map(([opcode, payload]) => ({ opcode, payload })),
  fc.constant({ opcode: 0x8, payload: new Uint8Array(0) }),
  fc
    .tuple(fc.constantFrom(...VALID_CLOSE_CODES), fc.string({ maxLength: 30 }))
    .filter(([, reason]) => new TextEncoder().encode(reason).length <= 123)
    .map(([code, reason]) => ({ opcode: 0x8, payload: closePayload(code, reason) })),
);

/** Cut `bytes` into `count` fragments at arbitrary points (text may be cut inside a character). */
function fragment(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    parts.push(bytes.subarray(at, p));
    at = p;
  }
  parts.push(bytes.subarray(at));
  return parts;
}

/** A data message, maybe fragmented, maybe with control frames between its fragments. */
const messageArb: fc.Arbitrary<FrameSpec[]> = fc
  .tuple(
    fc.oneof(
      fc.string({ unit: 'binary', maxLength: 60 }).map((s) => ({ opcode: 0x1, data: new TextEncoder().encode(s) })),
      payloadArb.map((data) => ({ opcode: 0x2, data })),
    ),
    fc.array(fc.nat(), { maxLength: 3 }),
    fc.array(fc.tuple(fc.nat(4), controlArb), { maxLength: 2 }),
  )
  .map(([{ opcode, data }, cuts, controls]) => {
    const parts = fragment(data, cuts);
    const specs: FrameSpec[] = parts.map((payload, i) => ({ opcode: i === 0 ? opcode : 0x0, fin: i === parts.length - 1, payload }));
    // Controls go after fragment `at` (never before the first).
    for (const [at, control] of controls.sort((a, b) => b[0] - a[0])) specs.splice(Math.min(at, specs.length - 1) + 1, 0, control);
    return specs;
  });

/** A stream of messages and control frames, each frame masked or not, RSV bits as negotiated. */
const streamArb = fc
  .tuple(
    fc.array(fc.oneof({ weight: 3, arbitrary: messageArb }, { weight: 1, arbitrary: controlArb.map((c) => [c]) }), { minLength: 1, maxLength: 5 }),
    fc.constantFrom<'masked' | 'unmasked' | 'mixed'>('masked', 'unmasked', 'mixed'),
    fc.infiniteStream(fc.tuple(keyArb, fc.boolean(), fc.nat(7))),
  )
  .map(([groups, masking, extras]) => {
    const specs = groups.flat();
    const it = extras[Symbol.iterator]();
    return specs.map((spec) => {
      const [key, coin, rsv] = it.next().value as [Uint8Array, boolean, number];
      const masked = masking === 'masked' || (masking === 'mixed' && coin);
      return { ...spec, maskingKey: masked ? key : null, rsv1: (rsv & 4) !== 0, rsv2: (rsv & 2) !== 0, rsv3: (rsv & 1) !== 0 };
    });
  });

const senderFor = (specs: FrameSpec[]): FrameSender =>
  specs.every((s) => s.maskingKey) ? 'client' : specs.every((s) => !s.maskingKey) ? 'server' : 'any';
const ALL_RSV: ParserOptions = { allowRsv1: true, allowRsv2: true, allowRsv3: true };

/** Random cut points for a byte string of `length`. */
const cutsArb = fc.array(fc.nat(), { maxLength: 12 });
const cutsFor = (cuts: number[], length: number): number[] =>
  [...new Set(cuts.map((c) => (length === 0 ? 0 : c % length)))].sort((a, b) => a - b);

// ---- round trip -------------------------------------------------------------------------------

describe('encode → decode', () => {
  test('any valid stream of frames decodes to the frames encoded, field by field', () => {
    fc.assert(
      fc.property(streamArb, cutsArb, (specs, cuts) => {
        const wires = specs.map((s) => encodeFrame(s));
        const bytes = concatBytes(...wires);
        const result = feed(bytes, cutsFor(cuts, bytes.length), { sender: senderFor(specs), ...ALL_RSV });
        expect(result.fault).toBeNull();
        expect(result.incomplete).toBeNull();
        expect(result.frames).toHaveLength(specs.length);
        let offset = 0;
        specs.forEach((spec, i) => {
          const frame = result.frames[i]!;
          const payload = spec.payload ?? new Uint8Array(0);
          expect(frame.offset).toBe(offset);
          expect(frame.fin).toBe(spec.fin ?? true);
          expect([frame.rsv1, frame.rsv2, frame.rsv3]).toEqual([spec.rsv1, spec.rsv2, spec.rsv3]);
          expect(frame.opcode).toBe(spec.opcode);
          expect(frame.masked).toBe(spec.maskingKey !== null);
          expect(frame.maskingKey && toHex(frame.maskingKey)).toBe(spec.maskingKey && toHex(spec.maskingKey));
          expect(frame.payloadLength).toBe(payload.length);
          // RFC 6455 §5.2: 0-125 in the 7-bit field, up to 65535 in 16 bits, the rest in 64.
          expect(frame.lengthForm).toBe(payload.length <= 125 ? 7 : payload.length <= 0xffff ? 16 : 64);
          expect(frame.headerLength + frame.payloadLength).toBe(wires[i]!.length);
          expect(bytesEqual(frame.payload, payload)).toBe(true);
          offset += wires[i]!.length;
        });
      }),
      RUNS,
    );
  });

  test('any payload length up to 2^53 - 1: the header encodes and decodes to it, in its minimal form', () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(70_000), fc.maxSafeNat()), fc.option(keyArb, { nil: null }), (length, maskingKey) => {
        const header = encodeHeader({ opcode: 0x2, maskingKey }, length);
        // RFC 6455 §5.2: 2 bytes up to 125, 2 + 2 up to 65535, 2 + 8 beyond; 4 more for a masking key.
        expect(header.length).toBe((length <= 125 ? 2 : length <= 0xffff ? 4 : 10) + (maskingKey ? 4 : 0));
        const result = decodeFrames(header);
        if (length === 0) {
          expect(result.frames).toHaveLength(1);
        } else {
          expect(result.fault).toBeNull();
          expect(result.incomplete).toEqual({ offset: 0, have: header.length, needed: length });
        }
      }),
      RUNS,
    );
  });

  test('messages assembled from the decoded frames are the messages sent', () => {
    fc.assert(
      fc.property(streamArb, (specs) => {
        const assembler = new MessageAssembler();
        const bytes = concatBytes(...specs.map((s) => encodeFrame(s)));
        const result = feed(bytes, [], { ...ALL_RSV });
        const got = result.frames.map((f) => assembler.accept(f)).filter((e) => e?.kind === 'message');
        // What was sent: each data message's fragments joined.
        const want: string[] = [];
        let current: Uint8Array[] = [];
        for (const s of specs) {
          if (s.opcode >= 0x8) continue;
          current.push(s.payload ?? new Uint8Array(0));
          if (s.fin !== false) {
            want.push(toHex(concatBytes(...current)));
            current = [];
          }
        }
        expect(got.map((e) => e !== null && e.kind === 'message' && toHex(e.data))).toEqual(want);
      }),
      { numRuns: 150 },
    );
  });
});

// ---- chunking ---------------------------------------------------------------------------------

/** Valid streams with a few bytes changed: they decode to some frames and then, often, a fault. */
const damagedArb = fc
  .tuple(streamArb, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 3 }), fc.nat())
  .map(([specs, edits, cutAt]) => {
    const bytes = concatBytes(...specs.map((s) => encodeFrame(s)));
    for (const [at, value] of edits) if (bytes.length > 0) bytes[at % bytes.length] = value;
    // Sometimes the stream ends early.
    const end = cutAt % 3 === 0 ? bytes.length : cutAt % (bytes.length + 1);
    return { bytes: bytes.subarray(0, end), sender: senderFor(specs) };
  });

describe('any chunking gives the same frames and fault', () => {
  test('valid and damaged streams, cut anywhere', () => {
    fc.assert(
      fc.property(damagedArb, cutsArb, fc.constantFrom<ParserOptions>({}, { maxPayload: 100 }, { maxMessage: 200 }, ALL_RSV), ({ bytes, sender }, cuts, options) => {
        const opts = { ...options, sender };
        const whole = summary(feed(bytes, [], opts));
        const cut = summary(feed(bytes, cutsFor(cuts, bytes.length), opts));
        expect(cut).toEqual(whole);
        const bytewise = summary(feed(bytes, Array.from({ length: bytes.length }, (_, i) => i), opts));
        expect(bytewise).toEqual(whole);
      }),
      { numRuns: 200 },
    );
  });
});

// ---- any bytes --------------------------------------------------------------------------------

/** Frames or exactly one fault, laid end to end; a fault points at bytes that exist. */
function checkOutcome(bytes: Uint8Array, options: ParserOptions): void {
  const result = feed(bytes, [], options); // throws if a frame follows a fault or the loop spins
  let end = 0;
  for (const frame of result.frames) {
    expect(frame.offset).toBe(end);
    expect(frame.payload.length).toBe(frame.payloadLength);
    end += frame.headerLength + frame.payloadLength;
  }
  expect(end).toBeLessThanOrEqual(bytes.length);
  if (result.fault !== null) {
    const f = result.fault;
    expect([1002, 1007, 1009]).toContain(f.closeCode);
    expect(f.frameOffset).toBe(end);
    expect(f.offset).toBeGreaterThanOrEqual(end);
    expect(f.length).toBeGreaterThanOrEqual(1);
    expect(f.offset + f.length).toBeLessThanOrEqual(bytes.length);
    expect(result.incomplete).toBeNull();
    expect(result.parser.next()).toBeNull();
  } else if (end === bytes.length) {
    expect(result.incomplete).toBeNull();
  } else {
    expect(result.incomplete?.offset).toBe(end);
    expect(result.incomplete?.have).toBe(bytes.length - end);
    expect(result.incomplete?.needed).toBeGreaterThanOrEqual(1);
  }
}

const optionsArb = fc.record({
  sender: fc.constantFrom<FrameSender>('client', 'server', 'any'),
  maxPayload: fc.option(fc.nat(300), { nil: undefined }),
  maxMessage: fc.option(fc.nat(600), { nil: undefined }),
  allowRsv1: fc.boolean(),
});

/** Headers near the rules: every opcode, every length form, lengths near their boundaries. */
const nearHeaderArb = fc
  .tuple(
    fc.boolean(),
    fc.oneof({ weight: 5, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat(7) }),
    fc.oneof({ weight: 4, arbitrary: fc.constantFrom(0, 1, 2, 8, 9, 10) }, { weight: 1, arbitrary: fc.nat(15) }),
    fc.boolean(),
    fc.oneof(
      fc.nat(125).map((n) => [n]),
      fc.constantFrom(0, 1, 125, 126, 127, 200, 65535).map((n) => [126, n >> 8, n & 0xff]),
      fc.constantFrom(0, 125, 126, 65535, 65536, 70000).map((n) => [127, 0, 0, 0, 0, 0, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]),
      fc.uint8Array({ minLength: 8, maxLength: 8 }).map((ext) => [127, ...ext]),
    ),
    keyArb,
    fc.uint8Array({ maxLength: 200 }),
  )
  .map(([fin, rsv, opcode, mask, lengthBytes, key, payload]) => {
    const header = [(fin ? 0x80 : 0) | (rsv << 4) | opcode, (mask ? 0x80 : 0) | lengthBytes[0]!, ...lengthBytes.slice(1)];
    return concatBytes(new Uint8Array(header), mask ? key : new Uint8Array(0), payload);
  });

describe('any bytes give frames or one fault: never an exception, never a hang', () => {
  test('random bytes', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 4096 }), optionsArb, (bytes, options) => checkOutcome(bytes, options)), RUNS);
  });

  test('random near-valid headers, many in a row', () => {
    fc.assert(
      fc.property(fc.array(nearHeaderArb, { minLength: 1, maxLength: 8 }), optionsArb, cutsArb, (frames, options, cuts) => {
        const bytes = concatBytes(...frames);
        checkOutcome(bytes, options);
        expect(summary(feed(bytes, cutsFor(cuts, bytes.length), options))).toEqual(summary(feed(bytes, [], options)));
      }),
      RUNS,
    );
  });
});

// ---- masking ----------------------------------------------------------------------------------

describe('applyMask', () => {
  const naive = (data: Uint8Array, key: Uint8Array, keyOffset: number): Uint8Array =>
    data.map((byte, i) => byte ^ key[(keyOffset + i) % 4]!);

  test('equals the RFC byte loop for any data, key, key offset and alignment', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 600 })),
        keyArb,
        fc.nat(1 << 20),
        fc.nat(7),
        (data, key, keyOffset, align) => {
          const buffer = new Uint8Array(data.length + 16).fill(0xa5);
          const view = buffer.subarray(align, align + data.length);
          view.set(data);
          applyMask(view, key, keyOffset);
          expect(toHex(view)).toBe(toHex(naive(data, key, keyOffset)));
          // Nothing outside the view is touched.
          expect(buffer.subarray(0, align).every((b) => b === 0xa5)).toBe(true);
          expect(buffer.subarray(align + data.length).every((b) => b === 0xa5)).toBe(true);
          // Masking twice is the identity, also piece by piece with running key offsets.
          const split = data.length === 0 ? 0 : keyOffset % (data.length + 1);
          applyMask(view.subarray(0, split), key, keyOffset);
          applyMask(view.subarray(split), key, keyOffset + split);
          expect(toHex(view)).toBe(toHex(data));
        },
      ),
      { numRuns: 500 },
    );
  });
});

// ---- UTF-8 ------------------------------------------------------------------------------------

const fatal = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });
function whatwgValid(bytes: Uint8Array): boolean {
  try {
    fatal().decode(bytes);
    return true;
  } catch {
    return false;
  }
}
/** Can `bytes` still be the start of valid UTF-8 (the WHATWG decoder in streaming mode)? */
function whatwgPrefixOk(bytes: Uint8Array): boolean {
  try {
    fatal().decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

type Edit = { kind: 'set' | 'insert' | 'delete'; at: number; value: number };
const editArb: fc.Arbitrary<Edit> = fc.record({
  kind: fc.constantFrom<Edit['kind']>('set', 'insert', 'delete'),
  at: fc.nat(),
  value: fc.oneof(fc.integer({ min: 0x80, max: 0xff }), fc.integer({ min: 0, max: 0xff })),
});

/** Mostly valid UTF-8 (any code point), with a few bytes set, inserted or deleted. */
const utf8ishArb = fc
  .tuple(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(editArb, { maxLength: 3 }))
  .map(([text, edits]) => {
    const bytes = [...new TextEncoder().encode(text)];
    for (const { kind, at, value } of edits) {
      const i = at % (bytes.length + 1);
      if (kind === 'insert') bytes.splice(i, 0, value);
      else if (bytes.length > 0 && kind === 'set') bytes[i % bytes.length] = value;
      else if (bytes.length > 0) bytes.splice(i % bytes.length, 1);
    }
    return Uint8Array.from(bytes);
  });

const bytesForUtf8 = fc.oneof(fc.uint8Array({ maxLength: 48 }), utf8ishArb, fc.uint8Array({ maxLength: 12 }).map((a) => a.map((b) => 0x80 | b)));

describe('Utf8Validator', () => {
  test('agrees with new TextDecoder("utf-8", { fatal: true }) on any bytes', () => {
    fc.assert(
      fc.property(bytesForUtf8, (bytes) => {
        expect(isValidUtf8(bytes)).toBe(whatwgValid(bytes));
      }),
      { numRuns: 500 },
    );
  });

  test('fails at the first byte that cannot lead to valid UTF-8 (fail fast), as the streaming decoder does', () => {
    fc.assert(
      fc.property(bytesForUtf8, (bytes) => {
        const v = new Utf8Validator();
        const bad = v.update(bytes);
        if (bad === -1) {
          expect(whatwgPrefixOk(bytes)).toBe(true);
          expect(v.complete).toBe(whatwgValid(bytes));
        } else {
          expect(whatwgPrefixOk(bytes.subarray(0, bad))).toBe(true);
          expect(whatwgPrefixOk(bytes.subarray(0, bad + 1))).toBe(false);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('fed in any chunking, fails at the same byte as the whole input (or ends in the same state)', () => {
    fc.assert(
      fc.property(bytesForUtf8, cutsArb, fc.boolean(), (bytes, cuts, ranges) => {
        const whole = new Utf8Validator();
        const wholeBad = whole.update(bytes);
        const v = new Utf8Validator();
        let bad = -1;
        let start = 0;
        for (const end of [...cutsFor(cuts, bytes.length), bytes.length]) {
          // Either a view per chunk (index relative to it) or a range of the same array.
          const r = ranges ? v.update(bytes, start, end) : v.update(bytes.subarray(start, end));
          if (r !== -1) {
            bad = ranges ? r : start + r;
            break;
          }
          start = end;
        }
        expect(bad).toBe(wholeBad);
        if (bad === -1) {
          expect(v.complete).toBe(whole.complete);
          expect(v.pendingBytes).toBe(whole.pendingBytes);
        }
      }),
      { numRuns: 500 },
    );
  });

  test('pendingBytes counts the bytes of an unfinished last sequence', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }), (text) => {
        const bytes = new TextEncoder().encode(text);
        // The last character's encoding, cut after k of its bytes.
        const last = new TextEncoder().encode(Array.from(text).at(-1)!);
        for (let k = 1; k < last.length; k++) {
          const v = new Utf8Validator();
          expect(v.update(bytes.subarray(0, bytes.length - last.length + k))).toBe(-1);
          expect(v.complete).toBe(false);
          expect(v.pendingBytes).toBe(k);
        }
      }),
      { numRuns: 200 },
    );
  });
});
