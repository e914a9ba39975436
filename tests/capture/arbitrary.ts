/**
 * Framescope captures made up for property tests: connections whose events look like what the
 * inspector reports (valid frames both ways, the client's masked, reads that cut the client's
 * stream anywhere, a close), built with the codec's encoder.
 */
import fc from 'fast-check';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureConnection, type CaptureEvent, type CaptureFile } from '../../src/capture';
import { acceptValue } from '../../src/capture/accept';
import { hexOf } from '../../src/capture/bytes';
import { encodeFrame, Opcode, type FrameSpec } from '../../src/protocol';

const enc = new TextEncoder();

/** A message as frames: text or binary, maybe in fragments; or a control frame. */
const messageArb: fc.Arbitrary<FrameSpec[]> = fc.oneof(
  fc.tuple(fc.constantFrom(Opcode.Text, Opcode.Binary), fc.string({ maxLength: 40 }), fc.integer({ min: 1, max: 3 })).map(([opcode, s, parts]) => {
    const payload = enc.encode(s);
    if (parts === 1 || opcode === Opcode.Text) return [{ opcode, payload }];
    const cut = Math.floor(payload.length / 2);
    return [
      { opcode, payload: payload.subarray(0, cut), fin: false },
      { opcode: Opcode.Continuation, payload: payload.subarray(cut) },
    ];
  }),
  fc.tuple(fc.constantFrom(65535, 65536, 126, 125), fc.nat(255)).map(([n, b]) => [{ opcode: Opcode.Binary, payload: new Uint8Array(n).fill(b) }]),
  fc.tuple(fc.constantFrom(Opcode.Ping, Opcode.Pong), fc.uint8Array({ maxLength: 125 })).map(([opcode, payload]) => [{ opcode, payload }]),
);

const keyArb = fc.uint8Array({ minLength: 4, maxLength: 4 });

interface Made {
  frames: FrameSpec[];
  keys: Uint8Array[];
}

export const connectionArb: fc.Arbitrary<CaptureConnection> = fc
  .record({
    id: fc.integer({ min: 1, max: 1000 }),
    cport: fc.integer({ min: 1024, max: 65535 }),
    v6: fc.boolean(),
    key: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    inbound: fc.array(messageArb, { maxLength: 6 }),
    outbound: fc.array(messageArb, { maxLength: 6 }),
    keys: fc.array(keyArb, { minLength: 20, maxLength: 20 }),
    cuts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }),
    closed: fc.boolean(),
    t: fc.double({ min: 0, max: 1e6, noNaN: true }),
  })
  .map((r): CaptureConnection => {
    const inbound: Made = { frames: r.inbound.flat(), keys: r.keys };
    const key = btoa(String.fromCharCode(...r.key));
    const head = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptValue(key)}\r\n\r\n`;
    const wall = 1_765_000_000_000 + r.t;
    const events: CaptureEvent[] = [];
    let t = r.t;
    // The client's frames, and reads that cut its stream into pieces of `cuts` sizes.
    const wire = inbound.frames.map((spec, i) => encodeFrame({ ...spec, maskingKey: inbound.keys[i % inbound.keys.length]! }, (n) => new Uint8Array(n)));
    const total = wire.reduce((n, w) => n + w.length, 0);
    const ends: number[] = [];
    let off = 0;
    for (const w of wire) ends.push((off += w.length));
    let read = 0;
    let cut = 0;
    let frame = 0;
    let frameOffset = 0;
    while (read < total) {
      const size = Math.min(total - read, r.cuts[cut++ % r.cuts.length]! * (cut % 5 === 0 ? 997 : 1));
      t += 0.25;
      events.push({ type: 'read', t, offset: read, size, boundaries: ends.filter((e) => e > read && e <= read + size).map((e) => e - read) });
      read += size;
      while (frame < wire.length && ends[frame]! <= read) {
        const w = wire[frame]!;
        const spec = inbound.frames[frame]!;
        events.push(frameEvent('in', t + 0.01, frameOffset, w, spec));
        frameOffset += w.length;
        frame++;
      }
    }
    let outOffset = 0;
    for (const spec of r.outbound.flat()) {
      const w = encodeFrame(spec, (n) => new Uint8Array(n));
      t += 0.5;
      events.push(frameEvent('out', t, outOffset, w, spec));
      outOffset += w.length;
    }
    if (r.closed) {
      t += 1;
      events.push({ type: 'closed', t, code: 1006, reason: '', wasClean: false, initiator: null, cause: null, duration: t - r.t, framesIn: wire.length, framesOut: 0, bytesIn: total, bytesOut: outOffset });
    }
    return {
      connection: r.id,
      path: '/echo',
      session: null,
      client: r.v6 ? `[::1]:${r.cport}` : `127.0.0.1:${r.cport}`,
      server: null,
      t: r.t,
      wall,
      request: {
        method: 'GET',
        url: '/echo',
        httpVersion: '1.1',
        headers: [`Host: ${r.v6 ? '[::1]' : '127.0.0.1'}:8008`, 'Upgrade: websocket', 'Connection: Upgrade', `Sec-WebSocket-Key: ${key}`, 'Sec-WebSocket-Version: 13'],
      },
      response: { status: 101, head },
      events,
    };
  });

function frameEvent(direction: 'in' | 'out', t: number, offset: number, w: Uint8Array, spec: FrameSpec): CaptureEvent {
  const length = spec.payload?.length ?? 0;
  return {
    type: 'frame',
    t,
    direction,
    offset,
    size: w.length,
    opcode: spec.opcode,
    fin: spec.fin ?? true,
    masked: direction === 'in',
    payloadLength: length,
    headerLength: w.length - length,
    bytes: hexOf(w),
    truncated: false,
  };
}

export const captureArb: fc.Arbitrary<CaptureFile> = fc
  .record({
    connections: fc.array(connectionArb, { minLength: 1, maxLength: 3 }),
    name: fc.option(fc.string({ maxLength: 20 }), { nil: null }),
  })
  .map(({ connections, name }) => ({
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    savedAt: 1_765_000_100_000,
    name,
    source: 'test',
    // Distinct client ports: one TCP connection each.
    connections: connections.map((c, i) => ({ ...c, connection: i + 1, client: c.client.replace(/:\d+$/, `:${40000 + i}`) })),
  }));
