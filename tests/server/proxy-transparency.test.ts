/**
 * The proxy is transparent: whatever the browser's side sends after the handshake is exactly what
 * the target receives, and the reverse, for any frames (well-formed or broken) and any way TCP cuts
 * them. Property tests over random frame sequences and chunkings, through a real /proxy on
 * 127.0.0.1 to a raw target; and the handshake itself goes through with only the request target
 * and Host rewritten.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeFrame, Opcode, type FrameSpec } from '../../src/protocol';
import { KEY, pattern, startServer, type Running } from './helpers';
import { Browser, switching, Target, until, watch } from './proxy-helpers';

/** A frame either side might send: any opcode, masked or not, any RSV bits, short or long payloads. */
const frameSpec = (masked: boolean): fc.Arbitrary<FrameSpec> =>
  fc.record({
    opcode: fc.constantFrom(Opcode.Text, Opcode.Binary, Opcode.Continuation, Opcode.Ping, Opcode.Pong, 0x3, 0xb),
    fin: fc.boolean(),
    rsv1: fc.boolean(),
    // Short payloads, and long ones in the 16- and 64-bit length forms (fast-check keeps arrays small by itself).
    payload: fc.oneof(
      fc.uint8Array({ maxLength: 130 }),
      fc.tuple(fc.integer({ min: 126, max: 70_000 }), fc.integer({ min: 1 })).map(([length, seed]) => pattern(length, seed)),
    ),
    maskingKey: masked ? fc.uint8Array({ minLength: 4, maxLength: 4 }) : fc.constant(undefined),
  }) as fc.Arbitrary<FrameSpec>;

/** A stream: encoded frames, sometimes with garbage between them. */
const stream = (masked: boolean): fc.Arbitrary<Uint8Array> =>
  fc
    .array(fc.oneof({ weight: 4, arbitrary: frameSpec(masked).map((spec) => encodeFrame(spec)) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 40 }) }), {
      minLength: 1,
      maxLength: 8,
    })
    .map((parts) => Buffer.concat(parts));

/** Cut `bytes` at these fractions. */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => Math.floor(c * bytes.length)))].filter((p) => p > 0 && p < bytes.length).sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    out.push(bytes.subarray(at, p));
    at = p;
  }
  return out;
}

async function writeChunks(write: (b: Uint8Array) => Promise<void>, chunks: Uint8Array[]): Promise<void> {
  for (const c of chunks) {
    await write(c);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('the proxy relays every byte verbatim', () => {
  let s: Running;
  let target: Target;
  beforeAll(async () => {
    s = await startServer();
    target = await new Target('websocket').listen();
  });
  afterAll(async () => {
    await s.stop();
    await target.close();
  });

  it('passes the browser request through with only the request target and Host rewritten', async () => {
    const browser = await Browser.open(s.port, target.url('/chat?room=7'), 'hs1', { 'Sec-WebSocket-Protocol': 'chat, superchat', Cookie: 'a=b' });
    const { status } = await browser.head();
    expect(status).toBe(101);
    const head = target.peers.at(-1)!.head;
    const lines = head.split('\r\n');
    expect(lines[0]).toBe('GET /chat?room=7 HTTP/1.1');
    expect(lines).toContain(`Host: 127.0.0.1:${target.port}`);
    expect(lines).toContain(`Sec-WebSocket-Key: ${KEY}`);
    expect(lines).toContain('Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits');
    expect(lines).toContain('Sec-WebSocket-Protocol: chat, superchat');
    expect(lines).toContain(`Origin: http://127.0.0.1:${s.port}`);
    expect(lines).toContain('Cookie: a=b');
    expect(head).not.toContain('session=');
    browser.destroy();
  });

  it('relays the target\'s response head byte for byte, and what follows it in the same write', async () => {
    const odd = new Target((peer, request) => {
      // An unusual but valid 101: header order, case and extra headers are the target's business.
      peer.socket.write(Buffer.concat([Buffer.from(switching(request, 'X-Student: yes\r\nserver: tiny\r\n'), 'latin1'), Buffer.from([0x81, 0x02, 0x68, 0x69])]));
    });
    await odd.listen();
    try {
      const browser = await Browser.open(s.port, odd.url('/'));
      const { head } = await browser.head();
      expect(head).toBe(switching(odd.peers[0]!.head, 'X-Student: yes\r\nserver: tiny\r\n'));
      await until(() => browser.after().length === 4, 3000, 'the frame');
      expect([...browser.after()]).toEqual([0x81, 0x02, 0x68, 0x69]);
      browser.destroy();
    } finally {
      await odd.close();
    }
  });

  it('property: any frames, any chunking, both ways: the other side receives exactly the bytes sent', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(stream(true), stream(false), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 6 }), async (up, down, cutsUp, cutsDown) => {
        const path = `/run${n++}`;
        const browser = await Browser.open(s.port, target.url(path), 'transparency');
        await browser.head();
        const peer = await target.peer(path);
        const send = (b: Uint8Array): Promise<void> => new Promise((resolve) => peer.socket.write(b, () => resolve()));
        await Promise.all([writeChunks((b) => browser.write(b), chunk(up, cutsUp)), writeChunks(send, chunk(down, cutsDown))]);
        await until(() => peer.received.length >= up.length && browser.after().length >= down.length, 2000, 'the bytes to arrive');
        expect(Buffer.compare(peer.received, Buffer.from(up))).toBe(0);
        expect(Buffer.compare(browser.after(), Buffer.from(down))).toBe(0);
        browser.destroy();
        peer.socket.destroy();
      }),
      { numRuns: 30, endOnFailure: true },
    );
  }, 60_000);

  it('relays verbatim while watched, and the tap reports the exact bytes of each frame', async () => {
    const watcher = await watch(s.port, 'watched');
    const browser = await Browser.open(s.port, target.url('/watched'), 'watched');
    await browser.head();
    const peer = await target.peer('/watched');
    const frames = [encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('one') }), encodeFrame({ opcode: Opcode.Binary, payload: new Uint8Array(300).fill(7) })];
    // Both frames in one write, then a byte at a time.
    peer.socket.write(Buffer.concat(frames));
    const first = await watcher.find((m) => m.type === 'read' && m.direction === 'out' && m.offset === 0);
    const third = encodeFrame({ opcode: Opcode.Text, payload: new TextEncoder().encode('three') });
    for (const byte of third) await new Promise<void>((resolve) => peer.socket.write(new Uint8Array([byte]), () => resolve()));
    const all = Buffer.concat([...frames, third]);
    await until(() => browser.after().length === all.length, 3000, 'the bytes');
    expect(Buffer.compare(browser.after(), all)).toBe(0);
    const out = await until(() => {
      const list = watcher.messages.filter((m) => m.type === 'frame' && m.direction === 'out');
      return list.length === 3 ? list : null;
    }, 3000, 'three frames reported');
    expect(out.map((m) => m.bytes)).toEqual([...frames, third].map((f) => Buffer.from(f).toString('hex')));
    expect(out.map((m) => m.offset)).toEqual([0, frames[0]!.length, frames[0]!.length + frames[1]!.length]);
    // The first read held both frames: a boundary inside it and one at its end.
    expect(first).toMatchObject({ offset: 0, size: frames[0]!.length + frames[1]!.length, boundaries: [frames[0]!.length, frames[0]!.length + frames[1]!.length] });
    watcher.close();
    browser.destroy();
  });
});
