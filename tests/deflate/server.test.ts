/**
 * The server with permessage-deflate, against `ws` (with perMessageDeflate) as the independent
 * peer, both directions, every parameter the client can offer; raw TCP for what ws would never
 * send: RSV1 where it is not allowed, bytes that do not inflate, a zip bomb.
 */
import net, { type Socket } from 'node:net';
import zlib from 'node:zlib';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { decodeFrames, Opcode, type Frame } from '../../src/protocol';
import { clientFrame, closeCode, nextMessage, openWs, RawClient, startServer, upgradeRequest, wsClosed, type Running } from '../server/helpers';

let on: Running;
let off: Running;

beforeAll(async () => {
  on = await startServer({ deflate: true });
  off = await startServer();
});
afterAll(async () => {
  await on.stop();
  await off.stop();
});

/** Deterministic text that compresses some but not to nothing. */
function sample(length: number, seed: number): string {
  const words = ['frame', 'mask', 'opcode', 'payload', 'deflate', 'window', 'RSV1', 'Hello', 'étude', '漢字'];
  let out = '';
  let x = seed;
  while (out.length < length) {
    x = (x * 1103515245 + 12345) >>> 0;
    out += `${words[x % words.length]}${x % 7 === 0 ? '\n' : ' '}`;
  }
  return out.slice(0, length);
}

type Offer = { serverNoContextTakeover?: boolean; clientNoContextTakeover?: boolean; serverMaxWindowBits?: number; clientMaxWindowBits?: number | true };

const COMBINATIONS: Offer[] = [
  {},
  { serverNoContextTakeover: true },
  { clientNoContextTakeover: true },
  { serverNoContextTakeover: true, clientNoContextTakeover: true },
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((bits) => ({ serverMaxWindowBits: bits })),
  ...[8, 9, 12, 15].map((bits) => ({ clientMaxWindowBits: bits })),
  { clientMaxWindowBits: true },
  { serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 8, clientMaxWindowBits: 8 },
];

describe('ws with perMessageDeflate, every parameter combination: echoes come back in order, compressed both ways', () => {
  test.each(COMBINATIONS.map((offer) => [JSON.stringify(offer), offer] as const))('%s', async (_name, offer) => {
    let agreed = '';
    const ws = await openWs(on.url('/echo'), { perMessageDeflate: { threshold: 0, ...offer } as WebSocket.PerMessageDeflateOptions }, (socket) =>
      socket.on('upgrade', (res) => (agreed = String(res.headers['sec-websocket-extensions']))),
    );
    expect(agreed).toMatch(/^permessage-deflate/);
    if (offer.clientNoContextTakeover) expect(agreed).toContain('client_no_context_takeover');
    if (typeof offer.clientMaxWindowBits === 'number') expect(agreed).toContain(`client_max_window_bits=${offer.clientMaxWindowBits}`);
    if (offer.serverNoContextTakeover) expect(agreed).toContain('server_no_context_takeover');
    if (offer.serverMaxWindowBits) expect(agreed).toContain(`server_max_window_bits=${offer.serverMaxWindowBits}`);
    // The frames the server writes are compressed: ws's receiver sees RSV1 (it would fail a frame it could not inflate).
    const rsv1: boolean[] = [];
    const socket = (ws as unknown as { _socket: Socket })._socket;
    socket.prependListener('data', (chunk: Buffer) => rsv1.push((chunk[0]! & 0x40) !== 0));
    const messages = [sample(5, 1), sample(300, 2), sample(300, 2), sample(70_000, 3), '', sample(1000, 4), sample(40_000, 5)];
    const received: string[] = [];
    const done = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        received.push(String(data));
        if (received.length === messages.length) resolve();
      });
    });
    for (const m of messages) ws.send(m);
    // A binary message too, and one sent in fragments by ws (fin false, then the rest).
    await done;
    expect(received).toEqual(messages);
    expect(rsv1[0]).toBe(true);
    const bytes = Buffer.from(sample(20_000, 9));
    ws.send(bytes.subarray(0, 7000), { binary: true, fin: false });
    ws.send(bytes.subarray(7000), { binary: true, fin: true });
    const back = await nextMessage(ws);
    expect(back.binary).toBe(true);
    expect(Buffer.compare(back.data, bytes)).toBe(0);
    ws.close(1000);
    expect((await wsClosed(ws)).code).toBe(1000);
  });
});

describe('who gets permessage-deflate', () => {
  test('a server without --deflate declines, unless the URL asks (?deflate); ?deflate=0 opts out', async () => {
    const plain = await openWs(off.url('/echo'), { perMessageDeflate: {} });
    expect(plain.extensions).toBe('');
    plain.close();
    const asked = await openWs(off.url('/echo?deflate'), { perMessageDeflate: { threshold: 0 } });
    expect(asked.extensions).toBe('permessage-deflate');
    asked.send('Hello');
    expect(String((await nextMessage(asked)).data)).toBe('Hello');
    asked.close();
    const optedOut = await openWs(on.url('/echo?deflate=0'), { perMessageDeflate: {} });
    expect(optedOut.extensions).toBe('');
    optedOut.close();
  });

  test("Python websockets' offer (permessage-deflate; client_max_window_bits) negotiates", async () => {
    const client = await RawClient.connect(on.port);
    client.write(upgradeRequest('/echo', { 'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits' }, on.port));
    const head = await client.readHead();
    expect(head.status).toBe(101);
    expect(head.headers['sec-websocket-extensions']).toBe('permessage-deflate');
    client.destroy();
  });

  test('a bad offer is declined and the connection opens without compression', async () => {
    const client = await RawClient.connect(on.port);
    client.write(upgradeRequest('/echo', { 'Sec-WebSocket-Extensions': 'permessage-deflate; server_max_window_bits=7' }, on.port));
    const head = await client.readHead();
    expect(head.status).toBe(101);
    expect(head.headers['sec-websocket-extensions']).toBeUndefined();
    // RSV1 now means nothing: a 1002.
    client.write(clientFrame({ opcode: Opcode.Text, rsv1: true, payload: new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]) }));
    expect(closeCode(await client.closeFrame())).toBe(1002);
    client.destroy();
  });
});

/** A raw client that negotiated permessage-deflate. */
async function rawDeflate(server: Running): Promise<RawClient> {
  const client = await RawClient.connect(server.port);
  client.write(upgradeRequest('/echo', { 'Sec-WebSocket-Extensions': 'permessage-deflate' }, server.port));
  const head = await client.readHead();
  expect(head.headers['sec-websocket-extensions']).toBe('permessage-deflate');
  return client;
}

describe('faults with permessage-deflate', () => {
  const HELLO = new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);

  test.each([
    ['RSV1 on a ping: 1002', [{ opcode: Opcode.Ping, rsv1: true }], 1002],
    ['RSV1 on a continuation frame: 1002', [{ opcode: Opcode.Text, fin: false, rsv1: true, payload: HELLO.subarray(0, 3) }, { opcode: Opcode.Continuation, rsv1: true, payload: HELLO.subarray(3) }], 1002],
    ['bytes that do not inflate: 1007', [{ opcode: Opcode.Text, rsv1: true, payload: new Uint8Array([0xff, 0xff, 0xff, 0xff]) }], 1007],
    ['inflated text that is not UTF-8: 1007', [{ opcode: Opcode.Text, rsv1: true, payload: zlib.deflateRawSync(Buffer.from([0x48, 0xc3, 0x28]), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4) }], 1007],
  ] as const)('%s', async (_name, frames, code) => {
    const client = await rawDeflate(on);
    for (const spec of frames) client.write(clientFrame(spec));
    expect(closeCode(await client.closeFrame())).toBe(code);
    client.destroy();
  });

  test('RSV1 without negotiation: 1002', async () => {
    const client = await RawClient.open(off.port);
    client.write(clientFrame({ opcode: Opcode.Text, rsv1: true, payload: HELLO }));
    expect(closeCode(await client.closeFrame())).toBe(1002);
    client.destroy();
  });

  test('a 100 KiB zip bomb (inflating to 100 MiB) is refused with 1009, found while inflating; memory stays near the limit; the server stays up', async () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(100 * 1024 * 1024), { level: 9, finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
    expect(bomb.length).toBeLessThan(110 * 1024);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().arrayBuffers)), 1);
    const client = await rawDeflate(on);
    client.write(clientFrame({ opcode: Opcode.Binary, rsv1: true, payload: bomb }));
    const close = await client.closeFrame(10_000);
    clearInterval(sampler);
    expect(closeCode(close)).toBe(1009);
    // The server's limit is 16 MiB: inflating stops one 16 KiB chunk past it, and keeps none of it.
    expect(peak - before).toBeLessThan(40 * 1024 * 1024);
    client.destroy();
    const ws = await openWs(on.url('/echo'), { perMessageDeflate: { threshold: 0 } });
    ws.send('still here');
    expect(String((await nextMessage(ws)).data)).toBe('still here');
    ws.close();
  });
});

describe('order with asynchronous zlib', () => {
  test('a large message then a close at once: the compressed echo goes out before the server\u2019s Close frame', async () => {
    const ws = await openWs(on.url('/echo'), { perMessageDeflate: { threshold: 0 } });
    const big = sample(2 * 1024 * 1024, 7);
    const got: string[] = [];
    ws.on('message', (d) => got.push(String(d)));
    ws.send(big);
    ws.send('after');
    ws.close(1000, 'bye');
    const closed = await wsClosed(ws, 10_000);
    expect(closed.code).toBe(1000);
    expect(got).toEqual([big, 'after']);
  });

  test('a ping between compressed messages is answered in its place: echo, pong, echo', async () => {
    const socket = net.connect({ port: on.port, host: '127.0.0.1' });
    await new Promise((resolve) => socket.once('connect', resolve));
    let received = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
    socket.write(upgradeRequest('/echo', { 'Sec-WebSocket-Extensions': 'permessage-deflate' }, on.port));
    const hello = new Uint8Array([0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00]);
    socket.write(
      Buffer.concat([
        clientFrame({ opcode: Opcode.Text, rsv1: true, payload: hello }),
        clientFrame({ opcode: Opcode.Ping, payload: new Uint8Array([1, 2]) }),
        clientFrame({ opcode: Opcode.Text, rsv1: true, payload: new Uint8Array([0xf2, 0x00, 0x11, 0x00, 0x00]) }),
      ]),
    );
    const frames = async (): Promise<Frame[]> => {
      const head = received.indexOf('\r\n\r\n');
      return head === -1 ? [] : decodeFrames(received.subarray(head + 4), { sender: 'server', perMessageCompressed: true }).frames;
    };
    const deadline = Date.now() + 5000;
    while ((await frames()).length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const got = await frames();
    expect(got.map((f) => [f.opcode, f.rsv1])).toEqual([
      [Opcode.Text, true],
      [Opcode.Pong, false],
      [Opcode.Text, true],
    ]);
    // The second echo points back at the first: 5 bytes, as RFC 7692 §7.2.3.2.
    expect(got[2]!.payloadLength).toBe(5);
    socket.destroy();
  });
});

describe('Autobahn 12.x/13.x style: many compressed messages of each size, in order', () => {
  test.each([
    [{ serverMaxWindowBits: 9, clientMaxWindowBits: 9 }, 64],
    [{ serverNoContextTakeover: true, clientNoContextTakeover: true }, 4096],
    [{}, 131072],
  ] as const)('%j, %d-byte messages', async (offer, size) => {
    const ws = await openWs(on.url('/echo'), { perMessageDeflate: { threshold: 0, ...offer } });
    const count = size > 10_000 ? 20 : 200;
    const sent = Array.from({ length: count }, (_, i) => sample(size, i + 1));
    const got: string[] = [];
    const all = new Promise<void>((resolve) => ws.on('message', (d) => got.push(String(d)) === count && resolve()));
    for (const m of sent) ws.send(m);
    await all;
    expect(got).toEqual(sent);
    ws.close();
  });
});

test('the inspector reports each compressed message: wire bytes and inflated bytes, both ways', async () => {
  const inspector = new WebSocket(on.url('/inspect?session=deflate-tap'));
  const reports: { type: string; direction?: string; wireLength?: number; length?: number; data?: string }[] = [];
  inspector.on('message', (d) => reports.push(JSON.parse(String(d))));
  await new Promise((resolve) => inspector.once('open', resolve));
  const ws = await openWs(on.url('/echo?session=deflate-tap'), { perMessageDeflate: { threshold: 0 } });
  ws.send('Hello');
  await nextMessage(ws);
  ws.send('Hello');
  await nextMessage(ws);
  const deadline = Date.now() + 3000;
  while (reports.filter((r) => r.type === 'inflated').length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const inflated = reports.filter((r) => r.type === 'inflated');
  expect(inflated.map((r) => [r.direction, r.length, Buffer.from(r.data!, 'hex').toString()])).toEqual([
    ['in', 5, 'Hello'],
    ['out', 5, 'Hello'],
    ['in', 5, 'Hello'],
    ['out', 5, 'Hello'],
  ]);
  // Context takeover: the second "Hello" from the server is 5 bytes on the wire, not 7 (RFC 7692 §7.2.3.2).
  expect(inflated.filter((r) => r.direction === 'out').map((r) => r.wireLength)).toEqual([7, 5]);
  const open = reports.find((r) => r.type === 'open') as unknown as { deflate: { response: string; offers: { accepted: boolean }[] } };
  // ws offers "permessage-deflate; client_max_window_bits"; this server sets no limit, so none is answered.
  expect(open.deflate.response).toBe('permessage-deflate');
  expect(open.deflate.offers.map((o) => o.accepted)).toEqual([true]);
  ws.close();
  inspector.close();
});
