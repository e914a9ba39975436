/**
 * The capture JSON (docs/capture-format.md): written and read back equal; errors that name the
 * path, line and column of what is wrong; the recorder that builds it from inspector messages;
 * and the importer reading it through the same follower as a pcap.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CaptureRecorder,
  importCapture,
  inspectorMessages,
  parseCapture,
  reportFromCapture,
  serializeCapture,
  type CaptureFile,
} from '../../src/capture';
import type { InspectorMessage } from '../../src/wire/inspector';
import { captureArb } from './arbitrary';

const enc = new TextEncoder();

describe('JSON round trip', () => {
  test('serializeCapture then parseCapture gives the capture back (property)', () => {
    fc.assert(
      fc.property(captureArb, (capture) => {
        const text = serializeCapture(capture);
        const parsed = parseCapture(text);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) {
          expect(parsed.capture).toEqual(capture);
          expect(parsed.warnings).toEqual([]);
        }
        // And the text is plain JSON, one event a line.
        expect(JSON.parse(text)).toEqual(capture);
        const events = capture.connections.reduce((n, c) => n + c.events.length, 0);
        expect(text.split('\n').filter((line) => line.trimStart().startsWith('{"type":')).length).toBe(events);
      }),
      { numRuns: 60 },
    );
  }, 60_000);

  test('the importer reads a JSON capture: its frames are the frames in the events, decoded by the codec', () => {
    fc.assert(
      fc.property(captureArb, (capture) => {
        const report = importCapture(enc.encode(serializeCapture(capture)));
        expect(report.format).toBe('json');
        expect(report.error).toBeNull();
        expect(report.connections.length).toBe(capture.connections.length);
        report.connections.forEach((conn, i) => {
          const source = capture.connections[i]!;
          for (const [dir, direction] of [['c2s', 'in'], ['s2c', 'out']] as const) {
            const saved = source.events.filter((e) => e.type === 'frame' && e.direction === direction);
            const found = conn.frames.filter((f) => f.dir === dir);
            expect(found.map((f) => [f.frame.offset, f.frame.opcode, f.frame.payloadLength])).toEqual(
              saved.map((e) => (e.type === 'frame' ? [e.offset, e.opcode, e.payloadLength] : null)),
            );
            // Each frame at its own saved time.
            found.forEach((f, k) => expect(f.time).toBeCloseTo(source.wall + (saved[k]!.t - source.t), 6));
          }
        });
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

describe('errors say what and where', () => {
  const valid = (): CaptureFile => fc.sample(captureArb, { numRuns: 1, seed: 7 })[0]!;

  test('not JSON: the line and column of the syntax error', () => {
    const text = '{\n  "format": "framescope-capture",\n  "version": 1,\n  oops\n}';
    const result = parseCapture(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(/^not valid JSON: /);
      // The line and column are the error's own fields: V8's "at position N (line L column C)" is not repeated in the words.
      expect(result.error.message).not.toMatch(/position|line \d/);
      expect(result.error.line).toBe(4);
      expect(result.error.column).toBe(3);
    }
  });

  test('a wrong field: its path, line and column', () => {
    const capture = valid();
    const event = capture.connections[0]!.events.find((e) => e.type === 'frame')!;
    (event as { bytes: string }).bytes = 'zz';
    const text = serializeCapture(capture);
    const result = parseCapture(text);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      const index = capture.connections[0]!.events.indexOf(event);
      expect(result.error.path).toBe(`connections[0].events[${index}].bytes`);
      expect(result.error.message).toMatch(/expected hex digits/);
      const line = text.split('\n')[result.error.line - 1]!;
      expect(line.slice(result.error.column - 1).startsWith('"zz"')).toBe(true);
    }
  });

  test('another kind of file, a newer version, a missing field', () => {
    const not = parseCapture('{"hello": 1}');
    expect(!not.ok && not.error.message).toMatch(/not a Framescope capture/);
    const newer = parseCapture(JSON.stringify({ ...valid(), version: 2 }));
    expect(!newer.ok && newer.error.message).toMatch(/format version 2, from a newer Framescope; this one reads version 1/);
    const capture = valid() as unknown as { connections: { client?: string }[] };
    delete capture.connections[0]!.client;
    const missing = parseCapture(JSON.stringify(capture, null, 2));
    expect(!missing.ok && missing.error.message).toBe('connections[0].client: expected a string, not nothing (it is missing)');
  });

  test('an event type from a later version is left out with a warning, the rest read', () => {
    const capture = valid();
    const text = serializeCapture({ ...capture, connections: [{ ...capture.connections[0]!, events: [{ type: 'future', t: 1 } as never, ...capture.connections[0]!.events] }] });
    const result = parseCapture(text);
    expect(result.ok && result.warnings[0]).toMatch(/events\[0\]: an event of type "future" is not one this version knows; left out/);
  });

  test('a broken JSON capture given to the importer: "unrecognized" with the line and column, nothing else', () => {
    const report = importCapture(enc.encode('{"format": "framescope-capture", "version": 1, "connections": [1]}'));
    expect(report.error?.code).toBe('unrecognized');
    expect(report.error?.message).toBe('connections[0]: expected an object, not number 1 (line 1, column 64)');
  });
});

describe('the recorder: inspector messages in, a capture out', () => {
  const open: InspectorMessage = {
    type: 'open',
    connection: 2,
    t: 100,
    wall: 1_765_000_000_100,
    path: '/echo',
    session: 's',
    peer: '127.0.0.1:50000',
    request: { method: 'GET', url: '/echo?session=s', httpVersion: '1.1', headers: ['Host: 127.0.0.1:8008', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'] },
    response: { status: 101, head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' },
  };
  const messages: InspectorMessage[] = [
    { type: 'hello', t: 1, wall: 1_765_000_000_001, session: 's', all: false, classMode: false, limits: { queueCount: 1, queueBytes: 1, maxFrameBytes: 65536, rateMessages: 0, rateBytes: 0, maxPayload: 1, maxMessage: 1 }, connections: [] },
    open,
    { type: 'frame', t: 101, wall: 1_765_000_000_101, connection: 2, direction: 'in', offset: 0, size: 11, opcode: 1, fin: true, masked: true, payloadLength: 5, headerLength: 6, bytes: '818537fa213d7f9f4d5158', truncated: false },
    { type: 'read', t: 100.5, wall: 1_765_000_000_100.5, connection: 2, offset: 0, size: 11, boundaries: [11] },
    { type: 'frame', t: 102, wall: 1_765_000_000_102, connection: 2, direction: 'out', offset: 0, size: 7, opcode: 1, fin: true, masked: false, payloadLength: 5, headerLength: 2, bytes: '810548656c6c6f', truncated: false },
    { type: 'ack', t: 103, wall: 1_765_000_000_103, id: 1, connection: 2, action: 'ping', detail: 'x' },
    { type: 'dropped', t: 104, wall: 1_765_000_000_104, count: 3, reason: 'rate' },
    { type: 'frame', t: 105, wall: 1_765_000_000_105, connection: 9, direction: 'in', offset: 0, size: 2, opcode: 1, fin: true, masked: true, payloadLength: 0, headerLength: 6, bytes: '8180', truncated: true },
    { type: 'closed', t: 110, wall: 1_765_000_000_110, connection: 2, code: 1000, reason: '', wasClean: true, initiator: 'client', cause: null, duration: 10, framesIn: 1, framesOut: 1, bytesIn: 11, bytesOut: 7 },
    { type: 'refused', t: 120, wall: 1_765_000_000_120, path: '/nope', session: 's', peer: '127.0.0.1:50001', status: 404, reason: 'no such endpoint', request: { method: 'GET', url: '/nope', httpVersion: '1.1', headers: ['Host: x', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'] }, response: { status: 404, head: 'HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n' } },
  ];

  test('keeps each connection\'s traffic in order (without `connection`), drops answers to commands and other connections\' events', () => {
    const recorder = new CaptureRecorder();
    for (const m of messages) recorder.accept(m);
    const capture = recorder.toCapture({ name: 'lesson 1', source: 'playground', savedAt: 5, server: '127.0.0.1:8008' });
    expect(capture).toMatchObject({ format: 'framescope-capture', version: 1, name: 'lesson 1', source: 'playground', savedAt: 5 });
    const [conn, refused] = capture.connections;
    expect(conn).toMatchObject({ connection: 2, client: '127.0.0.1:50000', server: '127.0.0.1:8008', t: 100, wall: 1_765_000_000_100, request: open.request, response: open.response });
    expect(conn!.events.map((e) => e.type)).toEqual(['frame', 'read', 'frame', 'dropped', 'closed']);
    expect(conn!.events.every((e) => !('connection' in e))).toBe(true);
    expect(refused).toMatchObject({ connection: null, client: '127.0.0.1:50001', refusal: 'no such endpoint', response: { status: 404 }, events: [] });
    // It reads back, and the importer finds the frames, the refusal, and the dropped notice.
    const parsed = parseCapture(serializeCapture(capture));
    expect(parsed.ok).toBe(true);
    const report = reportFromCapture(capture);
    expect(report.connections.map((c) => [c.handshake.status, c.frames.map((f) => `${f.dir} ${new TextDecoder().decode(f.frame.payload)}`)])).toEqual([
      [101, ['c2s Hello', 's2c Hello']],
      [404, []],
    ]);
    expect(report.notes.join(' ')).toMatch(/3 inspector events were skipped or dropped/);
    expect(report.connections[0]!.c2s.end).toBe('fin');
  });

  test('a capture replayed as inspector messages and recorded again is the same capture (what a page reopening it does)', () => {
    const recorder = new CaptureRecorder();
    for (const m of messages) recorder.accept(m);
    const capture = recorder.toCapture({ server: '127.0.0.1:8008' });
    const replayed = inspectorMessages(capture);
    expect(replayed.map((m) => m.type)).toEqual(['open', 'frame', 'read', 'frame', 'dropped', 'closed', 'refused']);
    expect(replayed.every((m) => typeof m.wall === 'number')).toBe(true);
    const again = new CaptureRecorder();
    for (const m of replayed) again.accept(m);
    expect(again.toCapture({ server: '127.0.0.1:8008' })).toEqual(capture);
    // For any capture, too (property).
    fc.assert(
      fc.property(captureArb, (c) => {
        const r = new CaptureRecorder();
        for (const m of inspectorMessages(c)) r.accept(m);
        const back = r.toCapture({ savedAt: c.savedAt, name: c.name, source: c.source });
        // The recorder writes `wall` on every event (the page's messages carry it); the rest is as saved.
        const byId = (list: CaptureFile['connections']): CaptureFile['connections'] => [...list].sort((x, y) => (x.connection ?? 0) - (y.connection ?? 0));
        expect(byId(back.connections).map((x) => ({ ...x, events: x.events.map(({ wall: _w, ...e }) => e) }))).toEqual(byId(c.connections));
      }),
      { numRuns: 30 },
    );
  }, 60_000);

  test('after a frame saved cut short, decoding resumes where the next saved frame starts (a 64-bit length demonstration)', () => {
    const recorder = new CaptureRecorder();
    recorder.accept(open);
    recorder.accept({ type: 'frame', t: 101, wall: 1_765_000_000_101, connection: 2, direction: 'out', offset: 0, size: 70_010, opcode: 2, fin: true, masked: false, payloadLength: 70_000, headerLength: 10, bytes: '827f0000000000011170' + '00'.repeat(100), truncated: true });
    recorder.accept({ type: 'frame', t: 102, wall: 1_765_000_000_102, connection: 2, direction: 'out', offset: 70_010, size: 7, opcode: 1, fin: true, masked: false, payloadLength: 5, headerLength: 2, bytes: '810548656c6c6f', truncated: false });
    // And a hole nobody reported in the client's bytes: frames at 0 and at 20.
    recorder.accept({ type: 'frame', t: 103, wall: 1_765_000_000_103, connection: 2, direction: 'in', offset: 0, size: 11, opcode: 1, fin: true, masked: true, payloadLength: 5, headerLength: 6, bytes: '818537fa213d7f9f4d5158', truncated: false });
    recorder.accept({ type: 'frame', t: 104, wall: 1_765_000_000_104, connection: 2, direction: 'in', offset: 20, size: 11, opcode: 1, fin: true, masked: true, payloadLength: 5, headerLength: 6, bytes: '818537fa213d7f9f4d5158', truncated: false });
    const report = reportFromCapture(recorder.toCapture());
    const [conn] = report.connections;
    expect(conn!.frames.map((f) => `${f.dir} ${f.frame.offset} ${new TextDecoder().decode(f.frame.payload)}`)).toEqual(['s2c 70010 Hello', 'c2s 0 Hello', 'c2s 20 Hello']);
    expect(report.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(/client→server: 9 bytes at stream byte 11 were not saved .*decoding resumes at byte 20/),
      expect.stringMatching(/server→client: the frame at stream byte 0 was saved with 110 bytes of its 70,010/),
    ]);
    expect(conn!.s2c.missing).toEqual({ at: 110, bytes: 69_900 });
  });

  test('a frame saved cut short (truncated) is missing bytes: reported, never filled in', () => {
    const recorder = new CaptureRecorder();
    recorder.accept(open);
    recorder.accept({ type: 'frame', t: 101, wall: 1_765_000_000_101, connection: 2, direction: 'out', offset: 0, size: 70_010, opcode: 2, fin: true, masked: false, payloadLength: 70_000, headerLength: 10, bytes: '827f0000000000011170' + '00'.repeat(100), truncated: true });
    const report = reportFromCapture(recorder.toCapture());
    expect(report.error).toMatchObject({ code: 'payload-missing' });
    expect(report.error!.message).toMatch(/saved with 110 bytes of its 70,010/);
    expect(report.connections[0]!.frames).toEqual([]);
    expect(report.connections[0]!.s2c).toMatchObject({ end: 'gap', missing: { at: 110, bytes: 69_900 } });
  });
});
