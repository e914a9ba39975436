/**
 * `ws` (8.x) as an independent peer: frames written by its Sender decode here to the same payload,
 * and frames encoded here are accepted by its Receiver, for every frame type, masked and not, at
 * the length boundaries and fragmented. Where both should refuse a frame, they agree on the code.
 */
import * as ws from 'ws';
import { describe, expect, test } from 'vitest';
import { closePayload, decodeFrames, encodeFrame, MessageAssembler, type FrameSpec } from '../../src/protocol';
import { ascii, bytesEqual, concatBytes, hex, pattern } from './helpers';

// @types/ws does not declare the Sender and Receiver classes that ws exports; this is the part used.
interface WsFrameOptions {
  fin: boolean;
  rsv1: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  maskBuffer?: Buffer;
  generateMask?: (mask: Buffer) => void;
}
interface WsReceiver {
  write(chunk: Buffer): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): void;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): void;
  on(event: 'error', listener: (error: Error & { code?: string }) => void): void;
}
const { Sender, Receiver } = ws as unknown as {
  Sender: { frame(data: Buffer | string, options: WsFrameOptions): Buffer[] };
  Receiver: new (options: { isServer: boolean; maxPayload?: number }) => WsReceiver;
};

const SIZES = [0, 125, 126, 65535, 65536];
const CONTROL_SIZES = [0, 1, 125];

/** A frame as ws's Sender writes it, with a known masking key when masked. */
function wsFrame(data: Buffer, opcode: number, mask: boolean, fin = true): Uint8Array {
  const parts = Sender.frame(Buffer.from(data), {
    fin,
    rsv1: false,
    opcode,
    mask,
    readOnly: true,
    maskBuffer: Buffer.alloc(4),
    generateMask: (m) => m.set([0x12, 0x34, 0x56, 0x78]),
  });
  return new Uint8Array(Buffer.concat(parts));
}

const payloadFor = (opcode: number, size: number): Buffer =>
  opcode === 0x1 ? Buffer.from('é'.repeat(size >> 1) + 'x'.repeat(size & 1)) : Buffer.from(pattern(size, size + opcode));

describe('frames written by ws decode here', () => {
  const cases: [string, number, number][] = [
    ...SIZES.map((n): [string, number, number] => ['text', 0x1, n]),
    ...SIZES.map((n): [string, number, number] => ['binary', 0x2, n]),
    ...CONTROL_SIZES.map((n): [string, number, number] => ['ping', 0x9, n]),
    ...CONTROL_SIZES.map((n): [string, number, number] => ['pong', 0xa, n]),
  ];
  for (const mask of [false, true]) {
    test.each(cases)(`%s of %#: opcode %i, ${mask ? 'masked (client to server)' : 'unmasked (server to client)'}`, (_name, opcode, size) => {
      const data = payloadFor(opcode, size);
      expect(data.length).toBe(size);
      const wire = wsFrame(data, opcode, mask);
      const result = decodeFrames(wire, { sender: mask ? 'client' : 'server' });
      expect(result.fault).toBeNull();
      expect(result.incomplete).toBeNull();
      expect(result.frames).toHaveLength(1);
      const frame = result.frames[0]!;
      expect(frame).toMatchObject({ fin: true, opcode, masked: mask, payloadLength: size });
      expect(frame.lengthForm).toBe(size < 126 ? 7 : size < 65536 ? 16 : 64);
      if (mask) expect([...frame.maskingKey!]).toEqual([0x12, 0x34, 0x56, 0x78]);
      expect(bytesEqual(frame.payload, data)).toBe(true);
    });

    test(`close frames, ${mask ? 'masked' : 'unmasked'}: empty, code only, code and UTF-8 reason`, () => {
      for (const payload of [Buffer.alloc(0), Buffer.from([0x03, 0xe8]), Buffer.concat([Buffer.from([0x0f, 0xa0]), Buffer.from('au revoir ✓')])]) {
        const frame = decodeFrames(wsFrame(payload, 0x8, mask), { sender: mask ? 'client' : 'server' });
        expect(frame.fault).toBeNull();
        const event = new MessageAssembler().accept(frame.frames[0]!);
        if (payload.length === 0) expect(event).toEqual({ kind: 'close', code: null, reason: '' });
        else expect(event).toEqual({ kind: 'close', code: payload.readUInt16BE(0), reason: payload.subarray(2).toString() });
      }
    });

    test(`a fragmented text message with a ping between, ${mask ? 'masked' : 'unmasked'}`, () => {
      const text = Buffer.from('fragmenté — across three frames ✓');
      const wire = concatBytes(
        wsFrame(text.subarray(0, 10), 0x1, mask, false), // cuts "é" in two
        wsFrame(Buffer.from('ping'), 0x9, mask),
        wsFrame(text.subarray(10, 200), 0x0, mask, false),
        wsFrame(Buffer.alloc(0), 0x0, mask, true),
      );
      const result = decodeFrames(wire, { sender: mask ? 'client' : 'server' });
      expect(result.fault).toBeNull();
      const assembler = new MessageAssembler();
      const events = result.frames.map((f) => assembler.accept(f)).filter((e) => e !== null);
      expect(events.map((e) => e.kind)).toEqual(['ping', 'message']);
      const message = events[1]!;
      expect(message.kind === 'message' && Buffer.from(message.data).toString()).toBe(text.toString());
    });
  }
});

interface Received {
  messages: { data: Buffer; isBinary: boolean }[];
  pings: Buffer[];
  pongs: Buffer[];
  conclude: { code: number; reason: string } | null;
  errors: (Error & { code?: string })[];
}

/** Write `bytes` to a fresh ws Receiver and collect what it emits. */
async function wsReceive(bytes: Uint8Array, isServer: boolean, maxPayload = 0): Promise<Received> {
  const receiver = new Receiver({ isServer, maxPayload });
  const got: Received = { messages: [], pings: [], pongs: [], conclude: null, errors: [] };
  receiver.on('message', (data, isBinary) => got.messages.push({ data: Buffer.from(data), isBinary }));
  receiver.on('ping', (data) => got.pings.push(Buffer.from(data)));
  receiver.on('pong', (data) => got.pongs.push(Buffer.from(data)));
  receiver.on('conclude', (code, reason) => (got.conclude = { code, reason: reason.toString() }));
  receiver.on('error', (error) => got.errors.push(error));
  receiver.write(Buffer.from(bytes));
  await new Promise((resolve) => setImmediate(resolve));
  return got;
}

const KEY = hex('a1 b2 c3 d4');

describe('frames encoded here are accepted by ws', () => {
  for (const masked of [false, true]) {
    const isServer = masked; // a server (ws isServer) receives masked frames; a client unmasked ones
    const key = masked ? KEY : null;
    const label = masked ? 'masked, to a ws server' : 'unmasked, to a ws client';

    test.each(SIZES)(`text and binary of %i bytes, ${label}`, async (size) => {
      const text = payloadFor(0x1, size);
      const binary = payloadFor(0x2, size);
      const wire = concatBytes(encodeFrame({ opcode: 0x1, payload: text, maskingKey: key }), encodeFrame({ opcode: 0x2, payload: binary, maskingKey: key }));
      const got = await wsReceive(wire, isServer);
      expect(got.errors).toEqual([]);
      expect(got.messages).toHaveLength(2);
      expect(got.messages[0]!.isBinary).toBe(false);
      expect(got.messages[0]!.data.equals(text)).toBe(true);
      expect(got.messages[1]!.isBinary).toBe(true);
      expect(got.messages[1]!.data.equals(binary)).toBe(true);
    });

    test.each(CONTROL_SIZES)(`ping and pong of %i bytes, ${label}`, async (size) => {
      const payload = pattern(size, 9);
      const wire = concatBytes(encodeFrame({ opcode: 0x9, payload, maskingKey: key }), encodeFrame({ opcode: 0xa, payload, maskingKey: key }));
      const got = await wsReceive(wire, isServer);
      expect(got.errors).toEqual([]);
      expect(got.pings.map((p) => p.equals(payload))).toEqual([true]);
      expect(got.pongs.map((p) => p.equals(payload))).toEqual([true]);
    });

    test(`close frames, ${label}`, async () => {
      for (const [code, reason] of [[1000, ''], [1001, 'going away'], [4000, 'fin de la leçon ✓'], [3000, 'r'.repeat(123)]] as const) {
        const got = await wsReceive(encodeFrame({ opcode: 0x8, payload: closePayload(code, reason), maskingKey: key }), isServer);
        expect(got.errors).toEqual([]);
        expect(got.conclude).toEqual({ code, reason });
      }
      const empty = await wsReceive(encodeFrame({ opcode: 0x8, maskingKey: key }), isServer);
      expect(empty.conclude).toEqual({ code: 1005, reason: '' });
    });

    test(`fragmented text and binary, control frames between, ${label}`, async () => {
      const text = Buffer.from('€'.repeat(50_000)); // 150,000 bytes: fragments in every length form
      const specs: FrameSpec[] = [
        { opcode: 0x1, fin: false, payload: text.subarray(0, 100_001) }, // inside a "€"
        { opcode: 0x9, payload: ascii('between') },
        { opcode: 0x0, fin: false, payload: text.subarray(100_001, 100_200) },
        { opcode: 0xa, payload: new Uint8Array(0) },
        { opcode: 0x0, fin: false, payload: text.subarray(100_200, 100_201) },
        { opcode: 0x0, fin: true, payload: text.subarray(100_201) },
        { opcode: 0x2, fin: false, payload: pattern(3) },
        { opcode: 0x0, fin: false, payload: new Uint8Array(0) },
        { opcode: 0x0, fin: true, payload: pattern(70_000) },
      ];
      const got = await wsReceive(concatBytes(...specs.map((s) => encodeFrame({ ...s, maskingKey: key }))), isServer);
      expect(got.errors).toEqual([]);
      expect(got.pings.map(String)).toEqual(['between']);
      expect(got.pongs).toHaveLength(1);
      expect(got.messages).toHaveLength(2);
      expect(got.messages[0]!.data.equals(text)).toBe(true);
      expect(got.messages[1]!.data.equals(Buffer.concat([pattern(3), pattern(70_000)]))).toBe(true);
    });
  }

  test('ws refuses the mask direction this codec would refuse too', async () => {
    const unmasked = encodeFrame({ opcode: 0x1, payload: ascii('hi') });
    const masked = encodeFrame({ opcode: 0x1, payload: ascii('hi'), maskingKey: KEY });
    expect((await wsReceive(unmasked, true)).errors.map((e) => e.code)).toEqual(['WS_ERR_EXPECTED_MASK']);
    expect((await wsReceive(masked, false)).errors.map((e) => e.code)).toEqual(['WS_ERR_UNEXPECTED_MASK']);
    expect(decodeFrames(unmasked, { sender: 'client' }).fault?.rule).toBe('mask-required');
    expect(decodeFrames(masked, { sender: 'server' }).fault?.rule).toBe('mask-forbidden');
  });
});

describe('where both refuse a frame, they give the same close code', () => {
  /** The close code ws's error carries (under a symbol ws does not export). */
  const statusOf = (error: Error): number | undefined => {
    const symbol = Object.getOwnPropertySymbols(error).find((s) => s.description === 'status-code');
    return symbol === undefined ? undefined : (error as unknown as Record<symbol, number>)[symbol];
  };
  const BAD: [string, string][] = [
    ['RSV2 set', 'a1 00'],
    ['reserved opcode 0x3', '83 00'],
    ['reserved opcode 0xb', '8b 00'],
    ['ping with FIN=0', '09 00'],
    ['ping of 126 bytes', '89 7e 00 7e' + '00'.repeat(126)],
    ['close with one byte', '88 01 03'],
    ['close code 1005', '88 02 03 ed'],
    ['close code 999', '88 02 03 e7'],
    ['close code 5000', '88 02 13 88'],
    ['close reason not UTF-8', '88 03 03 e8 ff'],
    ['text not UTF-8', '81 02 c3 28'],
    ['continuation with nothing to continue', '80 00'],
    ['text inside a fragmented message', '01 01 41 81 01 42'],
  ];
  // Not listed: a 64-bit length with its top bit set, which ws refuses with 1009 (it reads it as a
  // length over 2^53 - 1) and this codec with 1002 (RFC 6455 §5.2: "the most significant bit MUST
  // be 0", a protocol error).
  test('the 64-bit length with its top bit set: 1002 here, 1009 from ws', async () => {
    const bytes = hex('82 7f 80 00 00 00 00 00 00 00');
    expect(decodeFrames(bytes, { sender: 'server' }).fault).toMatchObject({ rule: 'length-msb-set', closeCode: 1002 });
    expect(statusOf((await wsReceive(bytes, false)).errors[0]!)).toBe(1009);
  });
  test.each(BAD)('%s', async (_name, text) => {
    const bytes = hex(text);
    const ours = decodeFrames(bytes, { sender: 'server' });
    const theirs = await wsReceive(bytes, false);
    expect(ours.fault).not.toBeNull();
    expect(theirs.errors).toHaveLength(1);
    expect(statusOf(theirs.errors[0]!)).toBe(ours.fault!.closeCode);
  });

  test('a payload over the limit: 1009 from both', async () => {
    const bytes = concatBytes(hex('82 7e 01 00'), pattern(256));
    const ours = decodeFrames(bytes, { sender: 'server', maxPayload: 255 });
    const theirs = await wsReceive(bytes, false, 255);
    expect(ours.fault?.closeCode).toBe(1009);
    expect(statusOf(theirs.errors[0]!)).toBe(1009);
  });
});
