/**
 * The decoder page's capture reading (src/app/decoder/capture/: plain TypeScript, run by its
 * worker): the importer's report as a summary, frame tables and whole frames, from a file's stream.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture, wireBytes } from '../../src/capture';
import { decodeFrames, toHex } from '../../src/protocol';
import { rowOf, tableRows } from '../../src/app/decoder/capture/frames';
import { readCapture } from '../../src/app/decoder/capture/read';
import { CaptureSession, FAULT, PREVIEW_PAYLOAD } from '../../src/app/decoder/capture/session';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.resolve(__dirname, '../fixtures/captures', name)));

describe('a capture file read for the decoder page', () => {
  it('gives each connection\u2019s frames as a table whose rows are the importer\u2019s frames, and each frame\u2019s wire bytes whole', () => {
    const bytes = fixture('echo-lo.pcapng');
    const report = importCapture(bytes);
    const session = new CaptureSession('echo-lo.pcapng', bytes.length);
    for (let at = 0; at < bytes.length; at += 1000) session.push(bytes.slice(at, at + 1000));
    const summary = session.finish();
    expect(summary).toMatchObject({ name: 'echo-lo.pcapng', size: bytes.length, format: 'pcapng', error: null, nonWebSocketStreams: 0 });
    expect(summary.connections).toHaveLength(1);
    const frames = report.connections[0]!.frames;
    const table = session.table(0)!;
    expect(table.count).toBe(frames.length);
    const rows = tableRows(table, 0, summary.connections[0]!.start);
    frames.forEach((f, i) => {
      const row = rows.at(i)!;
      expect(row).toMatchObject({
        seq: i,
        direction: f.dir === 'c2s' ? 'client-to-server' : 'server-to-client',
        opcode: f.frame.opcode,
        fin: f.frame.fin,
        masked: f.frame.masked,
        payloadLength: f.frame.payloadLength,
        headerLength: f.frame.headerLength,
        offset: f.frame.offset,
        fault: null,
      });
      const wire = wireBytes(f.frame);
      // The preview is the wire's first bytes; the whole frame comes on request.
      expect(toHex(row.bytes)).toBe(toHex(wire.subarray(0, f.frame.headerLength + PREVIEW_PAYLOAD)));
      expect(row.truncated).toBe(wire.length > row.bytes.length);
      expect(toHex(session.frameBytes(0, i)!)).toBe(toHex(wire));
    });
    expect(rows.at(frames.length)).toBeUndefined();
    expect(session.table(1)).toBeNull();
    expect(session.frameBytes(0, frames.length)).toBeNull();
  });

  it('a faulty frame is a row with the codec\u2019s fault and its bytes as captured', () => {
    const enc = new TextEncoder();
    const json = JSON.stringify({
      format: 'framescope-capture', version: 1, savedAt: null, name: null, source: null,
      connections: [{
        connection: 1, path: '/echo', session: null, client: '127.0.0.1:50000', server: '127.0.0.1:8008', t: 0, wall: 1_700_000_000_000,
        request: { method: 'GET', url: '/echo', httpVersion: '1.1', headers: ['Host: 127.0.0.1:8008', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'] },
        response: { status: 101, head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' },
        events: [
          { type: 'frame', t: 1, direction: 'in', offset: 0, size: 11, opcode: 1, fin: true, masked: true, payloadLength: 5, headerLength: 6, bytes: '818537fa213d7f9f4d5158', truncated: false },
          { type: 'fault', t: 2, rule: 'mask-required', closeCode: 1002, offset: 12, length: 1, rfc: '5.1', detail: {}, message: 'unmasked', frameOffset: 11, bytes: '810548656c6c6f' },
        ],
      }],
    });
    const session = new CaptureSession('x.json', json.length);
    session.push(enc.encode(json));
    const summary = session.finish();
    expect(summary.connections[0]!.faults).toEqual([{ dir: 'c2s', fault: expect.objectContaining({ rule: 'mask-required', closeCode: 1002, offset: 12 }) }]);
    const table = session.table(0)!;
    expect(table.count).toBe(2);
    expect(table.flags[1]! & FAULT).toBe(FAULT);
    const row = rowOf(table, 0, 0, 1);
    expect(row.fault).toMatchObject({ rule: 'mask-required', frameOffset: 11 });
    expect(toHex(row.bytes)).toBe('810548656c6c6f');
    expect(row).toMatchObject({ opcode: 1, fin: true, masked: false, payloadLength: 5, headerLength: 2, truncated: false });
    expect(decodeFrames(session.frameBytes(0, 1)!, { sender: 'client' }).fault?.rule).toBe('mask-required');
  });

  it('reads a file in chunks from its stream, with progress, and says what is wrong where', async () => {
    const whole = fixture('echo-lo.pcap');
    const cut = whole.slice(0, whole.length - 30);
    const seen: number[] = [];
    const { summary } = await readCapture(new Blob([cut]), 'cut.pcap', (p) => seen.push(p.bytes));
    expect(seen.at(-1)).toBe(cut.length);
    expect(summary.error).toMatchObject({ code: 'truncated', atByte: expect.any(Number) });
    expect(summary.connections[0]!.frames).toBeGreaterThan(10);
  });

  it('a cancelled read stops', async () => {
    const signal = { cancelled: true };
    await expect(readCapture(new Blob([fixture('echo-lo.pcapng')]), 'x', () => {}, { signal })).rejects.toThrow('cancelled');
  });
});
