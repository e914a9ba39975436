import { describe, expect, it } from 'vitest';
import { captureToPcapng, serializeCapture, type CaptureFile } from '../../../capture';
import { Capture } from '../../inspector/capture';
import { captureFile } from '../../inspector/export';
import { clientHello, closed, open, read, serverHello } from '../../inspector/fixtures';
import type { FrameMessage, InspectorMessage } from '../../inspector/messages';
import { Lesson } from './lesson.svelte';
import { lessonTimeline } from './timeline';

/** Masked client frame and unmasked server frame with the given opcode, FIN and payload text. */
function frame(connection: number, direction: 'in' | 'out', offset: number, t: number, opcode: number, fin: boolean, text: string): FrameMessage {
  const payload = new TextEncoder().encode(text);
  const key = [1, 2, 3, 4];
  const masked = direction === 'in';
  const head = [(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | payload.length, ...(masked ? key : [])];
  const body = Array.from(payload, (b, i) => (masked ? b ^ key[i % 4]! : b));
  const bytes = [...head, ...body].map((b) => b.toString(16).padStart(2, '0')).join('');
  return { type: 'frame', t, wall: 1_700_000_000_000 + t, connection, direction, offset, size: head.length + payload.length, opcode, fin, masked, payloadLength: payload.length, headerLength: head.length, bytes, truncated: false };
}

/** A session: Hello and its echo, an echo in 3 fragments, the client's close (1000 "bye"), the server's, TCP closed. */
function session(): CaptureFile {
  const messages: InspectorMessage[] = [
    open(1, 1, 100),
    clientHello(1, 0, 110),
    read(1, 0, 11, [11], 109),
    serverHello(1, 0, 111),
    frame(1, 'in', 11, 120, 1, true, 'in three'),
    frame(1, 'out', 7, 121, 1, false, 'in '),
    frame(1, 'out', 12, 121.1, 0, false, 'thr'),
    frame(1, 'out', 17, 121.2, 0, true, 'ee'),
    frame(1, 'in', 25, 130, 8, true, ''),
    frame(1, 'out', 21, 131, 8, true, ''),
    closed(1, 1000, 140),
  ];
  // The close frame's payload: code 1000 (03 e8) then "bye".
  const close = messages[8] as FrameMessage;
  const payload = [0x03, 0xe8, 0x62, 0x79, 0x65];
  close.bytes = ['88', (0x80 | payload.length).toString(16), '01020304', ...payload.map((b, i) => (b ^ [1, 2, 3, 4][i % 4]!).toString(16).padStart(2, '0'))].join('');
  close.size = 2 + 4 + payload.length;
  close.payloadLength = payload.length;
  const capture = new Capture();
  for (const m of messages) capture.ingest(m);
  return captureFile(capture, { name: 'Lesson', source: 'playground', savedAt: 1_700_000_100_000 });
}

describe('a saved lesson reopened read-only', () => {
  it('shows the saved frames and connection, the first frame selected', () => {
    const lesson = new Lesson();
    lesson.load(session(), 'lesson.json');
    expect(lesson.file?.name).toBe('Lesson');
    expect(lesson.frames?.length).toBe(8);
    expect(lesson.selectedFrame).toMatchObject({ seq: 0, direction: 'client-to-server', opcode: 1 });
    expect(lesson.focusRecord?.connection).toBe(1);
    expect(lesson.focusRecord?.reads.length).toBe(1);
    lesson.select(lesson.frames!.at(3)!);
    expect(lesson.selectedFrame?.seq).toBe(3);
    lesson.close();
    expect(lesson.file).toBeNull();
  });

  it('leaves out, and lists, events that do not read as inspector messages (a hand-edited file)', () => {
    const capture = session();
    const events = capture.connections[0]!.events;
    // A fault whose rule is not one of the codec's.
    events.push({ type: 'fault', t: 135, rule: 'no-such-rule', closeCode: 1002, offset: 0, length: 1, rfc: '5.1', detail: {}, message: 'x', frameOffset: 0, bytes: '' } as unknown as (typeof events)[number]);
    const lesson = new Lesson();
    lesson.load(capture, 'edited.json');
    expect(lesson.skipped).toHaveLength(1);
    expect(lesson.skipped[0]).toMatch(/^fault at 135 ms: /);
    expect(lesson.frames?.length).toBe(8);
  });

  it('opens a JSON file; a pcapng or a broken file says what and where', async () => {
    const lesson = new Lesson();
    const capture = session();
    expect(await lesson.openFile(new File([serializeCapture(capture)], 'lesson.json'))).toBe(true);
    expect(lesson.origin).toBe('lesson.json');
    expect(await lesson.openFile(new File([captureToPcapng(capture) as Uint8Array<ArrayBuffer>], 'lesson.pcapng'))).toBe(false);
    expect(lesson.error).toMatch(/^lesson\.pcapng is a pcapng file: .*The decoder page opens pcap and pcapng\.$/);
    expect(lesson.file?.name).toBe('Lesson'); // the open lesson stays
    expect(await lesson.openFile(new File(['{"format": "framescope-capture",\n "version": 2, "connections": []}'], 'new.json'))).toBe(false);
    expect(lesson.error).toBe('new.json cannot be opened: version: this capture is format version 2, from a newer Framescope; this one reads version 1 (line 2, column 13).');
  });

  it('rebuilds the readyState timeline from the server\u2019s record: sends, messages (fragments joined), the close', () => {
    const lesson = new Lesson();
    lesson.load(session(), 'lesson.json');
    const timeline = lessonTimeline(lesson.focusRecord!, lesson.frames!);
    expect(timeline.steps.map((s) => [s.state, s.t])).toEqual([
      ['CONNECTING', null],
      ['OPEN', 0],
      ['CLOSING', 30],
      ['CLOSED', 40],
    ]);
    expect(timeline.state).toBe('CLOSED');
    expect(timeline.close).toEqual({ code: 1000, reason: '', wasClean: true });
    expect(timeline.entries.map((e) => e.type === 'send' || e.type === 'message' ? `${e.type} ${e.kind} ${e.size}` : e.type === 'close-called' ? `close-called ${e.code} ${e.reason}` : e.type)).toEqual([
      'open',
      'send text 5',
      'message text 5',
      'send text 8',
      'message text 8',
      'close-called 1000 bye',
      'close',
    ]);
    expect(timeline.messagesSent).toBe(2);
    expect(timeline.messagesReceived).toBe(2);
  });
});
