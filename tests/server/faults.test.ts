/**
 * Every way a client can break RFC 6455, seen from a raw client: the server's close frame carries
 * the code the RFC requires (1002, 1007, 1009), then the server closes TCP, and the log says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, Opcode } from '../../src/protocol';
import { memoryLogger } from '../../server/log';
import { clientFrame, closeCode, closeFrame, eventually, RawClient, startServer, type Running } from './helpers';

let s: Running;
const log = memoryLogger();
beforeAll(async () => {
  s = await startServer({ logger: log, maxPayload: 1024 * 1024, maxMessage: 2 * 1024 * 1024 });
});
afterAll(async () => {
  await s.stop();
});

const text = (t: string): Uint8Array => new TextEncoder().encode(t);
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Send `bytes` on a fresh connection; return the code of the server's close frame. */
async function failWith(bytes: Uint8Array | Uint8Array[]): Promise<number | null> {
  const raw = await RawClient.open(s.port);
  for (const b of Array.isArray(bytes) ? bytes : [bytes]) raw.write(b);
  const frame = await raw.closeFrame();
  await raw.waitClosed();
  return closeCode(frame);
}

describe('faults close the connection with the RFC code', () => {
  it.each<[string, Uint8Array | Uint8Array[], number]>([
    ['an unmasked client frame (§5.1)', encodeFrame({ opcode: Opcode.Text, payload: text('hi') }), 1002],
    ['RSV1 with no extension (§5.2)', clientFrame({ opcode: Opcode.Text, rsv1: true, payload: text('hi') }), 1002],
    ['RSV2 with no extension (§5.2)', clientFrame({ opcode: Opcode.Text, rsv2: true, payload: text('hi') }), 1002],
    ['RSV3 with no extension (§5.2)', clientFrame({ opcode: Opcode.Binary, rsv3: true, payload: text('hi') }), 1002],
    ['reserved data opcode 0x3 (§5.2)', clientFrame({ opcode: 0x3, payload: text('x') }), 1002],
    ['reserved control opcode 0xB (§5.2)', clientFrame({ opcode: 0xb, payload: text('x') }), 1002],
    ['a fragmented ping (§5.5)', clientFrame({ opcode: Opcode.Ping, fin: false, payload: text('x') }), 1002],
    ['a ping with 126 bytes (§5.5)', clientFrame({ opcode: Opcode.Ping, payload: new Uint8Array(126) }), 1002],
    ['a continuation with nothing to continue (§5.4)', clientFrame({ opcode: Opcode.Continuation, payload: text('x') }), 1002],
    [
      'a new message inside a fragmented one (§5.4)',
      [clientFrame({ opcode: Opcode.Text, fin: false, payload: text('a') }), clientFrame({ opcode: Opcode.Text, payload: text('b') })],
      1002,
    ],
    ['a non-minimal 16-bit length (§5.2)', hex('81 fe 00 05 37 fa 21 3d 5f 9f 4d 51 58'), 1002],
    ['a 64-bit length with the top bit set (§5.2)', hex('82 ff 80 00 00 00 00 00 00 01 37 fa 21 3d 00'), 1002],
    ['a close frame with a 1-byte payload (§5.5.1)', clientFrame({ opcode: Opcode.Close, payload: hex('03') }), 1002],
    ['invalid UTF-8 in a text message (§8.1)', clientFrame({ opcode: Opcode.Text, payload: hex('48 69 c3 28') }), 1007],
    [
      'invalid UTF-8 across fragments (§8.1)',
      [clientFrame({ opcode: Opcode.Text, fin: false, payload: hex('ce ba e1') }), clientFrame({ opcode: Opcode.Continuation, payload: hex('bd ff') })],
      1007,
    ],
    ['a text message ending mid-character (§8.1)', clientFrame({ opcode: Opcode.Text, payload: hex('61 e2 82') }), 1007],
    ['a close reason that is not UTF-8 (§5.5.1)', clientFrame({ opcode: Opcode.Close, payload: hex('03 e8 ff fe') }), 1007],
    ['a payload over the limit (§7.4.1)', hex('82 ff 00 00 00 00 00 10 00 01 37 fa 21 3d'), 1009],
    [
      'a fragmented message over the limit (§7.4.1)',
      [
        clientFrame({ opcode: Opcode.Binary, fin: false, payload: new Uint8Array(1024 * 1024) }),
        clientFrame({ opcode: Opcode.Continuation, fin: false, payload: new Uint8Array(1024 * 1024) }),
        clientFrame({ opcode: Opcode.Continuation, payload: new Uint8Array(1) }),
      ],
      1009,
    ],
  ])('%s -> %i', async (_name, bytes, code) => {
    expect(await failWith(bytes)).toBe(code);
  });

  it('fails fast on invalid UTF-8 before the rest of the frame arrives (§8.1)', async () => {
    const raw = await RawClient.open(s.port);
    const frame = clientFrame({ opcode: Opcode.Text, payload: new Uint8Array([0x61, 0xff, ...new Uint8Array(5000).fill(0x61)]) });
    raw.write(frame.subarray(0, 20)); // header, key and the bad byte; the rest never comes
    expect(closeCode(await raw.closeFrame())).toBe(1007);
    raw.destroy();
  });

  it('logs each fault with its rule and reason', async () => {
    await failWith(clientFrame({ opcode: 0x5, payload: text('x') }));
    await eventually(() => log.lines.some((l) => l.startsWith('fault') && l.includes('reserved-opcode') && l.includes('1002')));
    expect(log.lines.some((l) => l.startsWith('close') && l.includes('1002') && l.includes('(fault)'))).toBe(true);
  });
});

describe('a declared 2^62-byte frame', () => {
  it('is refused from its header with 1009, without allocating', async () => {
    const before = process.memoryUsage();
    const raw = await RawClient.open(s.port);
    // FIN + binary, MASK + 127, then 2^62 in 64 bits, a masking key, and a few payload bytes.
    raw.write(hex('82 ff 40 00 00 00 00 00 00 00 37 fa 21 3d 01 02 03 04'));
    expect(closeCode(await raw.closeFrame())).toBe(1009);
    await raw.waitClosed();
    const after = process.memoryUsage();
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * 1024 * 1024);
    expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
  });

  it('so is 2^63 - 1 (the largest length whose top bit is 0)', async () => {
    expect(await failWith(hex('82 ff 7f ff ff ff ff ff ff ff 37 fa 21 3d'))).toBe(1009);
  });
});

describe('close codes', () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999])(
    'echoes the valid code %i and closes TCP',
    async (code) => {
      const raw = await RawClient.open(s.port);
      raw.write(closeFrame(code, 'bye'));
      const frame = await raw.closeFrame();
      expect(closeCode(frame)).toBe(code);
      await raw.waitClosed();
    },
  );

  it('answers an empty close frame with an empty close frame', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(closeFrame());
    const frame = await raw.closeFrame();
    expect(frame.payload.length).toBe(0);
    await raw.waitClosed();
  });

  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535])(
    'fails the connection with 1002 on the invalid code %i',
    async (code) => {
      expect(await failWith(closeFrame(code))).toBe(1002);
    },
  );

  it('ignores what follows a close frame (§5.5.1)', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat([closeFrame(1000), clientFrame({ opcode: Opcode.Text, payload: text('after close') })]));
    const frame = await raw.nextFrame();
    expect(frame.opcode).toBe(Opcode.Close);
    await raw.waitClosed();
    expect(raw.frames.length).toBe(0);
  });
});
