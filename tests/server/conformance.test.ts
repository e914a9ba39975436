/**
 * What RFC 6455 says a server MUST do, case by case, in the order of the Autobahn TestSuite's
 * sections (1 framing, 2 pings, 3 reserved bits, 4 opcodes, 5 fragmentation, 6 UTF-8, 7 close,
 * 9 limits/performance, 10 misc), played by a raw client against /echo. Each case expects the echo
 * (or the pong) byte for byte, or a close frame with the RFC's code followed by the server closing
 * TCP. The fault-per-rule table is in faults.test.ts; this file adds the rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Opcode } from '../../src/protocol';
import { clientFrame, closeCode, closeFrame, pattern, RawClient, startServer, type Running } from './helpers';

let s: Running;
beforeAll(async () => {
  s = await startServer({});
});
afterAll(() => s.stop());

const utf8 = (t: string): Uint8Array => new TextEncoder().encode(t);
const hex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

async function expectEcho(frames: Uint8Array[], opcode: number, payload: Uint8Array, chop = 0): Promise<RawClient> {
  const raw = await RawClient.open(s.port);
  const all = Buffer.concat(frames);
  if (chop > 0) {
    for (let i = 0; i < all.length; i += chop) raw.write(all.subarray(i, i + chop));
  } else {
    raw.write(all);
  }
  let frame = await raw.nextFrame(10_000);
  while (frame.opcode === Opcode.Pong && opcode !== Opcode.Pong) frame = await raw.nextFrame(10_000);
  expect(frame.opcode).toBe(opcode);
  expect(frame.fin).toBe(true);
  expect(Buffer.from(frame.payload).equals(Buffer.from(payload))).toBe(true);
  return raw;
}

async function expectFail(frames: Uint8Array[], code: number): Promise<void> {
  const raw = await RawClient.open(s.port);
  raw.write(Buffer.concat(frames));
  const close = await raw.closeFrame();
  expect(closeCode(close)).toBe(code);
  await raw.waitClosed();
}

describe('1 framing: text and binary at the length-form edges', () => {
  it.each([0, 1, 125, 126, 127, 128, 65535, 65536, 65537])('text and binary of %i bytes', async (n) => {
    const text = utf8('*'.repeat(n));
    (await expectEcho([clientFrame({ opcode: Opcode.Text, payload: text })], Opcode.Text, text)).destroy();
    const bin = pattern(n, n + 3);
    (await expectEcho([clientFrame({ opcode: Opcode.Binary, payload: bin })], Opcode.Binary, bin)).destroy();
  });

  it('a 65536-byte text message chopped into 997-byte TCP writes', async () => {
    const text = utf8('x'.repeat(65536));
    (await expectEcho([clientFrame({ opcode: Opcode.Text, payload: text })], Opcode.Text, text, 997)).destroy();
  });
});

describe('2 pings and pongs', () => {
  it.each([0, 1, 125])('a ping with %i bytes gets a pong with the same bytes', async (n) => {
    const payload = pattern(n, 17);
    (await expectEcho([clientFrame({ opcode: Opcode.Ping, payload })], Opcode.Pong, payload)).destroy();
  });

  it('ten pings in one write get ten pongs, in order', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat(Array.from({ length: 10 }, (_, i) => clientFrame({ opcode: Opcode.Ping, payload: utf8(`ping ${i}`) }))));
    for (let i = 0; i < 10; i++) {
      const pong = await raw.nextFrame();
      expect([pong.opcode, Buffer.from(pong.payload).toString()]).toEqual([Opcode.Pong, `ping ${i}`]);
    }
    raw.destroy();
  });

  it('ten pings written one byte at a time get ten pongs', async () => {
    const raw = await RawClient.open(s.port);
    const bytes = Buffer.concat(Array.from({ length: 10 }, (_, i) => clientFrame({ opcode: Opcode.Ping, payload: utf8(`p${i}`) })));
    await raw.writeBytewise(bytes);
    for (let i = 0; i < 10; i++) expect(Buffer.from((await raw.nextFrame()).payload).toString()).toBe(`p${i}`);
    raw.destroy();
  });

  it('an unsolicited pong gets nothing, and the connection goes on', async () => {
    const raw = await expectEcho(
      [clientFrame({ opcode: Opcode.Pong, payload: utf8('hello?') }), clientFrame({ opcode: Opcode.Text, payload: utf8('after') })],
      Opcode.Text,
      utf8('after'),
    );
    raw.destroy();
  });

  it('a ping with 126 bytes fails with 1002, even after a valid echo', async () => {
    await expectFail(
      [clientFrame({ opcode: Opcode.Text, payload: utf8('ok') }), clientFrame({ opcode: Opcode.Ping, payload: new Uint8Array(126) })],
      1002,
    );
  });
});

describe('3 reserved bits', () => {
  it.each([
    ['RSV1 on a ping', { opcode: Opcode.Ping, rsv1: true }],
    ['RSV2 on a close', { opcode: Opcode.Close, rsv2: true }],
    ['RSV1+RSV2+RSV3 on a binary frame', { opcode: Opcode.Binary, rsv1: true, rsv2: true, rsv3: true }],
  ])('%s fails with 1002', async (_name, spec) => {
    await expectFail([clientFrame({ ...spec, payload: utf8('x') })], 1002);
  });
});

describe('4 opcodes', () => {
  it.each([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf])('reserved opcode %i fails with 1002 (after echoing what came before)', async (opcode) => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat([clientFrame({ opcode: Opcode.Text, payload: utf8('before') }), clientFrame({ opcode, payload: utf8('x') })]));
    const echo = await raw.nextFrame();
    expect(Buffer.from(echo.payload).toString()).toBe('before');
    expect(closeCode(await raw.closeFrame())).toBe(1002);
    await raw.waitClosed();
  });
});

describe('5 fragmentation', () => {
  it('a text message in 1-byte fragments, a ping between each', async () => {
    const text = 'fragmented';
    const frames: Uint8Array[] = [];
    for (let i = 0; i < text.length; i++) {
      frames.push(clientFrame({ opcode: i === 0 ? Opcode.Text : Opcode.Continuation, fin: i === text.length - 1, payload: utf8(text[i]!) }));
      if (i < text.length - 1) frames.push(clientFrame({ opcode: Opcode.Ping, payload: utf8(`${i}`) }));
    }
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat(frames));
    for (let i = 0; i < text.length - 1; i++) expect((await raw.nextFrame()).opcode).toBe(Opcode.Pong);
    const echo = await raw.nextFrame();
    expect([echo.opcode, echo.fin, Buffer.from(echo.payload).toString()]).toEqual([Opcode.Text, true, text]);
    raw.destroy();
  });

  it('a binary message whose first fragment is empty, and one whose fragments are all empty', async () => {
    (await expectEcho(
      [clientFrame({ opcode: Opcode.Binary, fin: false }), clientFrame({ opcode: Opcode.Continuation, payload: hex('0102') })],
      Opcode.Binary,
      hex('0102'),
    )).destroy();
    (await expectEcho(
      [clientFrame({ opcode: Opcode.Text, fin: false }), clientFrame({ opcode: Opcode.Continuation, fin: false }), clientFrame({ opcode: Opcode.Continuation })],
      Opcode.Text,
      new Uint8Array(0),
    )).destroy();
  });

  it('a fragmented pong fails with 1002', async () => {
    await expectFail([clientFrame({ opcode: Opcode.Pong, fin: false, payload: utf8('a') })], 1002);
  });

  it('a continuation after a final fragment fails with 1002', async () => {
    await expectFail(
      [
        clientFrame({ opcode: Opcode.Text, fin: false, payload: utf8('a') }),
        clientFrame({ opcode: Opcode.Continuation, payload: utf8('b') }),
        clientFrame({ opcode: Opcode.Continuation, payload: utf8('c') }),
      ],
      1002,
    );
  });

  it('a 1 MiB message in 64-byte fragments', async () => {
    const payload = pattern(1024 * 1024, 99);
    const frames: Uint8Array[] = [];
    for (let i = 0; i < payload.length; i += 64) {
      frames.push(clientFrame({ opcode: i === 0 ? Opcode.Binary : Opcode.Continuation, fin: i + 64 >= payload.length, payload: payload.subarray(i, i + 64) }));
    }
    (await expectEcho(frames, Opcode.Binary, payload)).destroy();
  });
});

describe('6 UTF-8', () => {
  const valid = utf8('κόσμε – Hello-µ@ßöäüàá-UTF-8!! 𝄞 €');

  it('valid text split into fragments at every byte position echoes', async () => {
    for (let cut = 1; cut < valid.length; cut += 3) {
      (await expectEcho(
        [
          clientFrame({ opcode: Opcode.Text, fin: false, payload: valid.subarray(0, cut) }),
          clientFrame({ opcode: Opcode.Continuation, payload: valid.subarray(cut) }),
        ],
        Opcode.Text,
        valid,
      )).destroy();
    }
  });

  it.each([
    ['a UTF-16 surrogate', 'ed a0 80'],
    ['an overlong "/"', 'c0 af'],
    ['an overlong 3-byte form', 'e0 80 af'],
    ['above U+10FFFF', 'f4 90 80 80'],
    ['a lone continuation byte', '80'],
    ['0xFE', 'fe'],
    ['a truncated 4-byte sequence', 'f0 9d 84'],
  ])('%s fails with 1007', async (_name, bytes) => {
    await expectFail([clientFrame({ opcode: Opcode.Text, payload: hex(`61 ${bytes}`) })], 1007);
  });
});

describe('7 closing', () => {
  it('a close with a 123-byte reason is answered with the code', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(closeFrame(1000, 'r'.repeat(123)));
    expect(closeCode(await raw.closeFrame())).toBe(1000);
    await raw.waitClosed();
  });

  it('a close with a 124-byte reason (payload 126) fails with 1002', async () => {
    await expectFail([clientFrame({ opcode: Opcode.Close, payload: new Uint8Array([0x03, 0xe8, ...new Uint8Array(124).fill(0x72)]) })], 1002);
  });

  it('a ping after the close frame gets no pong', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat([closeFrame(1000), clientFrame({ opcode: Opcode.Ping, payload: utf8('late') })]));
    expect((await raw.nextFrame()).opcode).toBe(Opcode.Close);
    await raw.waitClosed();
    expect(raw.frames).toHaveLength(0);
  });

  it('a close in the middle of a fragmented message is answered', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat([clientFrame({ opcode: Opcode.Text, fin: false, payload: utf8('half') }), closeFrame(1000)]));
    expect(closeCode(await raw.closeFrame())).toBe(1000);
    await raw.waitClosed();
  });
});

describe('9 limits', () => {
  it('a 4 MiB text message in one frame, chopped into 64 KiB writes', async () => {
    const text = utf8('a'.repeat(4 * 1024 * 1024));
    (await expectEcho([clientFrame({ opcode: Opcode.Text, payload: text })], Opcode.Text, text, 65536)).destroy();
  });

  it('1,000 small messages in one write come back in order', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(Buffer.concat(Array.from({ length: 1000 }, (_, i) => clientFrame({ opcode: Opcode.Binary, payload: utf8(String(i)) }))));
    for (let i = 0; i < 1000; i++) expect(Buffer.from((await raw.nextFrame()).payload).toString()).toBe(String(i));
    raw.destroy();
  });
});
