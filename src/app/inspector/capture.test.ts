import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, toHex } from '../../protocol';
import { Capture } from './capture';
import type { FrameMessage } from './messages';
import { clientHello, closed, hello, open, read, serverHello } from './fixtures';
import { parseInspectorMessage } from './messages';

describe('Capture', () => {
  it('records connections from hello and open, numbered by the page\u2019s conn', () => {
    const capture = new Capture();
    capture.ingest(hello({ connections: [open(7, 1)] }));
    capture.ingest(open(8, 2));
    capture.ingest(open(8, 2));
    expect([...capture.connections.keys()]).toEqual([7, 8]);
    expect(capture.connectionByLabel(2)?.connection).toBe(8);
    expect(capture.connections.get(7)?.info.request.url).toBe('/echo?session=TOKEN&conn=1');
    expect(capture.hello?.session).toBe('TOKEN');
  });

  it('captures frames in both directions with their wire bytes', () => {
    const capture = new Capture();
    capture.ingest(open(1, 1, 100));
    expect(capture.ingest(clientHello(1, 0, 110))).toEqual({ frames: true, connections: true, notices: false });
    capture.ingest(serverHello(1, 0, 112.5));
    const [c2s, s2c] = capture.frames.slice();
    expect(c2s).toMatchObject({
      seq: 0, connection: 1, label: 1, direction: 'client-to-server', since: 10, opcode: 1, fin: true, masked: true,
      payloadLength: 5, size: 11, misbehave: null, fault: null,
    });
    expect(Array.from(c2s!.bytes.subarray(0, 2))).toEqual([0x81, 0x85]);
    expect(s2c).toMatchObject({ seq: 1, direction: 'server-to-client', masked: false, since: 12.5 });
    const record = capture.connections.get(1)!;
    expect(record.framesIn).toBe(1);
    expect(record.framesOut).toBe(1);
    expect(record.inFrames.slice()).toEqual([{ seq: 0, offset: 0, size: 11, opcode: 1 }]);
  });

  it('keeps reads and the close per connection', () => {
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest(read(1, 0, 11, [11]));
    capture.ingest(read(99, 0, 11, [11]));
    capture.ingest(closed(1, 1000));
    const record = capture.connections.get(1)!;
    expect(record.reads.slice().map((r) => r.size)).toEqual([11]);
    expect(record.closed?.code).toBe(1000);
  });

  it('marks frames the server broke on purpose', () => {
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest({ ...serverHello(1), misbehave: 'rsv1' });
    expect(capture.frames.at(0)?.misbehave).toBe('rsv1');
  });

  it('turns a fault report into a row with the fault', () => {
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest({
      type: 'fault', t: 150, wall: 0, connection: 1, rule: 'mask-required', closeCode: 1002, offset: 1, length: 1,
      rfc: '5.1', detail: {}, message: 'The client sent an unmasked frame.', frameOffset: 0, bytes: '810548656c6c6f',
    });
    const row = capture.frames.at(0)!;
    expect(row.fault).toMatchObject({ kind: 'fault', rule: 'mask-required', closeCode: 1002, offset: 1, frameOffset: 0 });
    expect(row.opcode).toBe(1);
    expect(row.masked).toBe(false);
    expect(capture.connections.get(1)?.faults.length).toBe(1);
  });

  it('gives the row the codec\u2019s fault whole, its detail values included, after a trip through JSON', () => {
    // A masked text frame "Hi!" 0xff "A": byte 0xff at payload offset 3 cannot be UTF-8 (RFC 6455 §8.1).
    const wire = Uint8Array.from([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x93, 0x00, 0xc2, 0x76]);
    const found = decodeFrames(wire, { sender: 'client' }).fault!;
    expect(found).toMatchObject({ rule: 'invalid-utf8', detail: { in: 'text', byte: 0xff, payloadOffset: 3 } });
    const { kind: _kind, ...values } = found;
    const parsed = parseInspectorMessage(JSON.stringify({ type: 'fault', t: 150, wall: 0, connection: 1, ...values, bytes: '818537fa213d7f9300c276' }));
    if (!parsed.ok) throw new Error(parsed.error);
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest(parsed.message);
    expect(capture.frames.at(0)?.fault).toEqual(found);
  });

  it('counts dropped events and keeps notices for acks and errors', () => {
    const capture = new Capture();
    capture.ingest({ type: 'dropped', t: 1, wall: 1, count: 3 });
    capture.ingest({ type: 'dropped', t: 2, wall: 2, count: 4 });
    capture.ingest({ type: 'ack', t: 3, wall: 3, id: 1, connection: 1, action: 'ping', detail: 'Sent a ping.' });
    capture.ingest({ type: 'error', t: 4, wall: 4, id: 2, connection: 1, action: 'ping', message: 'no such connection' });
    capture.invalid('not JSON', 5);
    expect(capture.dropped).toBe(7);
    expect(capture.notices.map((n) => n.kind)).toEqual(['dropped', 'dropped', 'ack', 'error', 'invalid']);
    expect(capture.notices[0]?.text).toMatch(/^3 inspector events dropped/);
  });

  it('holds at most its capacity and counts what it let go', () => {
    const capture = new Capture({ capacity: 3 });
    capture.ingest(open(1));
    for (let i = 0; i < 5; i++) capture.ingest(clientHello(1, i * 11));
    expect(capture.frames.length).toBe(3);
    expect(capture.frames.evicted).toBe(2);
    expect(capture.frames.at(0)?.seq).toBe(2);
  });

  it('clears frames, forgets closed connections, keeps open ones', () => {
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest(open(2));
    capture.ingest(clientHello(2));
    capture.ingest(read(2, 0, 11, [11]));
    capture.ingest(closed(1));
    capture.clear();
    expect(capture.frames.length).toBe(0);
    expect([...capture.connections.keys()]).toEqual([2]);
    expect(capture.connections.get(2)?.reads.length).toBe(0);
    capture.ingest(serverHello(2));
    expect(capture.frames.at(0)?.seq).toBe(1);
  });

  it('resizes, keeping the newest frames and their sequence numbers', () => {
    const capture = new Capture({ capacity: 10 });
    capture.ingest(open(1));
    for (let i = 0; i < 6; i++) capture.ingest(clientHello(1, i * 11));
    capture.resize(4);
    expect(capture.frames.capacity).toBe(4);
    expect(capture.frames.slice().map((f) => f.seq)).toEqual([2, 3, 4, 5]);
    expect(capture.frames.bySeq(5)?.offset).toBe(55);
    capture.ingest(clientHello(1, 66));
    expect(capture.frames.at(3)?.seq).toBe(6);
  });
});

describe('Capture: one clock, broken frames', () => {
  it('counts every frame\u2019s time from the capture\u2019s start, across connections (the list\u2019s ms column)', () => {
    const capture = new Capture();
    capture.ingest(hello({ t: 1 }));
    capture.ingest(open(1, 1, 100));
    capture.ingest(clientHello(1, 0, 110));
    capture.ingest(open(2, 2, 500));
    capture.ingest(clientHello(2, 0, 510));
    expect(capture.frames.slice().map((f) => f.since)).toEqual([109, 509]);
    expect(capture.epoch).toBe(1);
  });

  const broken = (offset: number, spec: Parameters<typeof encodeFrame>[0], misbehave: string): FrameMessage => {
    const bytes = encodeFrame(spec);
    const payloadLength = spec.payload?.length ?? 0;
    return {
      ...serverHello(1, offset),
      size: bytes.length,
      opcode: spec.opcode,
      fin: spec.fin ?? true,
      masked: !!spec.maskingKey,
      payloadLength,
      headerLength: bytes.length - payloadLength,
      bytes: toHex(bytes),
      misbehave,
    };
  };
  const text = (s: string): Uint8Array => new TextEncoder().encode(s);

  it('finds the codec\u2019s fault in each frame the server broke on purpose, at its stream offsets', () => {
    const cases: [Parameters<typeof encodeFrame>[0], string, string, number][] = [
      [{ opcode: 1, payload: text('masked by the server'), maskingKey: Uint8Array.of(1, 2, 3, 4) }, 'masked-frame', 'mask-forbidden', 1002],
      [{ opcode: 1, rsv1: true, payload: text('RSV1 is set') }, 'rsv1', 'rsv-without-extension', 1002],
      [{ opcode: 3, payload: text('opcode 0x3') }, 'reserved-opcode', 'reserved-opcode', 1002],
      [{ opcode: 1, payload: Uint8Array.of(0x48, 0x69, 0x20, 0xc3, 0x28) }, 'invalid-utf8', 'invalid-utf8', 1007],
      [{ opcode: 9, payload: new Uint8Array(126).fill(0x2a), lengthForm: 16 }, 'long-control', 'control-frame-too-long', 1002],
      [{ opcode: 9, fin: false, payload: text('frag') }, 'fragmented-ping', 'fragmented-control-frame', 1002],
    ];
    for (const [spec, kind, rule, code] of cases) {
      const capture = new Capture();
      capture.ingest(open(1));
      capture.ingest(serverHello(1, 0));
      capture.ingest(broken(7, spec, kind));
      const frame = capture.frames.at(1)!;
      expect(frame.fault, kind).toMatchObject({ rule, closeCode: code, frameOffset: 7 });
      expect(frame.fault!.offset, kind).toBeGreaterThanOrEqual(7);
      expect(frame.fault!.offset, kind).toBeLessThan(7 + frame.size);
    }
  });

  it('gives the second frame of a fragmented ping no fault of its own: the stream broke one frame earlier', () => {
    const capture = new Capture();
    capture.ingest(open(1));
    capture.ingest(broken(0, { opcode: 9, fin: false, payload: text('frag') }, 'fragmented-ping'));
    capture.ingest(broken(6, { opcode: 0, fin: true, payload: text('mented') }, 'fragmented-ping'));
    const [first, second] = capture.frames.slice();
    expect(first!.fault?.rule).toBe('fragmented-control-frame');
    expect(second!.fault).toBeNull();
    expect(second!.afterFault).toBe(true);
  });
});
