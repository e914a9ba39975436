/** The grader's small parts: choosing cases, reading the target, the wire log's bounds, reading the server's bytes, marks in an HTTP head. */
import { describe, expect, it } from 'vitest';
import { CASES, parseTarget, selectCases } from '../../conformance/index.ts';
import { markHead, markHeader, markStatus } from '../../conformance/head-marks.ts';
import { WireLog } from '../../conformance/wire-log.ts';
import { Incoming } from '../../conformance/incoming.ts';
import { describeList } from '../../conformance/judge.ts';
import { encodeFrame, toHex } from '../../src/protocol/index.ts';
import { SECTIONS, sectionOf, groupOf, rfcOf } from '../../src/wire/conformance.ts';

describe('the cases', () => {
  it('are the issue\'s 300+, ids unique, each in a section with the RFC sections that decide it, each with an expectation', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    expect(new Set(CASES.map((c) => c.id)).size).toBe(CASES.length);
    for (const c of CASES) {
      expect(groupOf(c.id), c.id).not.toBeNull();
      expect(rfcOf(c.id).length, c.id).toBeGreaterThan(0);
      expect(c.expectation.length, c.id).toBeGreaterThan(20);
    }
    expect(sectionOf('7.9.3')?.name).toBe('Invalid close codes');
    expect(groupOf('7.9.3')?.prefix).toBe('7');
    expect(SECTIONS.filter((s) => s.group).map((s) => s.prefix)).toEqual(['x.0', '1', '2', '3', '4', '5', '6', '7', '9', '10', 'x.1', 'x.6']);
  });
});

describe('selectCases', () => {
  it('takes ids and globs, in run order, without duplicates', () => {
    const s = selectCases(CASES, '2.1*, 1.1.1,2.10');
    expect(s.ok && s.cases.map((c) => c.id)).toEqual(['1.1.1', '2.1', '2.10', '2.11']);
    const x = selectCases(CASES, 'x.0.*');
    expect(x.ok && x.cases.length).toBe(15);
    expect(selectCases(CASES, undefined).ok && (selectCases(CASES, undefined) as { cases: unknown[] }).cases.length).toBe(CASES.length);
  });

  it('refuses what matches nothing and what is not an id', () => {
    expect(selectCases(CASES, '8.*')).toEqual({ ok: false, error: '--cases: "8.*" matches no case (ids look like 1.1.1, 5.19, 7.9.3, x.0.6)' });
    expect(selectCases(CASES, '1.1.1;rm')).toMatchObject({ ok: false });
  });
});

describe('parseTarget', () => {
  it('reads host, port, path and query, and the Host header', () => {
    expect(parseTarget('ws://127.0.0.1:9001/chat?room=a')).toEqual({
      ok: true,
      target: { url: 'ws://127.0.0.1:9001/chat?room=a', host: '127.0.0.1', port: 9001, path: '/chat?room=a', hostHeader: '127.0.0.1:9001' },
    });
    expect(parseTarget('ws://[::1]:8/')).toMatchObject({ ok: true, target: { host: '::1', port: 8, hostHeader: '[::1]:8' } });
    expect(parseTarget('ws://localhost')).toMatchObject({ ok: true, target: { port: 80, path: '/', hostHeader: 'localhost' } });
  });

  it('refuses what it cannot grade, saying why', () => {
    expect(parseTarget('localhost:9001')).toMatchObject({ ok: false, error: expect.stringMatching(/must be a ws:\/\/ URL/) });
    expect(parseTarget('nonsense')).toMatchObject({ ok: false, error: expect.stringMatching(/is not a URL/) });
    expect(parseTarget('wss://x/')).toMatchObject({ ok: false, error: expect.stringMatching(/wss:\/\/ targets are not supported/) });
    expect(parseTarget('ws://x/#frag')).toMatchObject({ ok: false, error: expect.stringMatching(/no #fragment/) });
  });
});

describe('the wire log', () => {
  it('keeps the first and the last entries of a long case, and says how many it left out', () => {
    const log = new WireLog(performance.now(), { frameBytes: 4, head: 3, tail: 2 });
    for (let i = 0; i < 20; i++) log.event(`e${i}`);
    const texts = log.entries().map((e) => (e.kind === 'event' ? e.text : ''));
    expect(texts).toEqual(['e0', 'e1', 'e2', '… 15 more entries not kept in this log …', 'e18', 'e19']);
  });

  it('keeps a frame\'s header and first bytes, more when its fault lies further in', () => {
    const log = new WireLog(performance.now(), { frameBytes: 4, head: 10, tail: 10 });
    const bytes = Uint8Array.from({ length: 200 }, (_, i) => i);
    const plain = log.frame('server-to-client', 0, bytes, { size: 200, headerLength: 4, opcode: 2, fin: true, payloadLength: 196 });
    expect([plain.bytes.length / 2, plain.truncated]).toEqual([8, true]);
    const fault = { kind: 'fault', rule: 'invalid-utf8', closeCode: 1007, offset: 150, frameOffset: 0, length: 1, rfc: '8.1', detail: { in: 'text', byte: 0xff, payloadOffset: 146 }, message: 'x' } as const;
    const deep = log.frame('server-to-client', 0, bytes, { size: 200, headerLength: 4, opcode: 1, fin: true, payloadLength: 196, fault });
    expect(deep.bytes.length / 2).toBe(183);
  });
});

describe('describeList (the "Received:" of a case)', () => {
  const text = (s: string): ['message', Buffer, boolean] => ['message', Buffer.from(s), false];
  it('tells up to six events one by one, and a longer list by its first four, the count left out, and its last', () => {
    expect(describeList([])).toBe('nothing');
    expect(describeList([text('a'), ['pong', Buffer.from([1, 2])]])).toBe('a text message of 1 byte "a", then a pong of 2 bytes 01 02');
    const many = Array.from({ length: 65 }, (_, i) => text(`m${i}`));
    expect(describeList(many)).toBe(
      '65 in all: a text message of 2 bytes "m0", then a text message of 2 bytes "m1", then a text message of 2 bytes "m2", then a text message of 2 bytes "m3", then 60 more, then a text message of 3 bytes "m64"',
    );
  });
});

describe('reading the server\'s bytes (Incoming)', () => {
  const text = (s: string): Uint8Array => encodeFrame({ opcode: 1, payload: new TextEncoder().encode(s) }, (n) => new Uint8Array(n));

  it('logs each frame with its own bytes when frames are split and merged across reads', () => {
    const log = new WireLog();
    const incoming = new Incoming(log);
    const a = text('ab');
    const b = text('cde');
    const stream = new Uint8Array([...a, ...b]);
    incoming.push(stream.subarray(0, 3));
    expect(incoming.next()).toBeNull();
    incoming.push(stream.subarray(3, 6));
    const first = incoming.next();
    expect(first?.kind === 'frame' && [first.ref.entry.offset, first.ref.entry.bytes]).toEqual([0, toHex(a)]);
    expect(incoming.next()).toBeNull();
    incoming.push(stream.subarray(6));
    const second = incoming.next();
    expect(second?.kind === 'frame' && [second.ref.entry.offset, second.ref.entry.bytes]).toEqual([a.length, toHex(b)]);
    expect(incoming.bytesIn).toBe(stream.length);
  });

  it('at the end of the stream, logs only the frame that never finished, with how much was missing', () => {
    const log = new WireLog();
    const incoming = new Incoming(log);
    const a = text('ab');
    const b = text('cdefg');
    // One read holds the whole first frame and the first 3 bytes of the second.
    incoming.push(new Uint8Array([...a, ...b.subarray(0, 3)]));
    expect(incoming.next()?.kind).toBe('frame');
    expect(incoming.next()).toBeNull();
    incoming.logUnfinished();
    const last = log.entries().at(-1);
    expect(last).toMatchObject({ kind: 'bytes', offset: a.length, bytes: toHex(b.subarray(0, 3)), note: 'the stream ended in the middle of this frame (4 more bytes were needed)' });
  });

  it('logs a fault on its frame and reads nothing after it', () => {
    const log = new WireLog();
    const incoming = new Incoming(log);
    const masked = encodeFrame({ opcode: 1, payload: new Uint8Array([0x61]), maskingKey: new Uint8Array([1, 2, 3, 4]) }, (n) => new Uint8Array(n));
    incoming.push(new Uint8Array([...text('ok'), ...masked]));
    expect(incoming.next()?.kind).toBe('frame');
    const read = incoming.next();
    expect(read?.kind === 'fault' && [read.fault.rule, read.entry.offset, read.entry.fault?.rule]).toEqual(['mask-forbidden', 4, 'mask-forbidden']);
    // Its lengths come from its own header: 2 + 4 (masking key) + 1 byte of payload.
    expect(read?.kind === 'fault' && read.entry).toMatchObject({ size: 7, payloadLength: 1, opcode: 1, fin: true, bytes: toHex(masked), truncated: false });
    expect(incoming.deaf).toBe(true);
    incoming.push(text('more'));
    expect(incoming.next()).toBeNull();
    incoming.logUnfinished();
    expect(log.entries().filter((e) => e.kind === 'bytes')).toEqual([]);
  });
});

describe('a faulty frame in the wire log', () => {
  it('has the payload length and size its header declares, and only its own bytes (a PHP server sending binary as text)', () => {
    const log = new WireLog();
    const incoming = new Incoming(log);
    // A text frame of 18 bytes whose payload is not UTF-8 (byte 2 is 0xff), then a close frame in the same read.
    const payload = new Uint8Array([0x61, 0x62, 0xff, ...new Uint8Array(15).fill(0x63)]);
    const frame = encodeFrame({ opcode: 1, payload }, (n) => new Uint8Array(n));
    const close = encodeFrame({ opcode: 8, payload: new Uint8Array([0x03, 0xe8]) }, (n) => new Uint8Array(n));
    incoming.push(new Uint8Array([...frame, ...close]));
    const read = incoming.next();
    if (read?.kind !== 'fault') throw new Error('expected a fault');
    expect(read.fault.rule).toBe('invalid-utf8');
    expect(read.entry).toMatchObject({ offset: 0, size: 20, payloadLength: 18, opcode: 1, fin: true, bytes: toHex(frame), truncated: false });
  });

  it('cut short: the declared payload length, the bytes that had arrived', () => {
    const log = new WireLog();
    const incoming = new Incoming(log);
    const frame = encodeFrame({ opcode: 1, payload: new Uint8Array([0x61, 0xff, 0x61, 0x61, 0x61, 0x61]) }, (n) => new Uint8Array(n));
    incoming.push(frame.subarray(0, 4));
    const read = incoming.next();
    if (read?.kind !== 'fault') throw new Error('expected a fault');
    expect(read.entry).toMatchObject({ size: 8, payloadLength: 6, bytes: toHex(frame.subarray(0, 4)), truncated: true });
  });
});

describe('marks in an HTTP head', () => {
  const head = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Accept: wrong=\r\n\r\n';
  it('points at the status code, a header\'s value, or the end of the head for a missing header', () => {
    expect(markStatus(head, 'x')).toEqual({ offset: 9, length: 3, text: 'x' });
    expect(markHeader(head, 'sec-websocket-accept', 'y')).toEqual({ offset: head.indexOf('wrong='), length: 6, text: 'y' });
    expect(markHeader(head, 'Connection', 'z')).toEqual({ offset: head.length - 2, length: 2, text: 'z' });
    expect(markHead(head, "The response has no Connection header; it must say Connection: Upgrade (RFC 6455 §4.1).").offset).toBe(head.length - 2);
    expect(markHead(head, 'Sec-WebSocket-Accept is "wrong=", but the key …').offset).toBe(head.indexOf('wrong='));
  });
});
