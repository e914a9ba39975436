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
  reportFromCapture,
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
