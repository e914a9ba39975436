import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame, HEX_OUTPUT_FORMATS, parseHex, toHex } from '../../../protocol';
import { parseCapture } from '../../../capture';
import { Capture, type CapturedFrame } from '../../inspector/capture';
import { captureFile } from '../../inspector/export';
import { hello, open } from '../../inspector/fixtures';
import type { FrameMessage } from '../../inspector/messages';
import { frameBase64, frameHex, framePayloadText, visibleCapture, visibleCaptureJson } from './copy-as';
import { writeClipboard } from './clipboard';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const KEY = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

/** A frame message as the inspector reports it, with the codec's bytes. */
function frameMessage(connection: number, direction: 'in' | 'out', offset: number, opcode: number, payload: Uint8Array, t: number): FrameMessage {
  const masked = direction === 'in';
  const bytes = encodeFrame({ fin: true, opcode, payload, ...(masked ? { maskingKey: KEY } : {}) }, (n) => new Uint8Array(n));
  return {
    type: 'frame', t, wall: 1_700_000_000_000 + t, connection, direction, offset, size: bytes.length, opcode, fin: true, masked,
    payloadLength: payload.length, headerLength: bytes.length - payload.length, bytes: toHex(bytes), truncated: false,
  };
}

/** Two connections: text, ping, binary and a large text frame (extended payload length) each way. */
function session(): Capture {
  const capture = new Capture();
  capture.ingest(hello());
  capture.ingest(open(1, 1, 100));
  capture.ingest(open(2, 2, 101));
  let t = 110;
  const offsets: Record<string, number> = {};
  const send = (connection: number, direction: 'in' | 'out', opcode: number, payload: Uint8Array): void => {
    const key = `${connection}${direction}`;
    const message = frameMessage(connection, direction, offsets[key] ?? 0, opcode, payload, t++);
    offsets[key] = (offsets[key] ?? 0) + message.size;
    capture.ingest(message);
  };
  send(1, 'in', 0x1, text('hello alice'));
  send(1, 'out', 0x1, text('hello alice'));
  send(1, 'out', 0x9, text('alive?'));
  send(1, 'in', 0xa, text('alive?'));
  send(2, 'in', 0x2, new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x00]));
  send(2, 'out', 0x9, new Uint8Array(0));
  send(2, 'out', 0x1, text('ü'.repeat(200)));
  return capture;
}

function subject(frame: CapturedFrame) {
  return { bytes: frame.bytes, size: frame.size, headerLength: frame.headerLength, masked: frame.masked, direction: frame.direction };
}

describe('copy a frame as', () => {
  const frames = session().frames.slice();

  it('hex, in every notation the decoder writes, reads back (parseHex) to the same frame (the codec)', () => {
    for (const frame of frames) {
      const original = decodeFrames(frame.bytes, { sender: frame.direction === 'client-to-server' ? 'client' : 'server' });
      expect(original.fault).toBeNull();
      for (const format of HEX_OUTPUT_FORMATS) {
        const copied = frameHex(subject(frame), format);
        const parsed = parseHex(copied);
        if (!parsed.ok) throw new Error(`${format}: ${parsed.error.message}`);
        expect(parsed.format, format).toBe(format);
        expect(toHex(parsed.bytes)).toBe(toHex(frame.bytes));
        const back = decodeFrames(parsed.bytes, { sender: frame.direction === 'client-to-server' ? 'client' : 'server' });
        expect(back.fault).toBeNull();
        expect(back.frames).toHaveLength(1);
        expect(back.frames[0]!.opcode).toBe(frame.opcode);
        expect(toHex(back.frames[0]!.payload)).toBe(toHex(original.frames[0]!.payload));
      }
    }
  });

  it('base64 of the wire bytes', () => {
    for (const frame of frames) {
      const copied = frameBase64(subject(frame));
      expect(copied).toMatch(/^[A-Za-z0-9+/]*={0,2}$/);
      expect(toHex(Uint8Array.from(atob(copied), (c) => c.charCodeAt(0)))).toBe(toHex(frame.bytes));
    }
  });

  it('the payload text, unmasked', () => {
    expect(framePayloadText(subject(frames[0]!))).toBe('hello alice');
    expect(framePayloadText(subject(frames[3]!))).toBe('alive?');
    expect(framePayloadText(subject(frames[6]!))).toBe('ü'.repeat(200));
  });

});

describe('copy the visible frames as JSON', () => {
  it('holds exactly the listed frames, with their connections, and reads back as a capture', () => {
    const capture = session();
    const pings = capture.frames.slice().filter((frame) => frame.opcode === 0x9);
    expect(pings).toHaveLength(2);
    const file = visibleCapture(captureFile(capture, { source: 'playground' }), pings);
    expect(file.connections.map((c) => c.connection)).toEqual([1, 2]);
    const json = visibleCaptureJson(captureFile(capture, { source: 'playground' }), pings);
    const read = parseCapture(json);
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    const events = read.capture.connections.flatMap((c) => c.events);
    expect(events.map((e) => e.type)).toEqual(['frame', 'frame']);
    expect(events.map((e) => (e.type === 'frame' ? e.bytes : null))).toEqual(pings.map((p) => toHex(p.bytes)));
  });

  it('no visible frame: a capture with no connection', () => {
    const capture = session();
    const file = visibleCapture(captureFile(capture), []);
    expect(file.connections).toEqual([]);
    expect(parseCapture(visibleCaptureJson(captureFile(capture), [])).ok).toBe(true);
  });
});

describe('the clipboard', () => {
  it('writes where the page is a secure context', async () => {
    const written: string[] = [];
    const ok = await writeClipboard('81 00', { isSecureContext: true, navigator: { clipboard: { writeText: async (t) => void written.push(t) } } });
    expect(ok).toBe(true);
    expect(written).toEqual(['81 00']);
  });

  it('says no on http at a LAN address (not a secure context), without a clipboard, or when refused', async () => {
    const writeText = async (): Promise<void> => {};
    expect(await writeClipboard('x', { isSecureContext: false, navigator: { clipboard: { writeText } } })).toBe(false);
    expect(await writeClipboard('x', { isSecureContext: true, navigator: {} })).toBe(false);
    const refuse = async (): Promise<void> => {
      throw new DOMException('Write permission denied.', 'NotAllowedError');
    };
    expect(await writeClipboard('x', { isSecureContext: true, navigator: { clipboard: { writeText: refuse } } })).toBe(false);
  });
});
