/**
 * RFC 6455 §5.7 "Examples", byte for byte, both ways: the bytes decode to the fields and payload
 * the RFC describes (fed at every split point and one byte at a time), and encoding those fields
 * with the same masking key gives the same bytes. Then the payload length boundaries (§5.2).
 */
import { describe, expect, test } from 'vitest';
import {
  decodeFrames,
  encodeFrame,
  encodeHeader,
  MessageAssembler,
  type Frame,
  type FrameSender,
  type LengthForm,
} from '../../src/protocol';
import { ascii, bytesEqual, chunkings, concatBytes, feed, hex, pattern, toHex } from './helpers';

interface ExpectedFrame {
  fin: boolean;
  opcode: number;
  maskingKey: Uint8Array | null;
  payload: Uint8Array;
  lengthForm: LengthForm;
  headerLength: number;
}

interface Example {
  name: string;
  /** The bytes of each frame, as the RFC prints them. */
  wire: Uint8Array[];
  frames: ExpectedFrame[];
  /** Who could have sent it: masked frames come from a client, unmasked ones from a server. */
  sender: FrameSender;
}

const hello = ascii('Hello');
const key = hex('37 fa 21 3d');
const bytes256 = pattern(256, 256);
const bytes64k = pattern(65536, 65536);

const EXAMPLES: Example[] = [
  {
    name: 'a single-frame unmasked text message',
    wire: [hex('81 05 48 65 6c 6c 6f')],
    frames: [{ fin: true, opcode: 0x1, maskingKey: null, payload: hello, lengthForm: 7, headerLength: 2 }],
    sender: 'server',
  },
  {
    name: 'a single-frame masked text message',
    wire: [hex('81 85 37 fa 21 3d 7f 9f 4d 51 58')],
    frames: [{ fin: true, opcode: 0x1, maskingKey: key, payload: hello, lengthForm: 7, headerLength: 6 }],
    sender: 'client',
  },
  {
    name: 'a fragmented unmasked text message',
    wire: [hex('01 03 48 65 6c'), hex('80 02 6c 6f')],
    frames: [
      { fin: false, opcode: 0x1, maskingKey: null, payload: ascii('Hel'), lengthForm: 7, headerLength: 2 },
      { fin: true, opcode: 0x0, maskingKey: null, payload: ascii('lo'), lengthForm: 7, headerLength: 2 },
    ],
    sender: 'server',
  },
  {
    name: 'an unmasked ping',
    wire: [hex('89 05 48 65 6c 6c 6f')],
    frames: [{ fin: true, opcode: 0x9, maskingKey: null, payload: hello, lengthForm: 7, headerLength: 2 }],
    sender: 'server',
  },
  {
    name: 'a masked pong (the answer to that ping)',
    wire: [hex('8a 85 37 fa 21 3d 7f 9f 4d 51 58')],
    frames: [{ fin: true, opcode: 0xa, maskingKey: key, payload: hello, lengthForm: 7, headerLength: 6 }],
    sender: 'client',
  },
  {
    name: '256 bytes binary message in a single unmasked frame',
    wire: [concatBytes(hex('82 7e 01 00'), bytes256)],
    frames: [{ fin: true, opcode: 0x2, maskingKey: null, payload: bytes256, lengthForm: 16, headerLength: 4 }],
    sender: 'server',
  },
  {
    name: '64KiB binary message in a single unmasked frame',
    wire: [concatBytes(hex('82 7f 00 00 00 00 00 01 00 00'), bytes64k)],
    frames: [{ fin: true, opcode: 0x2, maskingKey: null, payload: bytes64k, lengthForm: 64, headerLength: 10 }],
    sender: 'server',
  },
];

function checkFrames(frames: Frame[], example: Example): void {
  expect(frames).toHaveLength(example.frames.length);
  let offset = 0;
  example.frames.forEach((want, i) => {
    const got = frames[i]!;
    expect(got.fin).toBe(want.fin);
    expect([got.rsv1, got.rsv2, got.rsv3]).toEqual([false, false, false]);
    expect(got.opcode).toBe(want.opcode);
    expect(got.masked).toBe(want.maskingKey !== null);
    expect(got.maskingKey === null ? null : toHex(got.maskingKey)).toBe(want.maskingKey === null ? null : toHex(want.maskingKey));
    expect(got.payloadLength).toBe(want.payload.length);
    expect(got.lengthForm).toBe(want.lengthForm);
    expect(got.headerLength).toBe(want.headerLength);
    expect(got.offset).toBe(offset);
    // Byte-exact; a hex string would be slow for 64 KiB, so compare bytes and fail with a clue.
    if (!bytesEqual(got.payload, want.payload)) {
      expect(toHex(got.payload.subarray(0, 64))).toBe(toHex(want.payload.subarray(0, 64)));
      expect.fail(`frame ${i}: payload differs`);
    }
    offset += example.wire[i]!.length;
  });
}

describe('RFC 6455 §5.7 examples, decoded', () => {
  for (const example of EXAMPLES) {
    const bytes = concatBytes(...example.wire);
    // 64 KiB has 65,545 split points: every one near the header and the end, a stride of 61 (prime,
    // so every alignment mod 4 and mod 8 occurs) in between, and one byte at a time.
    const big = bytes.length > 4096;
    const all = chunkings(bytes.length);
    const runsFor = big
      ? all.filter(({ cuts }) => cuts.length !== 1 || cuts[0]! < 512 || cuts[0]! > bytes.length - 512 || cuts[0]! % 61 === 0)
      : all;
    // A harness limit, not a speed check: the 64 KiB example makes ~2,000 runs, seconds on a loaded machine.
    test(`${example.name}: whole, at every split point${big ? ' (sampled)' : ''}, and one byte at a time`, { timeout: 60_000 }, () => {
      let runs = 0;
      for (const { name, cuts } of runsFor) {
        for (const sender of big ? [example.sender] : ([example.sender, 'any'] as const)) {
          // Unmasked input is never written to by the parser, so it need not be copied per run.
          const result = feed(bytes, cuts, { sender }, example.sender === 'client');
          expect(result.fault, `${name}, sender ${sender}`).toBeNull();
          expect(result.incomplete, `${name}, sender ${sender}`).toBeNull();
          checkFrames(result.frames, example);
          runs++;
        }
      }
      expect(runs).toBe(big ? runsFor.length : 2 * (bytes.length + 1));
    });

    test(`${example.name}: decodeFrames leaves the input as it was`, () => {
      const copy = bytes.slice();
      const result = decodeFrames(bytes, { sender: example.sender });
      expect(result.fault).toBeNull();
      expect(result.incomplete).toBeNull();
      checkFrames(result.frames, example);
      expect(bytesEqual(bytes, copy)).toBe(true);
    });

    test(`${example.name}: the wrong role refuses it`, () => {
      const wrong = example.sender === 'client' ? 'server' : 'client';
      const result = decodeFrames(bytes, { sender: wrong });
      expect(result.frames).toHaveLength(0);
      expect(result.fault?.rule).toBe(wrong === 'client' ? 'mask-required' : 'mask-forbidden');
      expect(result.fault?.closeCode).toBe(1002);
      expect(result.fault?.offset).toBe(1);
    });

    test(`${example.name}: encoded with the same fields and key, byte for byte`, () => {
      example.frames.forEach((want, i) => {
        const spec = { fin: want.fin, opcode: want.opcode, payload: want.payload, maskingKey: want.maskingKey };
        const wire = example.wire[i]!;
        const encoded = encodeFrame(spec);
        expect(encoded.length).toBe(wire.length);
        expect(bytesEqual(encoded, wire)).toBe(true);
        expect(toHex(encodeHeader(spec, want.payload.length))).toBe(toHex(wire.subarray(0, want.headerLength)));
        // The encoder copies: the caller's payload is not masked in place.
        expect(bytesEqual(want.payload, example.frames[i]!.payload)).toBe(true);
      });
    });
  }

  test('the fragmented example assembles to "Hello", and so does the masked one', () => {
    const assembler = new MessageAssembler();
    const events = decodeFrames(hex('01 03 48 65 6c 80 02 6c 6f')).frames.map((f) => assembler.accept(f));
    expect(events[0]).toBeNull();
    expect(events[1]).toMatchObject({ kind: 'message', binary: false, frames: 2 });
    expect(new TextDecoder().decode((events[1] as { data: Uint8Array }).data)).toBe('Hello');
    const masked = decodeFrames(hex('81 85 37 fa 21 3d 7f 9f 4d 51 58'), { sender: 'client' }).frames[0]!;
    expect(new MessageAssembler().accept(masked)).toMatchObject({ kind: 'message', binary: false, frames: 1 });
  });

  test('every small example in one stream (ping between the fragments), at every split point', () => {
    const stream = hex(
      '01 03 48 65 6c' + '89 05 48 65 6c 6c 6f' + '80 02 6c 6f' + '81 85 37 fa 21 3d 7f 9f 4d 51 58' +
        '8a 85 37 fa 21 3d 7f 9f 4d 51 58' + '81 05 48 65 6c 6c 6f',
    );
    const want = [
      [0, 0x1, false, 'Hel'],
      [5, 0x9, true, 'Hello'],
      [12, 0x0, true, 'lo'],
      [16, 0x1, true, 'Hello'],
      [27, 0xa, true, 'Hello'],
      [38, 0x1, true, 'Hello'],
    ];
    for (const { name, cuts } of chunkings(stream.length)) {
      const result = feed(stream, cuts);
      expect(result.fault, name).toBeNull();
      expect(result.incomplete, name).toBeNull();
      expect(result.frames.map((f) => [f.offset, f.opcode, f.fin, new TextDecoder().decode(f.payload)]), name).toEqual(want);
    }
  });
});

describe('payload length boundaries (RFC 6455 §5.2: 7-bit, 16-bit and 64-bit forms)', () => {
  const SIZES: [number, LengthForm][] = [
    [0, 7],
    [1, 7],
    [125, 7],
    [126, 16],
    [127, 16],
    [65535, 16],
    [65536, 64],
    [65537, 64],
  ];
  const headerFor = (form: LengthForm, masked: boolean): number => (form === 7 ? 2 : form === 16 ? 4 : 10) + (masked ? 4 : 0);

  for (const [size, form] of SIZES) {
    for (const masked of [false, true]) {
      test(`${size} bytes, ${masked ? 'masked' : 'unmasked'}: ${form}-bit length form, byte-exact payload`, () => {
        const payload = pattern(size, size + 7);
        const maskingKey = masked ? hex('a1 b2 c3 d4') : null;
        const wire = encodeFrame({ opcode: 0x2, payload, maskingKey });
        expect(wire.length).toBe(headerFor(form, masked) + size);
        // The length field itself, as §5.2 lays it out.
        const len7 = wire[1]! & 0x7f;
        expect((wire[1]! & 0x80) !== 0).toBe(masked);
        if (form === 7) expect(len7).toBe(size);
        if (form === 16) {
          expect(len7).toBe(126);
          expect((wire[2]! << 8) | wire[3]!).toBe(size);
        }
        if (form === 64) {
          expect(len7).toBe(127);
          expect(toHex(wire.subarray(2, 10))).toBe(size.toString(16).padStart(16, '0'));
        }
        if (masked && size > 0) expect(bytesEqual(wire.subarray(headerFor(form, true)), payload)).toBe(false);

        // Whole, split inside the extended length and the masking key, and in the payload.
        const header = headerFor(form, masked);
        const cutsList = [[], [1], [2], [3], [header - 1], [header], [header + 1], [Math.floor(wire.length / 2)], [1, 3, 5, 7, 9, 11]];
        for (const cuts of cutsList) {
          const result = feed(wire, cuts, { sender: masked ? 'client' : 'server' });
          expect(result.fault).toBeNull();
          expect(result.incomplete).toBeNull();
          expect(result.frames).toHaveLength(1);
          const frame = result.frames[0]!;
          expect(frame.lengthForm).toBe(form);
          expect(frame.headerLength).toBe(header);
          expect(frame.payloadLength).toBe(size);
          expect(bytesEqual(frame.payload, payload)).toBe(true);
        }
      });
    }
  }

  test('a frame cut short reports where it stopped and how much it still needs', () => {
    const wire = encodeFrame({ opcode: 0x2, payload: pattern(300), maskingKey: hex('01 02 03 04') });
    // header: 2 + 2 + 4 = 8 bytes
    expect(feed(wire, [], {}).incomplete).toBeNull();
    expect(decodeFrames(wire.subarray(0, 1)).incomplete).toEqual({ offset: 0, have: 1, needed: 1 });
    expect(decodeFrames(wire.subarray(0, 3)).incomplete).toMatchObject({ offset: 0, have: 3 });
    expect(decodeFrames(wire.subarray(0, 8)).incomplete).toEqual({ offset: 0, have: 8, needed: 300 });
    expect(decodeFrames(wire.subarray(0, 100)).incomplete).toEqual({ offset: 0, have: 100, needed: 208 });
    const two = concatBytes(hex('89 00'), wire.subarray(0, 50));
    const result = decodeFrames(two);
    expect(result.frames).toHaveLength(1);
    expect(result.incomplete).toEqual({ offset: 2, have: 50, needed: 258 });
  });

  test('lengths beyond what a test can allocate: the header alone, up to 2^53 - 1', () => {
    const cases: [number, string][] = [
      [2 ** 32 - 1, '00000000ffffffff'],
      [2 ** 32, '0000000100000000'],
      [2 ** 40 + 3, '0000010000000003'],
      [Number.MAX_SAFE_INTEGER, '001fffffffffffff'],
    ];
    for (const [length, ext] of cases) {
      const header = encodeHeader({ opcode: 0x2 }, length);
      expect(toHex(header)).toBe(`827f${ext}`);
      // The parser reads the header and waits for exactly the declared payload.
      expect(decodeFrames(header).incomplete).toEqual({ offset: 0, have: 10, needed: length });
      const masked = encodeHeader({ opcode: 0x2, maskingKey: hex('01 02 03 04') }, length);
      expect(toHex(masked)).toBe(`82ff${ext}01020304`);
      expect(decodeFrames(masked, { sender: 'client' }).incomplete).toEqual({ offset: 0, have: 14, needed: length });
    }
  });

  const MIB5 = 5 * 1024 * 1024;
  for (const masked of [false, true]) {
    test(`a 5 MiB payload, ${masked ? 'masked' : 'unmasked'}, in one push and in 64 KiB reads`, () => {
      const payload = pattern(MIB5, 5);
      const maskingKey = masked ? hex('de ad be ef') : null;
      const wire = encodeFrame({ opcode: 0x2, payload, maskingKey });
      const header = masked ? 14 : 10;
      expect(wire.length).toBe(header + MIB5);
      expect(toHex(wire.subarray(0, 10))).toBe(`82${masked ? 'ff' : '7f'}0000000000500000`);
      const reads: number[] = [];
      // 64 KiB reads starting at an odd offset, so the payload's words are misaligned in every chunk.
      for (let at = 3; at < wire.length; at += 65536) reads.push(at);
      for (const cuts of [[], reads]) {
        const result = feed(wire, cuts, { sender: masked ? 'client' : 'server' });
        expect(result.fault).toBeNull();
        expect(result.frames).toHaveLength(1);
        const frame = result.frames[0]!;
        expect(frame.lengthForm).toBe(64);
        expect(frame.payloadLength).toBe(MIB5);
        expect(bytesEqual(frame.payload, payload)).toBe(true);
      }
    });
  }
});
