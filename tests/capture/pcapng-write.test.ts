/**
 * Writing pcapng from a capture: the blocks are well formed, every IPv4 and TCP checksum is
 * right, sequence and acknowledgement numbers add up, one segment per reported read, and reading
 * the file back gives the frames the capture holds, both ways.
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  CaptureFileReader,
  captureToPcapng,
  checksum,
  decodePacket,
  importCapture,
  inspectorMessages,
  parseCapture,
  reportFromCapture,
  serializeCapture,
  type CaptureFile,
  type CaptureReport,
  type TcpSegment,
} from '../../src/capture';
import { toHex } from '../../src/protocol';
import { captureArb } from './arbitrary';

function packets(file: Uint8Array): { data: Uint8Array; originalLength: number; time: number }[] {
  const reader = new CaptureFileReader();
  reader.push(file);
  const out = [];
  for (let p = reader.next(); p; p = reader.next()) out.push(p);
  reader.end();
  expect(reader.problems).toEqual([]);
  return out;
}

function perDirection(report: CaptureReport): unknown {
  return [...report.connections].sort((a, b) => (a.client < b.client ? -1 : 1)).map((c) => ({
    client: c.client,
    server: c.server,
    c2s: c.frames.filter((f) => f.dir === 'c2s').map((f) => [f.frame.offset, f.frame.opcode, f.frame.fin, toHex(f.frame.maskingKey ?? new Uint8Array(0)), toHex(f.frame.payload)]),
    s2c: c.frames.filter((f) => f.dir === 's2c').map((f) => [f.frame.offset, f.frame.opcode, f.frame.fin, f.frame.masked, toHex(f.frame.payload)]),
    messages: c.messages.map((m) => `${m.dir} ${m.opcode} ${m.payload.length}`).sort(),
  }));
}

describe('a capture as pcapng', () => {
  test('reads back as the same frames, both directions, for any capture (property)', () => {
    fc.assert(
      fc.property(captureArb, (capture) => {
        const fromJson = reportFromCapture(capture);
        const fromPcapng = importCapture(captureToPcapng(capture));
        expect(fromPcapng.error).toBeNull();
        expect(fromPcapng.format).toBe('pcapng');
        expect(fromPcapng.linkType).toBe('ethernet');
        expect(perDirection(fromPcapng)).toEqual(perDirection(fromJson));
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  test('checksums are right, sequence and acknowledgement numbers add up, one data segment per read (property)', () => {
    fc.assert(
      fc.property(captureArb, (capture: CaptureFile) => {
        const file = captureToPcapng(capture);
        const next = new Map<string, number>();
        let lastTime = -Infinity;
        const dataSegments = new Map<string, number[]>();
        for (const p of packets(file)) {
          expect(p.time).toBeGreaterThanOrEqual(lastTime);
          lastTime = p.time;
          expect(p.originalLength).toBe(p.data.length);
          const decoded = decodePacket({ ...p, index: 0, fileOffset: 0, linkType: 1 });
          expect(decoded.kind).toBe('tcp');
          const seg = (decoded as { segment: TcpSegment }).segment;
          verifyChecksums(p.data);
          const src = `${seg.src.address} ${seg.src.port}`;
          const dst = `${seg.dst.address} ${seg.dst.port}`;
          const from = `${src} > ${dst}`;
          const to = `${dst} > ${src}`;
          if (seg.flags & 0x02) next.set(from, seg.seq);
          // RFC 9293 §3.4: each segment starts where the sender's last one ended.
          expect(seg.seq, `seq from ${from}`).toBe(next.get(from));
          if (seg.flags & 0x10) expect(seg.ack, `ack from ${from}`).toBe(next.get(to));
          next.set(from, (seg.seq + seg.payload.length + (seg.flags & 0x03 ? 1 : 0)) >>> 0);
          if (seg.payload.length > 0) dataSegments.set(src, [...(dataSegments.get(src) ?? []), seg.payload.length]);
        }
        for (const conn of capture.connections) {
          const reads = conn.events.filter((e) => e.type === 'read').map((e) => (e as { size: number }).size);
          const client = conn.client.startsWith('[') ? conn.client.replace(/^\[(.*)\]:(\d+)$/, '$1 $2') : conn.client.replace(':', ' ');
          const segments = dataSegments.get(client) ?? [];
          // The request head, then a segment per read (a read over 65,495 bytes in two).
          const expected = reads.flatMap((n) => (n > 65_495 ? [65_495, n - 65_495] : [n]));
          expect(segments.slice(1)).toEqual(expected);
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});

/** RFC 1071: the sum over a header (or pseudo-header and segment) with its checksum in it is 0xffff. */
function verifyChecksums(frame: Uint8Array): void {
  const v6 = frame[12] === 0x86;
  const ip = frame.subarray(14);
  const ipHeader = v6 ? 40 : 20;
  if (!v6) expect(checksum([ip.subarray(0, 20)]), 'IPv4 header checksum').toBe(0);
  const tcp = ip.subarray(ipHeader);
  const pseudo = new Uint8Array(v6 ? 40 : 12);
  const view = new DataView(pseudo.buffer);
  if (v6) {
    pseudo.set(ip.subarray(8, 40), 0);
    view.setUint32(32, tcp.length);
    pseudo[39] = 6;
  } else {
    pseudo.set(ip.subarray(12, 20), 0);
    pseudo[9] = 6;
    view.setUint16(10, tcp.length);
  }
  expect(checksum([pseudo, tcp]), 'TCP checksum').toBe(0);
}

describe('a connection watched through /proxy', () => {
  // The browser's bytes (masked), the target's reads (two frames in one read, then a masked frame:
  // a fault in the target's bytes), and what the proxy found, as the inspector reports them.
  const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
  const hello = Uint8Array.of(0x81, 0x85, 1, 2, 3, 4, 0x48 ^ 1, 0x65 ^ 2, 0x6c ^ 3, 0x6c ^ 4, 0x6f ^ 1);
  const echo = Uint8Array.of(0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f);
  const pong = Uint8Array.of(0x8a, 0x00);
  const maskedByTarget = Uint8Array.of(0x81, 0x82, 9, 9, 9, 9, 0x6f ^ 9, 0x6b ^ 9);
  const capture: CaptureFile = {
    format: 'framescope-capture',
    version: 1,
    savedAt: null,
    name: 'proxied',
    source: 'test',
    connections: [
      {
        connection: 4,
        path: '/proxy',
        session: 's',
        client: '127.0.0.1:50010',
        server: '127.0.0.1:8008',
        t: 10,
        wall: 1_765_000_000_010,
        request: { method: 'GET', url: '/proxy?target=ws%3A%2F%2F127.0.0.1%3A9001%2F&session=s', httpVersion: '1.1', headers: ['Host: 127.0.0.1:8008', 'Upgrade: websocket', 'Connection: Upgrade', 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13'] },
        response: { status: 101, head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n' },
        proxy: { target: 'ws://127.0.0.1:9001/', address: '127.0.0.1:9001', forwarded: { method: 'GET', url: '/', httpVersion: '1.1', headers: ['Host: 127.0.0.1:9001'] }, steps: [], ok: true },
        events: [
          { type: 'read', t: 11, offset: 0, size: hello.length, boundaries: [hello.length] },
          { type: 'frame', t: 11.1, direction: 'in', offset: 0, size: hello.length, opcode: 1, fin: true, masked: true, payloadLength: 5, headerLength: 6, bytes: hex(hello), truncated: false },
          { type: 'read', t: 12, direction: 'out', offset: 0, size: echo.length + pong.length, boundaries: [echo.length, echo.length + pong.length] },
          { type: 'frame', t: 12.1, direction: 'out', offset: 0, size: echo.length, opcode: 1, fin: true, masked: false, payloadLength: 5, headerLength: 2, bytes: hex(echo), truncated: false },
          { type: 'frame', t: 12.2, direction: 'out', offset: echo.length, size: pong.length, opcode: 10, fin: true, masked: false, payloadLength: 0, headerLength: 2, bytes: hex(pong), truncated: false },
          { type: 'read', t: 13, direction: 'out', offset: echo.length + pong.length, size: maskedByTarget.length, boundaries: [] },
          { type: 'fault', t: 13.1, direction: 'out', rule: 'mask-forbidden', closeCode: 1002, offset: echo.length + pong.length + 1, length: 1, rfc: '5.1', detail: {}, message: 'masked', frameOffset: echo.length + pong.length, bytes: hex(maskedByTarget) },
          { type: 'finding', t: 13.2, direction: 'out', rule: 'decoding-stopped', level: 'info', offset: echo.length + pong.length, length: 0, rfc: '7.1.7', message: 'stopped decoding' },
          { type: 'closed', t: 20, code: 1006, reason: '', wasClean: false, initiator: null, cause: null, duration: 10, framesIn: 1, framesOut: 2, bytesIn: hello.length, bytesOut: 17, tcpClosedBy: 'server' },
        ],
      },
    ],
  };

  test('the JSON keeps the proxy, the findings and each direction\'s reads and faults', () => {
    const parsed = parseCapture(serializeCapture(capture));
    expect(parsed.ok && parsed.warnings).toEqual([]);
    expect(parsed.ok && parsed.capture).toEqual(capture);
    const report = reportFromCapture(capture);
    const [conn] = report.connections;
    expect(conn!.frames.map((f) => `${f.dir} ${f.frame.opcode}`)).toEqual(['c2s 1', 's2c 1', 's2c 10']);
    expect(conn!.faults.map((f) => [f.dir, f.fault.rule, hex(f.bytes)])).toEqual([['s2c', 'mask-forbidden', hex(maskedByTarget)]]);
    const replayed = inspectorMessages(capture);
    expect(replayed[0]).toMatchObject({ type: 'open', proxy: { target: 'ws://127.0.0.1:9001/' } });
    expect(replayed.map((m) => m.type)).toContain('finding');
  });

  test('pcapng: the target\'s bytes go out one segment per read the proxy made of them, the fault\'s frame included', () => {
    const file = captureToPcapng(capture);
    const server: number[] = [];
    const client: number[] = [];
    for (const p of packets(file)) {
      const decoded = decodePacket({ ...p, index: 0, fileOffset: 0, linkType: 1 });
      const seg = (decoded as { segment: TcpSegment }).segment;
      if (seg.payload.length === 0) continue;
      (seg.src.port === 8008 ? server : client).push(seg.payload.length);
    }
    // The 101, then the target's two reads; the request head, then the browser's one read.
    expect(server.slice(1)).toEqual([echo.length + pong.length, maskedByTarget.length]);
    expect(client.slice(1)).toEqual([hello.length]);
    const back = importCapture(file);
    expect(back.error).toBeNull();
    expect(perDirection(back)).toEqual(perDirection(reportFromCapture(capture)));
    expect(back.connections[0]!.faults.map((f) => [f.dir, f.fault.rule])).toEqual([['s2c', 'mask-forbidden']]);
  });
});
