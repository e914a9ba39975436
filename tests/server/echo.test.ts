/**
 * /echo: every message back with its type, at every payload length form, however the client
 * splits or fragments it, nothing lost or reordered.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Opcode } from '../../src/protocol';
import {
  clientFrame,
  closeCode,
  closeFrame,
  nextMessage,
  openWs,
  pattern,
  RawClient,
  startServer,
  wsClosed,
  type Running,
} from './helpers';

let s: Running;
beforeAll(async () => {
  s = await startServer();
});
afterAll(async () => {
  await s.stop();
});

const MiB = 1024 * 1024;

describe('/echo with a ws client', () => {
  it.each([0, 125, 126, 65535, 65536])('echoes text and binary of %i bytes with their type', async (size) => {
    const ws = await openWs(s.url('/echo'));
    const binary = Buffer.from(pattern(size, size + 1));
    const text = 'é'.repeat(Math.floor(size / 2)) + 'x'.repeat(size % 2);
    expect(Buffer.byteLength(text)).toBe(size);

    const first = nextMessage(ws);
    ws.send(binary);
    const b = await first;
    expect(b.binary).toBe(true);
    expect(b.data.equals(binary)).toBe(true);

    const second = nextMessage(ws);
    ws.send(text);
    const t = await second;
    expect(t.binary).toBe(false);
    expect(t.data.toString('utf8')).toBe(text);
    ws.close(1000);
    expect((await wsClosed(ws)).code).toBe(1000);
  });

  it('echoes a 16 MiB binary and a 16 MiB text message (the default limit, exactly)', async () => {
    const ws = await openWs(s.url('/echo'));
    const binary = Buffer.from(pattern(16 * MiB, 7));
    const got = nextMessage(ws, 20_000);
    ws.send(binary);
    const b = await got;
    expect(b.binary).toBe(true);
    expect(b.data.length).toBe(16 * MiB);
    expect(b.data.equals(binary)).toBe(true);

    const text = 'a'.repeat(16 * MiB);
    const got2 = nextMessage(ws, 20_000);
    ws.send(text);
    const t = await got2;
    expect(t.binary).toBe(false);
    expect(t.data.length).toBe(16 * MiB);
    expect(t.data.toString('latin1') === text).toBe(true);
    ws.close();
    await wsClosed(ws);
  }, 30_000);

  it('echoes a fragmented message as one frame (ws fragments with fin: false)', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(clientFrame({ opcode: Opcode.Text, fin: false, payload: Buffer.from('Hel') }));
    raw.write(clientFrame({ opcode: Opcode.Continuation, fin: false, payload: Buffer.from('lo, ') }));
    raw.write(clientFrame({ opcode: Opcode.Continuation, fin: true, payload: Buffer.from('world') }));
    const frame = await raw.nextFrame();
    expect(frame.opcode).toBe(Opcode.Text);
    expect(frame.fin).toBe(true);
    expect(frame.masked).toBe(false);
    expect(Buffer.from(frame.payload).toString()).toBe('Hello, world');
    raw.destroy();
  });

  it('nothing lost: 10,000 messages of mixed sizes come back byte-exact and in order', async () => {
    const ws = await openWs(s.url('/echo'));
    const sizes: number[] = [];
    let seed = 12345;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed;
    };
    for (let i = 0; i < 10_000; i++) {
      const r = rand() % 100;
      sizes.push(r < 60 ? rand() % 126 : r < 90 ? 126 + (rand() % 4000) : r < 99 ? 4096 + (rand() % 61440) : 65536 + (rand() % 70000));
    }
    const sent: Buffer[] = sizes.map((size, i) => {
      const b = Buffer.from(pattern(Math.max(size, 4), i + 1)).subarray(0, size);
      if (size >= 4) b.writeUInt32BE(i, 0);
      return b;
    });
    const received: Buffer[] = [];
    const done = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${received.length} echoes`)), 30_000);
      ws.on('message', (data, binary) => {
        received.push(Buffer.from(data as Buffer));
        if (!binary && (data as Buffer).length > 0) reject(new Error('type changed'));
        if (received.length === sent.length) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    for (const b of sent) ws.send(b, { binary: true });
    await done;
    let mismatches = 0;
    for (let i = 0; i < sent.length; i++) if (!sent[i]!.equals(received[i]!)) mismatches++;
    expect(mismatches).toBe(0);
    ws.close();
    await wsClosed(ws);
  }, 40_000);
});

describe('/echo with a raw client', () => {
  it('reads frames written one byte at a time (header, length, key and payload all split)', async () => {
    const raw = await RawClient.open(s.port);
    const payload = pattern(300, 3);
    await raw.writeBytewise(clientFrame({ opcode: Opcode.Binary, payload }));
    await raw.writeBytewise(clientFrame({ opcode: Opcode.Text, payload: Buffer.from('tiny') }));
    const a = await raw.nextFrame();
    expect(a.opcode).toBe(Opcode.Binary);
    expect(a.lengthForm).toBe(16);
    expect(Buffer.from(a.payload).equals(Buffer.from(payload))).toBe(true);
    const b = await raw.nextFrame();
    expect(Buffer.from(b.payload).toString()).toBe('tiny');
    raw.destroy();
  });

  it('answers pings sent between the fragments of a message, then echoes the message', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(clientFrame({ opcode: Opcode.Text, fin: false, payload: Buffer.from('frag') }));
    raw.write(clientFrame({ opcode: Opcode.Ping, payload: Buffer.from('p1') }));
    raw.write(clientFrame({ opcode: Opcode.Continuation, fin: false, payload: Buffer.from('men') }));
    raw.write(clientFrame({ opcode: Opcode.Ping, payload: Buffer.from('p2') }));
    raw.write(clientFrame({ opcode: Opcode.Pong, payload: Buffer.from('unsolicited') })); // ignored
    raw.write(clientFrame({ opcode: Opcode.Continuation, fin: true, payload: Buffer.from('ted') }));
    const frames = [await raw.nextFrame(), await raw.nextFrame(), await raw.nextFrame()];
    expect(frames.map((f) => [f.opcode, Buffer.from(f.payload).toString()])).toEqual([
      [Opcode.Pong, 'p1'],
      [Opcode.Pong, 'p2'],
      [Opcode.Text, 'fragmented'],
    ]);
    raw.destroy();
  });

  it('echoes many frames written in one TCP write, in order', async () => {
    const raw = await RawClient.open(s.port);
    const batch = Buffer.concat(Array.from({ length: 50 }, (_, i) => clientFrame({ opcode: Opcode.Text, payload: Buffer.from(`m${i}`) })));
    raw.write(batch);
    for (let i = 0; i < 50; i++) expect(Buffer.from((await raw.nextFrame()).payload).toString()).toBe(`m${i}`);
    raw.destroy();
  });

  it('sends its close frame back and closes TCP first when the client closes', async () => {
    const raw = await RawClient.open(s.port);
    raw.write(closeFrame(1000, 'done'));
    const frame = await raw.closeFrame();
    expect(closeCode(frame)).toBe(1000);
    await raw.waitClosed();
    expect(raw.ended).toBe(true);
  });
});
