/**
 * Copy's "visible frames as JSON" on an imported capture (src/app/decoder/capture/visible-json.ts):
 * a filtered selection of a Wireshark capture's rows becomes a Framescope capture file that reads
 * back (parseCapture, then the importer) to the same frames, bytes whole.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importCapture, parseCapture, serializeCapture } from '../../src/capture';
import { toHex } from '../../src/protocol';
import { tableRows } from '../../src/app/decoder/capture/frames';
import { CaptureSession } from '../../src/app/decoder/capture/session';
import { importedCapture } from '../../src/app/decoder/capture/visible-json';

const fixture = (name: string): Uint8Array<ArrayBuffer> => new Uint8Array(readFileSync(path.resolve(__dirname, '../fixtures/captures', name)));

describe('an imported capture\u2019s visible frames as JSON', () => {
  it('holds those frames whole, with the connection\u2019s handshake, and reads back to the same frames', async () => {
    const bytes = fixture('echo-lo.pcapng');
    const session = new CaptureSession('echo-lo.pcapng', bytes.length);
    session.push(bytes);
    const summary = session.finish();
    const connection = summary.connections[0]!;
    const rows = tableRows(session.table(0)!, 0, connection.start);
    // "The server's frames": every other row kept, as a filter would.
    const visible = [];
    for (let i = 0; i < rows.length; i++) if (rows.at(i)!.direction === 'server-to-client') visible.push(rows.at(i)!);
    expect(visible.length).toBeGreaterThan(2);
    const file = await importedCapture('echo-lo.pcapng', connection, visible, async (row) => session.frameBytes(0, row));
    const read = parseCapture(serializeCapture(file));
    if (!read.ok) throw new Error(JSON.stringify(read.error));
    const events = read.capture.connections[0]!.events;
    expect(events.map((e) => (e.type === 'frame' ? e.direction : e.type))).toEqual(visible.map(() => 'out'));
    expect(events.map((e) => (e.type === 'frame' ? e.bytes : ''))).toEqual(visible.map((row) => toHex(session.frameBytes(0, row.seq)!)));
    expect(read.capture.connections[0]!.request.headers.some((h) => /^Sec-WebSocket-Key: /i.test(h))).toBe(true);
    // The Framescope importer reads it as one connection with those frames.
    const again = importCapture(new TextEncoder().encode(serializeCapture(file)));
    expect(again.error).toBeNull();
    expect(again.connections[0]!.frames.map((f) => f.frame.opcode)).toEqual(visible.map((row) => row.opcode));
  });

  it('no visible frame: no connection', async () => {
    const bytes = fixture('echo-lo.pcapng');
    const session = new CaptureSession('x', bytes.length);
    session.push(bytes);
    const connection = session.finish().connections[0]!;
    const file = await importedCapture('x', connection, [], async () => null);
    expect(file.connections).toEqual([]);
    expect(parseCapture(serializeCapture(file)).ok).toBe(true);
  });
});
