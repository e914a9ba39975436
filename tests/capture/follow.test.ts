/**
 * Following TCP streams to WebSocket frames: segments out of order, retransmitted, overlapping,
 * sequence numbers that wrap, a RST, ports used again; the handshake found (or refused, or not
 * WebSocket at all), frames decoded by the codec both ways with its faults, messages assembled,
 * and permessage-deflate inflated through the caller's hook with and without context takeover.
 */
import { constants, deflateRawSync, inflateRawSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { importCapture, type CaptureReport, type InflaterFactory } from '../../src/capture';
import { nodeInflater } from '../../src/cli/inflate';
import { Opcode } from '../../src/protocol';
import {
  ACK,
  cat,
  conversation,
  masked,
  pcapngFile,
  records,
  RST,
  unmasked,
  upgradeRequest,
  upgradeResponse,
  type Seg,
} from './build';

const enc = new TextEncoder();
const text = (s: string, fin = true): Uint8Array => masked({ opcode: Opcode.Text, payload: enc.encode(s), fin });
const cont = (s: string, fin = true): Uint8Array => masked({ opcode: Opcode.Continuation, payload: enc.encode(s), fin });
const serverText = (s: string): Uint8Array => unmasked({ opcode: Opcode.Text, payload: enc.encode(s) });

function file(segs: Seg[]): Uint8Array {
  return pcapngFile([{ interfaces: [{ linkType: 1 }], packets: records(segs) }]);
}

function frames(report: CaptureReport, i = 0): string[] {
  return (report.connections[i]?.frames ?? []).map((f) => `${f.dir} ${f.frame.opcode} ${new TextDecoder().decode(f.frame.payload)}`);
}

/** A conversation whose client data is cut into segments of `sizes`; then server answer, then FINs. */
function chopped(clientBytes: Uint8Array, sizes: number[]): Seg[] {
  const blocks: { from: 'client' | 'server'; bytes: Uint8Array }[] = [
    { from: 'client', bytes: upgradeRequest(8080) },
    { from: 'server', bytes: upgradeResponse() },
  ];
  let at = 0;
  for (const size of sizes) {
    if (at >= clientBytes.length) break;
    blocks.push({ from: 'client', bytes: clientBytes.subarray(at, at + size) });
    at += size;
  }
  if (at < clientBytes.length) blocks.push({ from: 'client', bytes: clientBytes.subarray(at) });
  blocks.push({ from: 'server', bytes: serverText('ok') });
  return conversation(blocks);
}

describe('TCP reassembly', () => {
  const data = cat(text('one'), text('two'), text('three'), text('frag', false), cont('ment'));
  const expected = ['c2s 1 one', 'c2s 1 two', 'c2s 1 three', 'c2s 1 frag', 'c2s 0 ment', 's2c 1 ok'];

  test('segments in order, one byte each, across sequence-number wraparound', () => {
    const segs = chopped(data, Array<number>(data.length).fill(1));
    expect(segs.some((s) => s.seq < 0x1000) && segs.some((s) => s.seq > 0xffff_0000)).toBe(true);
    expect(frames(importCapture(file(segs)))).toEqual(expected);
  });

  test('any order, with duplicates and overlapping retransmissions: the same frames (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 12 }),
        fc.array(fc.nat(), { minLength: 30, maxLength: 30 }),
        fc.array(fc.nat(40), { maxLength: 6 }),
        (sizes, order, dupes) => {
          const segs = chopped(data, sizes);
          // Shuffle the client's data segments (between the 101 and the server's answer) and add retransmissions.
          const head = segs.slice(0, 5);
          const body = segs.slice(5, -4);
          const tail = segs.slice(-4);
          const shuffled = body.map((s, i) => ({ s, k: order[i % order.length]! * 100 + i })).sort((a, b) => a.k - b.k).map(({ s }) => s);
          for (const d of dupes) {
            const s = body[d % body.length];
            if (s?.payload) {
              // A retransmission that overlaps its neighbour: same bytes, starting one byte earlier when it can.
              const at = body.indexOf(s);
              const before = at > 0 ? body[at - 1]! : null;
              if (before?.payload && before.payload.length > 0) {
                shuffled.push({ ...s, seq: (s.seq - 1) >>> 0, payload: cat(before.payload.subarray(-1), s.payload) });
              } else shuffled.push(s);
            }
          }
          expect(frames(importCapture(file([...head, ...shuffled, ...tail])))).toEqual(expected);
        },
      ),
      { numRuns: 150 },
    );
  });

  test('a retransmission carrying different bytes does not overwrite what came first', () => {
    const segs = chopped(data, [4, 100]);
    const first = segs[5]!;
    const fake = { ...first, payload: first.payload!.map(() => 0) };
    expect(frames(importCapture(file([...segs.slice(0, 6), fake, ...segs.slice(6)])))).toEqual(expected);
  });

  test('a RST ends both directions; the frames before it are there', () => {
    const segs = chopped(data, [100]).slice(0, -3);
    const rst: Seg = { ...segs.at(-1)!, flags: RST | ACK, payload: undefined };
    const report = importCapture(file([...segs, rst]));
    expect(frames(report)).toEqual(expected);
    expect(report.connections[0]!.c2s.end).toBe('rst');
    expect(report.connections[0]!.s2c.end).toBe('rst');
  });

  test('the same ports used again after a close: two connections', () => {
    const a = chopped(text('first'), [100]);
    const b = conversation(
      [
        { from: 'client', bytes: upgradeRequest(8080) },
        { from: 'server', bytes: upgradeResponse() },
        { from: 'client', bytes: text('second') },
      ],
      { isn: 12345 },
    );
    const report = importCapture(file([...a, ...b]));
    expect(report.connections.map((_, i) => frames(report, i))).toEqual([['c2s 1 first', 's2c 1 ok'], ['c2s 1 second']]);
  });

  test('a capture that began mid-connection: no SYN, the stream is still followed from its first bytes', () => {
    const segs = chopped(text('late'), [100]).slice(3);
    const report = importCapture(file(segs));
    expect(frames(report)).toEqual(['c2s 1 late', 's2c 1 ok']);
    expect(report.notes.join(' ')).toMatch(/began before the capture/);
  });

  test('a client segment never captured: payload-missing, frames stop there, the other direction goes on', () => {
    const segs = chopped(data, [9, 9, 100]);
    const lost = segs.splice(6, 1)[0]!;
    const report = importCapture(file(segs));
    expect(frames(report)).toEqual(['c2s 1 one', 's2c 1 ok']);
    expect(report.error).toMatchObject({ code: 'payload-missing' });
    expect(lost.payload!.length).toBe(9);
    expect(report.connections[0]!.c2s.missing).toEqual({ at: 9, bytes: 9 });
    expect(report.error!.message).toMatch(/9 bytes of the client→server stream of 10\.0\.0\.1:50000 → 10\.0\.0\.2:8080 were never captured \(at byte 9 after the HTTP head\)/);
  });
});

describe('the handshake', () => {
  test('found, with the key and accept (checked), and the extensions the server accepted', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080, 'Sec-WebSocket-Protocol: chat\r\n') },
      { from: 'server', bytes: upgradeResponse('Sec-WebSocket-Protocol: chat\r\n') },
    ]);
    const [conn] = importCapture(file(segs)).connections;
    expect(conn!.handshake).toMatchObject({
      method: 'GET',
      target: '/chat',
      status: 101,
      secWebSocketKey: 'dGhlIHNhbXBsZSBub25jZQ==',
      secWebSocketAccept: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=',
      acceptValid: true,
      secWebSocketProtocol: 'chat',
      deflate: null,
    });
    expect(conn!.handshake.request).toMatch(/^GET \/chat HTTP\/1\.1\r\n[\s\S]*\r\n\r\n$/);
  });

  test('a refused upgrade is a connection with its status and no frames; plain HTTP is not one', () => {
    const refused = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: enc.encode('HTTP/1.1 426 Upgrade Required\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nno\n') },
    ]);
    const plain = conversation([{ from: 'client', bytes: enc.encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n') }], { cport: 50002 });
    const report = importCapture(file([...refused, ...plain]));
    expect(report.connections.map((c) => [c.handshake.status, c.frames.length])).toEqual([[426, 0]]);
    expect(report.nonWebSocketStreams).toBe(1);
  });

  test('a student server that ends its lines with bare LF: still followed (the browser may have accepted it)', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: enc.encode('HTTP/1.1 101 Switching Protocols\nUpgrade: websocket\nConnection: Upgrade\nSec-WebSocket-Accept: wrong\n\n') },
      { from: 'server', bytes: serverText('hi') },
    ]);
    const [conn] = importCapture(file(segs)).connections;
    expect(conn!.handshake.acceptValid).toBe(false);
    expect(conn!.frames.map((f) => f.frame.opcode)).toEqual([1]);
  });

  test('frames in the same segment as the 101 and as the request are read', () => {
    const segs = conversation([
      { from: 'client', bytes: cat(upgradeRequest(8080), text('early')) },
      { from: 'server', bytes: cat(upgradeResponse(), serverText('welcome')) },
    ]);
    expect(frames(importCapture(file(segs)))).toEqual(['c2s 1 early', 's2c 1 welcome']);
  });
});

describe('frames and faults, by the codec', () => {
  test('an unmasked client frame is the codec\'s mask-required fault, at its stream offset; the rest of that direction is not decoded', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: upgradeResponse() },
      { from: 'client', bytes: cat(text('ok'), unmasked({ opcode: Opcode.Text, payload: enc.encode('bad') }), text('after')) },
      { from: 'server', bytes: unmasked({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xea) }) },
    ]);
    const [conn] = importCapture(file(segs)).connections;
    expect(conn!.frames.map((f) => `${f.dir} ${f.frame.opcode}`)).toEqual(['c2s 1', 's2c 8']);
    expect(conn!.faults).toHaveLength(1);
    expect(conn!.faults[0]).toMatchObject({ dir: 'c2s', fault: { rule: 'mask-required', closeCode: 1002, offset: text('ok').length + 1 } });
  });

  test('a fault keeps its frame\'s bytes as they were on the wire (still masked), however the segments cut them', () => {
    // Invalid UTF-8 in a masked text frame: the fault is found in the payload, which the parser
    // unmasks in place; the fault's bytes must be the masked wire bytes all the same.
    const bad = masked({ opcode: Opcode.Text, payload: Uint8Array.of(0x48, 0x69, 0xc3, 0x28, 0x21) });
    const before = text('first');
    const stream = cat(before, bad, text('after'));
    for (const sizes of [[stream.length], [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1], [before.length + 3, 4], [before.length - 1, 9]]) {
      const [conn] = importCapture(file(chopped(stream, sizes))).connections;
      expect(conn!.faults, `segments of ${sizes.join(',')}`).toHaveLength(1);
      const [fault] = conn!.faults;
      expect(fault!.fault).toMatchObject({ rule: 'invalid-utf8', closeCode: 1007, frameOffset: before.length });
      expect(Buffer.from(fault!.bytes).toString('hex'), `segments of ${sizes.join(',')}`).toBe(Buffer.from(bad.subarray(0, fault!.bytes.length)).toString('hex'));
      // The frame's bytes as far as the stream went (the fault is found at byte 4 of the payload, the rest came too).
      expect(fault!.bytes.length).toBeGreaterThanOrEqual(fault!.fault.offset - before.length + 1);
    }
  });

  test('the caller\'s bytes are never written to, a Node Buffer included (the codec unmasks a copy)', () => {
    const segs = chopped(cat(text('one'), text('two')), [7, 100]);
    const bytes = Buffer.from(file(segs));
    const before = Buffer.from(bytes);
    const first = importCapture(bytes);
    expect(Buffer.compare(bytes, before)).toBe(0);
    expect(frames(importCapture(bytes))).toEqual(frames(first));
    expect(frames(first)).toEqual(['c2s 1 one', 'c2s 1 two', 's2c 1 ok']);
  });

  test('a stream that ends inside a frame says where and how much is missing', () => {
    const whole = text('x'.repeat(50));
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: upgradeResponse() },
      { from: 'client', bytes: whole.subarray(0, 20) },
    ]);
    const [conn] = importCapture(file(segs)).connections;
    expect(conn!.c2s.incomplete).toEqual({ offset: 0, have: 20, needed: whole.length - 20 });
  });
});

describe('permessage-deflate, inflated through the hook', () => {
  /** Compress messages as one sender would: one raw DEFLATE stream, a sync flush after each, the 00 00 ff ff tail removed (RFC 7692 §7.2.1). */
  function compressor(contextTakeover: boolean): (s: string) => Uint8Array {
    let history = new Uint8Array(0);
    return (s) => {
      const data = enc.encode(s);
      const out = deflateRawSync(data, { finishFlush: constants.Z_SYNC_FLUSH, ...(contextTakeover && history.length > 0 ? { dictionary: history } : {}) });
      if (contextTakeover) history = cat(history, data).slice(-32768);
      expect([...out.subarray(-4)]).toEqual([0, 0, 0xff, 0xff]);
      return new Uint8Array(out.subarray(0, -4));
    };
  }

  function deflateSession(extension: string, clientTakeover: boolean, serverTakeover: boolean): Seg[] {
    const c = compressor(clientTakeover);
    const s = compressor(serverTakeover);
    const message = 'the same words again and again, the same words again and again';
    const c1 = c(message);
    const c2 = c(message);
    const s1 = s(message);
    const s2 = s(message);
    return conversation([
      { from: 'client', bytes: upgradeRequest(8080, 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n') },
      { from: 'server', bytes: upgradeResponse(`Sec-WebSocket-Extensions: ${extension}\r\n`) },
      { from: 'client', bytes: masked({ opcode: Opcode.Text, rsv1: true, payload: c1 }) },
      { from: 'server', bytes: unmasked({ opcode: Opcode.Text, rsv1: true, payload: s1 }) },
      // The second message fragmented: RSV1 on the first fragment only (RFC 7692 §6.1).
      { from: 'client', bytes: cat(masked({ opcode: Opcode.Text, rsv1: true, fin: false, payload: c2.subarray(0, 3) }), masked({ opcode: Opcode.Continuation, payload: c2.subarray(3) })) },
      { from: 'server', bytes: unmasked({ opcode: Opcode.Text, rsv1: true, payload: s2 }) },
      { from: 'server', bytes: unmasked({ opcode: Opcode.Text, payload: enc.encode('not compressed') }) },
    ]);
  }

  const message = 'the same words again and again, the same words again and again';

  for (const [extension, ct, st] of [
    ['permessage-deflate', true, true],
    ['permessage-deflate; server_no_context_takeover; client_no_context_takeover', false, false],
    ['permessage-deflate; client_max_window_bits=15; server_no_context_takeover', true, false],
  ] as const) {
    test(`${extension}: every message inflated, per direction`, () => {
      const segs = deflateSession(extension, ct, st);
      const report = importCapture(file(segs), { inflate: nodeInflater });
      const [conn] = report.connections;
      expect(conn!.handshake.deflate).toMatchObject({ clientNoContextTakeover: !ct, serverNoContextTakeover: !st });
      expect(conn!.messages.map((m) => [m.dir, m.text, m.compressed, m.inflated, m.error])).toEqual([
        ['c2s', message, true, true, null],
        ['s2c', message, true, true, null],
        ['c2s', message, true, true, null],
        ['s2c', message, true, true, null],
        ['s2c', 'not compressed', false, false, null],
      ]);
      // With context takeover the second message is smaller on the wire (it refers back to the first).
      const sizes = conn!.frames.filter((f) => f.dir === 's2c' && f.frame.rsv1).map((f) => f.frame.payloadLength);
      if (st) expect(sizes[1]).toBeLessThan(sizes[0]!);
      else expect(sizes[1]).toBe(sizes[0]);
      // Frames keep the payload as on the wire: compressed.
      expect(inflateRawSync(cat(conn!.frames[0]!.frame.payload, Uint8Array.of(0, 0, 0xff, 0xff)), { finishFlush: constants.Z_SYNC_FLUSH }).toString()).toBe(message);
    });
  }

  test('without an inflater: compressed messages kept as sent, and said so', () => {
    const report = importCapture(file(deflateSession('permessage-deflate', true, true)));
    const m = report.connections[0]!.messages[0]!;
    expect(m).toMatchObject({ compressed: true, inflated: false, text: null });
    expect(m.error).toMatch(/not inflated/);
  });

  test('data that does not inflate: the message is kept compressed with the inflater\'s error', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080) },
      { from: 'server', bytes: upgradeResponse('Sec-WebSocket-Extensions: permessage-deflate\r\n') },
      { from: 'client', bytes: masked({ opcode: Opcode.Text, rsv1: true, payload: Uint8Array.of(0xff, 0xff, 0xff) }) },
    ]);
    const calls: string[] = [];
    const inflate: InflaterFactory = (o) => {
      calls.push(`${o.direction} ${o.noContextTakeover} ${o.maxWindowBits}`);
      return nodeInflater(o);
    };
    const [conn] = importCapture(file(segs), { inflate }).connections;
    expect(calls).toEqual(['c2s false 15', 's2c false 15']);
    expect(conn!.messages[0]).toMatchObject({ compressed: true, inflated: false, payload: Uint8Array.of(0xff, 0xff, 0xff) });
    expect(conn!.messages[0]!.error).toMatch(/does not inflate: invalid/);
  });

  test('RSV1 without permessage-deflate accepted: the codec\'s fault', () => {
    const segs = conversation([
      { from: 'client', bytes: upgradeRequest(8080, 'Sec-WebSocket-Extensions: permessage-deflate\r\n') },
      { from: 'server', bytes: upgradeResponse() },
      { from: 'client', bytes: masked({ opcode: Opcode.Text, rsv1: true, payload: Uint8Array.of(1) }) },
    ]);
    const [conn] = importCapture(file(segs), { inflate: nodeInflater }).connections;
    expect(conn!.faults[0]?.fault.rule).toBe('rsv-without-extension');
  });
});
