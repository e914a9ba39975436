import { describe, expect, test } from 'vitest';
import { Capture } from '../inspector/capture';
import { framePreview } from '../components/frame-row';
import { compressedView, deflateAgreed } from './compression';

const info = (extensions: string | null) => ({
  connection: 1,
  t: 0,
  wall: 0,
  path: '/echo',
  session: 's',
  peer: '127.0.0.1:1',
  request: { method: 'GET', url: '/echo?session=s&conn=1', httpVersion: '1.1', headers: [] },
  response: { status: 101, head: `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n${extensions ? `Sec-WebSocket-Extensions: ${extensions}\r\n` : ''}\r\n` },
});

const frame = (offset: number, bytes: string) => ({
  type: 'frame' as const,
  t: 1,
  wall: 1,
  connection: 1,
  direction: 'out' as const,
  offset,
  size: bytes.length / 2,
  opcode: parseInt(bytes.slice(0, 2), 16) & 0x0f,
  fin: (parseInt(bytes.slice(0, 2), 16) & 0x80) !== 0,
  masked: false,
  payloadLength: bytes.length / 2 - 2,
  headerLength: 2,
  bytes,
  truncated: false,
});

const inflated = (offset: number, wireLength: number) => ({
  type: 'inflated' as const,
  t: 1,
  wall: 1,
  connection: 1,
  direction: 'out' as const,
  offset,
  binary: false,
  wireLength,
  length: 5,
  data: '48656c6c6f',
  truncated: false,
});

describe('the playground\u2019s compressed messages', () => {
  test('what the 101 agreed', () => {
    expect(deflateAgreed(info(null))).toBeNull();
    expect(deflateAgreed(info('permessage-deflate; server_no_context_takeover'))).toMatchObject({ serverNoContextTakeover: true, clientNoContextTakeover: false });
  });

  test('the second "Hello" (RFC 7692 §7.2.3.2): its payload, and the first one as the window, from the tap\u2019s reports', () => {
    const capture = new Capture();
    capture.ingest({ type: 'open', ...info('permessage-deflate') });
    capture.ingest(frame(0, 'c107f248cdc9c90700'));
    capture.ingest(inflated(0, 7));
    capture.ingest(frame(9, 'c105f200110000'));
    capture.ingest(inflated(9, 5));
    const record = capture.connections.get(1)!;
    const frames = { length: capture.frames.length, at: (i: number) => capture.frames.at(i), indexOfSeq: (seq: number) => seq };
    const second = compressedView(frames, capture.frames.at(1)!, record)!;
    expect([...second.payload]).toEqual([0xf2, 0x00, 0x11, 0x00, 0x00]);
    expect(new TextDecoder().decode(second.window!)).toBe('Hello');
    expect(new TextDecoder().decode(second.server!.data)).toBe('Hello');
    expect(framePreview(capture.frames.at(1)!)).toBe('compressed: f2 00 11 00 00');
    // Without the extension in the 101, RSV1 means nothing here.
    const plain = new Capture();
    plain.ingest({ type: 'open', ...info(null) });
    plain.ingest(frame(0, 'c107f248cdc9c90700'));
    expect(compressedView(frames, plain.frames.at(0)!, plain.connections.get(1)!)).toBeNull();
  });
});
