/**
 * The tap keeps each read without copying it, and rebuilds a received frame's wire bytes from its
 * header as read and its payload masked again (server/inspector/wire-bytes.ts): what a subscriber
 * sees must still be exactly the bytes that crossed the wire, for frames split over reads, long
 * frames cut at the byte cap, an all-zero masking key, and a fault in the middle of a payload.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMask, encodeFrame, Opcode } from '../../src/protocol';
import type { InspectorMessage } from '../../server/inspector/messages';
import { faultBytes, frameBytes } from '../../server/inspector/wire-bytes';
import { openWs, pattern, RawClient, sleep, startServer, type Running } from './helpers';

type Msg = InspectorMessage & Record<string, unknown>;
const hexOf = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const CAP = 64 * 1024; // the server's default maxFrameBytes

/** The messages of an /inspect subscriber, and a wait for the first that matches. */
async function watch(url: string): Promise<{ close(): void; next(match: (m: Msg) => boolean): Promise<Msg> }> {
  const messages: Msg[] = [];
  const ws = await openWs(url, {}, (socket) => socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Msg)));
  let cursor = 0;
  return {
    close: () => ws.close(),
    async next(match) {
      for (const until = Date.now() + 10_000; Date.now() < until; await sleep(10)) {
        for (; cursor < messages.length; cursor++) if (match(messages[cursor]!)) return messages[cursor++]!;
      }
      throw new Error(`no matching message; got ${messages.map((m) => m.type).join(',')}`);
    },
  };
}

/** Write `bytes` in pieces with a pause between, so the server reads them apart. */
async function trickle(raw: RawClient, bytes: Uint8Array, cuts: number[]): Promise<void> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    raw.write(bytes.subarray(at, cut));
    at = cut;
    await sleep(15);
  }
}

describe('the tap rebuilds the wire bytes of received frames', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startServer({});
  });
  afterAll(() => s.stop());

  it('split over reads, long (cut at the byte cap), short, with an all-zero key: exactly the bytes sent', async () => {
    const w = await watch(s.url('/inspect?session=wire1'));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.open(s.port, '/echo?session=wire1');
    const frames = [
      encodeFrame({ opcode: Opcode.Binary, payload: pattern(100_000, 5), maskingKey: Uint8Array.of(0x9a, 0x01, 0xfe, 0x37) }),
      encodeFrame({ opcode: Opcode.Text, payload: Buffer.from('héllo, wörld ✓ '.repeat(40)), maskingKey: Uint8Array.of(1, 2, 3, 4) }),
      encodeFrame({ opcode: Opcode.Binary, payload: pattern(3000, 6), maskingKey: new Uint8Array(4) }),
    ];
    await trickle(raw, frames[0]!, [3, 9, 40_000, 70_000]);
    await trickle(raw, frames[1]!, [7, 300]);
    await trickle(raw, frames[2]!, []);
    for (const frame of frames) {
      const seen = await w.next((m) => m.type === 'frame' && m.direction === 'in');
      const expected = frame.subarray(0, Math.min(frame.length, CAP));
      expect(seen.bytes).toBe(hexOf(expected));
      expect(seen.truncated).toBe(frame.length > CAP);
      // The echo is unharmed by the tap: the payload came back unmasked, in full.
      await w.next((m) => m.type === 'frame' && m.direction === 'out');
    }
    raw.socket.destroy();
    w.close();
  }, 30_000);

  it('a fault in the middle of a masked payload (invalid UTF-8 in a later read): the masked bytes as sent so far', async () => {
    const w = await watch(s.url('/inspect?session=wire2'));
    await w.next((m) => m.type === 'hello');
    const raw = await RawClient.open(s.port, '/echo?session=wire2');
    const payload = Buffer.from('a'.repeat(2000) + 'é'.repeat(500));
    payload[2400] = 0xff; // where an é began
    const frame = encodeFrame({ opcode: Opcode.Text, payload, maskingKey: Uint8Array.of(0x11, 0x22, 0x33, 0x44) });
    // The bad byte arrives in the third read; the codec unmasked the first two, and that read.
    await trickle(raw, frame.subarray(0, 2500 + 8), [8, 1500]);
    const fault = await w.next((m) => m.type === 'fault');
    expect(fault).toMatchObject({ rule: 'invalid-utf8', closeCode: 1007, frameOffset: 0, offset: 8 + 2400 });
    expect(fault.bytes).toBe(hexOf(frame.subarray(0, 2508)));
    raw.socket.destroy();
    w.close();
  }, 30_000);
});

describe('wire-bytes.ts', () => {
  const frameArb = fc.record({
    payload: fc.oneof(fc.uint8Array({ maxLength: 130 }), fc.integer({ min: 126, max: 70_000 }).map((n) => pattern(n, n))),
    key: fc.option(fc.uint8Array({ minLength: 4, maxLength: 4 }), { nil: null }),
    cap: fc.integer({ min: 16, max: 80_000 }),
  });

  it('frameBytes: the header as read and the payload masked again give the first `cap` bytes sent', () => {
    fc.assert(
      fc.property(frameArb, ({ payload, key, cap }) => {
        const wire = encodeFrame({ opcode: Opcode.Binary, payload, ...(key ? { maskingKey: key } : {}) });
        const headerLength = wire.length - payload.length;
        const header = wire.subarray(0, Math.min(headerLength, cap));
        const bytes = frameBytes(header, { headerLength, payload, maskingKey: key }, cap);
        expect(hexOf(bytes)).toBe(hexOf(wire.subarray(0, Math.min(wire.length, cap))));
      }),
      { numRuns: 200 },
    );
  });

  it('faultBytes: a frame unmasked in place up to any offset gives back the bytes sent', () => {
    fc.assert(
      fc.property(frameArb, fc.nat(), fc.nat(), ({ payload, key }, parsedAt, heldAt) => {
        const wire = encodeFrame({ opcode: Opcode.Text, payload, ...(key ? { maskingKey: key } : {}) });
        const headerLength = wire.length - payload.length;
        const held = wire.slice(0, heldAt % (wire.length + 1));
        const parsed = Math.max(headerLength, parsedAt % (wire.length + 1));
        // What the codec leaves in the read: the payload before `parsed` unmasked in place.
        if (key) applyMask(held.subarray(headerLength, Math.max(headerLength, Math.min(parsed, held.length))), key);
        const from = 1000;
        expect(hexOf(faultBytes(held, from, from + parsed))).toBe(hexOf(wire.subarray(0, held.length)));
      }),
      { numRuns: 200 },
    );
  });
});
