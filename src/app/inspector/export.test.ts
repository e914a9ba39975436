import { describe, expect, it } from 'vitest';
import { CaptureRecorder, inspectorMessages, parseCapture, reportFromCapture, serializeCapture, type CaptureFile } from '../../capture';
import { Capture } from './capture';
import { captureFile, frameCount } from './export';
import { clientHello, closed, hello, open, read, REQUEST_HEADERS, serverHello } from './fixtures';
import type { InspectorMessage } from './messages';
import type { InspectorMessage as WireMessage } from '../../wire/inspector';

/** Events without `wall` (the page's frames do not keep it: it follows from the connection's), ordered by time. */
function normalized(file: CaptureFile): unknown {
  return file.connections.map((c) => ({ ...c, events: [...c.events].sort((a, b) => a.t - b.t).map(({ wall: _wall, ...e }) => e) }));
}

const FAULT: InspectorMessage = {
  type: 'fault', t: 130, wall: 1_700_000_000_130, connection: 2, rule: 'mask-required', closeCode: 1002, offset: 23, length: 1,
  rfc: '5.1', detail: {}, message: 'The client sent an unmasked frame.', frameOffset: 22, bytes: '810548656c6c6f',
};

/** A session of two connections (one closed, one with a fault), a refusal and a dropped notice. */
const SESSION: InspectorMessage[] = [
  hello(),
  open(1, 1, 100),
  clientHello(1, 0, 110),
  read(1, 0, 11, [11], 109),
  serverHello(1, 0, 111),
  open(2, 2, 115),
  clientHello(2, 0, 120),
  clientHello(2, 11, 121),
  read(2, 0, 22, [11, 22], 119),
  { type: 'dropped', t: 125, wall: 1_700_000_000_125, count: 4, reason: 'rate' },
  FAULT,
  { type: 'socket-error', t: 131, wall: 1_700_000_000_131, connection: 2, code: 'ECONNRESET', message: 'read ECONNRESET' },
  closed(1, 1000, 150),
  {
    type: 'refused', t: 160, wall: 1_700_000_000_160, path: '/nope', session: 'TOKEN', peer: '127.0.0.1:50001', status: 404,
    reason: 'No endpoint here.', request: { method: 'GET', url: '/nope', httpVersion: '1.1', headers: REQUEST_HEADERS },
    response: { status: 404, head: 'HTTP/1.1 404 Not Found\r\n\r\n' },
  },
];

describe('the page\u2019s capture as a file', () => {
  it('is what CaptureRecorder makes of the same inspector messages (nothing let go)', () => {
    const capture = new Capture();
    const recorder = new CaptureRecorder();
    for (const m of SESSION) {
      capture.ingest(m);
      // The page reads `hello` and `dropped` more leniently than the wire type; these carry every field the recorder keeps.
      recorder.accept(m as WireMessage);
    }
    const meta = { name: 'Lesson', source: 'playground', savedAt: 1_700_000_001_000, server: '127.0.0.1:8008' };
    const saved = captureFile(capture, meta);
    expect(saved).toMatchObject({ format: 'framescope-capture', version: 1, ...{ name: 'Lesson', source: 'playground', savedAt: 1_700_000_001_000 } });
    expect(normalized(saved)).toEqual(normalized(recorder.toCapture(meta)));
    // The dropped notice went on both connections (open at the time).
    expect(saved.connections[1]!.events.map((e) => e.type)).toEqual(['read', 'frame', 'frame', 'dropped', 'fault', 'socket-error']);
    expect(saved.connections[2]).toMatchObject({ connection: null, refusal: 'No endpoint here.', response: { status: 404 } });
    expect(frameCount(saved)).toBe(4);
  });

  it('reads back, and its frames are the codec\u2019s frames of the same bytes', () => {
    const capture = new Capture();
    for (const m of SESSION) capture.ingest(m);
    const text = serializeCapture(captureFile(capture));
    const parsed = parseCapture(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const report = reportFromCapture(parsed.capture);
    expect(report.connections.map((c) => c.frames.map((f) => `${f.dir} ${new TextDecoder().decode(f.frame.payload)}`))).toEqual([
      ['c2s Hello', 's2c Hello'],
      ['c2s Hello', 'c2s Hello'],
      [],
    ]);
    expect(report.connections[1]!.faults.map((f) => f.fault.rule)).toEqual(['mask-required']);
  });

  it('reopened (inspectorMessages into a new Capture) and saved again, is the same file', () => {
    const capture = new Capture();
    for (const m of SESSION) capture.ingest(m);
    const first = captureFile(capture, { name: 'x' });
    const again = new Capture();
    for (const m of inspectorMessages(first)) again.ingest(m);
    expect(normalized(captureFile(again, { name: 'x' }))).toEqual(normalized(first));
  });

  it('keeps only what the ring holds: frames let go are not saved, and the reader says bytes are missing', () => {
    const capture = new Capture({ capacity: 2 });
    capture.ingest(open(1, 1, 100));
    for (let i = 0; i < 4; i++) capture.ingest(clientHello(1, i * 11, 110 + i));
    const saved = captureFile(capture);
    expect(saved.connections[0]!.events.map((e) => (e.type === 'frame' ? e.offset : -1))).toEqual([22, 33]);
    const report = reportFromCapture(saved);
    expect(report.error?.code).toBe('payload-missing');
    expect(report.connections[0]!.frames.map((f) => f.frame.offset)).toEqual([22, 33]);
  });

  it('Clear empties what is saved (an open connection stays, with its handshake and what went wrong on it)', () => {
    const capture = new Capture();
    for (const m of SESSION.filter((m) => !(m.type === 'closed' && m.connection === 1) && m.type !== 'refused')) capture.ingest(m);
    capture.clear();
    const saved = captureFile(capture);
    expect(saved.connections.map((c) => [c.connection, c.events.map((e) => e.type)])).toEqual([
      [1, []],
      [2, ['fault', 'socket-error']],
    ]);
  });
});
