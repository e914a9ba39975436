/**
 * The file readers: pcap and pcapng in both byte orders, several sections and interfaces, every
 * link type the reader decodes around IPv4 and IPv6, time resolutions, and broken files (cut
 * mid-record, cut by the snapshot length, corrupt, not a capture at all), each said with its byte.
 */
import { describe, expect, test } from 'vitest';
import { CaptureImporter, importCapture, type CaptureReport } from '../../src/capture';
import { Opcode } from '../../src/protocol';
import {
  cat,
  conversation,
  ip,
  link,
  LINK_TYPES,
  masked,
  pcapFile,
  pcapngFile,
  records,
  unmasked,
  upgradeRequest,
  upgradeResponse,
  type Link,
  type Seg,
} from './build';

const enc = new TextEncoder();
const hello = masked({ opcode: Opcode.Text, payload: enc.encode('Hello') });
const echo = unmasked({ opcode: Opcode.Text, payload: enc.encode('Hello') });
const big = masked({ opcode: Opcode.Binary, payload: new Uint8Array(300).fill(7) }, Uint8Array.of(9, 8, 7, 6));
const ping = unmasked({ opcode: Opcode.Ping, payload: enc.encode('hi') });
const pong = masked({ opcode: Opcode.Pong, payload: enc.encode('hi') });
const close = masked({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8, ...enc.encode('bye')) });
const closeBack = unmasked({ opcode: Opcode.Close, payload: Uint8Array.of(0x03, 0xe8) });

function session(options: Parameters<typeof conversation>[1] = {}): Seg[] {
  return conversation(
    [
      { from: 'client', bytes: upgradeRequest(options.sport ?? 8080) },
      { from: 'server', bytes: upgradeResponse() },
      { from: 'client', bytes: hello },
      { from: 'server', bytes: echo },
      { from: 'client', bytes: big },
      { from: 'server', bytes: ping },
      { from: 'client', bytes: cat(pong, close) },
      { from: 'server', bytes: closeBack },
    ],
    options,
  );
}

/** What a report says, in short: per connection, the frames as "dir opcode length masked". */
function summary(report: CaptureReport): unknown {
  return {
    error: report.error?.code ?? null,
    connections: report.connections.map((c) => ({
      client: c.client,
      server: c.server,
      status: c.handshake.status,
      accept: c.handshake.acceptValid,
      frames: c.frames.map((f) => `${f.dir} ${f.frame.opcode} ${f.frame.payloadLength}${f.frame.masked ? ' m' : ''}`),
      messages: c.messages.map((m) => `${m.dir} ${m.opcode} ${m.text ?? m.payload.length}`),
    })),
  };
}

const EXPECTED_FRAMES = ['c2s 1 5 m', 's2c 1 5', 'c2s 2 300 m', 's2c 9 2', 'c2s 10 2 m', 'c2s 8 5 m', 's2c 8 2'];

describe('every link type, IPv4 and IPv6, pcap and pcapng, both byte orders', () => {
  const links: Link[] = ['ethernet', 'vlan', 'sll', 'sll2', 'null-le', 'null-be', 'loop', 'raw'];
  for (const kind of links) {
    for (const family of ['v4', 'v6'] as const) {
      for (const le of [true, false]) {
        const addresses = family === 'v4' ? { client: '10.0.0.1', server: '10.0.0.2' } : { client: 'fe80::1', server: '2001:db8::2' };
        const segs = session(addresses);
        const recs = records(segs, kind);
        const files = {
          pcap: pcapFile({ le, linkType: LINK_TYPES[kind] }, recs),
          pcapng: pcapngFile([{ le, interfaces: [{ linkType: LINK_TYPES[kind] }], packets: recs }]),
        };
        for (const [format, file] of Object.entries(files)) {
          test(`${format}, ${kind}, ${family}, ${le ? 'little' : 'big'}-endian`, () => {
            const report = importCapture(file);
            expect(report.format).toBe(format);
            expect(report.packets).toBe(segs.length);
            expect(report.problems).toEqual([]);
            const [conn] = report.connections;
            expect(conn?.client).toBe(family === 'v4' ? '10.0.0.1:50000' : '[fe80::1]:50000');
            expect(conn?.server).toBe(family === 'v4' ? '10.0.0.2:8080' : '[2001:db8::2]:8080');
            expect(summary(report)).toMatchObject({ error: null, connections: [{ status: 101, accept: true, frames: EXPECTED_FRAMES }] });
            expect(conn!.messages.map((m) => m.text)).toEqual(['Hello', 'Hello', null, null, null, null, null]);
            expect(conn!.c2s.end).toBe('fin');
            expect(conn!.s2c.end).toBe('fin');
          });
        }
      }
    }
  }

  test('IPv6 extension headers (hop-by-hop, destination options) are stepped over', () => {
    const segs = session({ client: '::1', server: '::1', cport: 40000, sport: 9000 });
    const recs = segs.map((s, i) => ({ time: 1e12 + i, data: link('ethernet', ip(s, { ext: i % 2 === 0 ? 'hop-by-hop' : 'dest-options' })) }));
    const report = importCapture(pcapngFile([{ interfaces: [{ linkType: 1 }], packets: recs }]));
    expect(summary(report)).toMatchObject({ connections: [{ client: '[::1]:40000', server: '[::1]:9000', frames: EXPECTED_FRAMES }] });
  });
});

describe('pcapng: sections, interfaces, blocks, time resolutions', () => {
  test('two sections in opposite byte orders, interfaces of different link types, simple and obsolete packet blocks', () => {
    const segs = session();
    const half = 6;
    const first = records(segs.slice(0, half), 'ethernet');
    const second = segs.slice(half).map((s, i) => ({ time: 1_700_000_000_100 + i, data: link(i % 2 ? 'sll' : 'raw', ip(s)), iface: i % 2 ? 1 : 0, block: i === 0 ? ('pb' as const) : ('epb' as const) }));
    const file = pcapngFile([
      { le: true, interfaces: [{ linkType: 1 }], packets: first },
      { le: false, interfaces: [{ linkType: 101 }, { linkType: 113 }], packets: second },
    ]);
    const report = importCapture(file);
    expect(report.linkType).toBe('ethernet,raw,linux_sll');
    expect(summary(report)).toMatchObject({ error: null, connections: [{ frames: EXPECTED_FRAMES }] });
    // A simple packet block (no interface number, no time: it takes the previous packet's).
    const spb = pcapngFile([{ interfaces: [{ linkType: 1 }], packets: records(segs, 'ethernet').map((r, i) => ({ ...r, block: i === 4 ? ('spb' as const) : ('epb' as const) })) }]);
    expect(summary(importCapture(spb))).toMatchObject({ error: null, connections: [{ frames: EXPECTED_FRAMES }] });
  });

  test('timestamps in microseconds, nanoseconds, milliseconds and powers of two come out as the same epoch ms', () => {
    const segs = session();
    const start = 1_765_432_100_123.456;
    for (const tsresol of [6, 9, 3, 0x80 | 20]) {
      const recs = records(segs, 'ethernet', start);
      const report = importCapture(pcapngFile([{ interfaces: [{ linkType: 1, tsresol }], packets: recs }]));
      const [conn] = report.connections;
      const precision = tsresol === 3 ? 1 : 0.01;
      expect(Math.abs(conn!.start - start), `tsresol ${tsresol}`).toBeLessThan(precision);
      // The frame "Hello" is in the 4th data packet: record 3 + 2 (handshake, request, response).
      expect(Math.abs(conn!.frames[0]!.time - (start + 5))).toBeLessThan(precision);
    }
    for (const nano of [false, true]) {
      const report = importCapture(pcapFile({ linkType: 1, nano }, records(segs, 'ethernet', start)));
      expect(Math.abs(report.connections[0]!.start - start)).toBeLessThan(0.001);
    }
  });
});

describe('broken files: what is wrong, and at which byte', () => {
  const segs = session();
  const recs = records(segs, 'ethernet');
  const pcapng = pcapngFile([{ interfaces: [{ linkType: 1 }], packets: recs }]);
  const pcap = pcapFile({ linkType: 1 }, recs);

  test('a file cut inside a record: "truncated" at the record\'s first byte, the packets before it read', () => {
    for (const [name, file] of [['pcap', pcap], ['pcapng', pcapng]] as const) {
      const lastRecord = name === 'pcap' ? file.length - (16 + recs.at(-1)!.data.length) : file.length - (32 + ((recs.at(-1)!.data.length + 3) & ~3));
      for (const cut of [lastRecord + 1, lastRecord + 10, file.length - 1]) {
        const report = importCapture(file.subarray(0, cut));
        expect(report.error, `${name} cut at ${cut}`).toMatchObject({ code: 'truncated', atByte: lastRecord });
        expect(report.error!.message).toMatch(/ends inside/);
        expect(report.packets).toBe(segs.length - 1);
        // Everything but the last ACK's packet was there: all the frames are.
        expect(report.connections[0]!.frames.length).toBe(EXPECTED_FRAMES.length);
      }
    }
    expect(importCapture(pcap.subarray(0, 10)).error).toMatchObject({ code: 'truncated', atByte: 0 });
  });

  test('a packet cut by the snapshot length: "payload-missing" at its byte, frames stop at the hole, nothing is made up', () => {
    const cutIndex = 7; // the client's 300-byte binary frame
    const cutRecs = recs.map((r, i) => (i === cutIndex ? { ...r, data: r.data.subarray(0, 100), orig: r.data.length } : r));
    for (const file of [pcapFile({ linkType: 1, snaplen: 100 }, cutRecs), pcapngFile([{ interfaces: [{ linkType: 1, snaplen: 100 }], packets: cutRecs }])]) {
      const report = importCapture(file);
      expect(report.error?.code).toBe('payload-missing');
      expect(report.error!.message).toMatch(/packet 8 at byte \d+ was captured with 100 of its/);
      const conn = report.connections[0]!;
      // Client frames stop before the cut frame; the server's go on.
      expect(conn.frames.filter((f) => f.dir === 'c2s').map((f) => f.frame.opcode)).toEqual([1]);
      expect(conn.frames.filter((f) => f.dir === 's2c').map((f) => f.frame.opcode)).toEqual([1, 9, 8]);
      expect(conn.c2s.end).toBe('gap');
      expect(conn.c2s.missing).toEqual({ at: hello.length + 100 - 54, bytes: big.length - (100 - 54) });
      expect(report.problems.some((p) => /client→server stream .* were never captured/.test(p.message))).toBe(true);
    }
  });

  test('a corrupt block length: "corrupt" at the block, what came before is read', () => {
    const bad = pcapng.slice();
    const view = new DataView(bad.buffer);
    // The 6th block: SHB, IDB, NRB, then packets; find it by walking.
    let at = 0;
    for (let i = 0; i < 6; i++) at += view.getUint32(at + 4, true);
    view.setUint32(at + 4, 7, true);
    const report = importCapture(bad);
    expect(report.error).toMatchObject({ code: 'corrupt', atByte: at });
    expect(report.packets).toBe(3);
    const trailer = pcapng.slice();
    new DataView(trailer.buffer).setUint32(at + new DataView(trailer.buffer).getUint32(at + 4, true) - 4, 12345, true);
    expect(importCapture(trailer).error).toMatchObject({ code: 'corrupt', atByte: at });
  });

  test('not a capture: "unrecognized", with what it looks like', () => {
    expect(importCapture(new Uint8Array(0)).error).toMatchObject({ code: 'unrecognized', message: 'the file is empty' });
    expect(importCapture(enc.encode('hello world, not a capture')).error?.message).toMatch(/neither pcap nor pcapng/);
    expect(importCapture(Uint8Array.of(0x1f, 0x8b, 8, 0, 0, 0)).error?.message).toMatch(/gzip/);
    expect(importCapture(Uint8Array.of(0x0a, 0x0d, 0x0d, 0x0a, 28, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0)).error).toMatchObject({ code: 'corrupt', atByte: 0 });
  });
});

describe('streaming: any chunking gives the same report, with progress on the way', () => {
  const segs = session();
  const file = pcapngFile([{ interfaces: [{ linkType: LINK_TYPES.sll2 }], packets: records(segs, 'sll2') }]);
  const whole = summary(importCapture(file));

  test('the whole file at once', () => {
    expect(whole).toMatchObject({ error: null, connections: [{ frames: EXPECTED_FRAMES }] });
  });

  test('split at every byte position', () => {
    for (let cut = 1; cut < file.length; cut += 7) {
      const importer = new CaptureImporter();
      importer.push(file.subarray(0, cut));
      importer.push(file.subarray(cut));
      expect(summary(importer.finish()), `cut at ${cut}`).toEqual(whole);
    }
  });

  test('a byte at a time, progress counting bytes and packets as they come', () => {
    const importer = new CaptureImporter();
    let packets = 0;
    for (let i = 0; i < file.length; i++) {
      importer.push(file.subarray(i, i + 1));
      const p = importer.progress;
      expect(p.bytes).toBe(i + 1);
      expect(p.packets).toBeGreaterThanOrEqual(packets);
      packets = p.packets;
    }
    expect(importer.progress).toMatchObject({ packets: segs.length, connections: 1, webSocketConnections: 1 });
    expect(summary(importer.finish())).toEqual(whole);
  });

  test('the chunks pushed are never written to (masked payloads are unmasked in copies)', () => {
    const copy = file.slice();
    importCapture(copy);
    expect(copy).toEqual(file);
  });
});

test('a capture without WebSocket: other TCP streams counted, nothing else', () => {
  const http = conversation([
    { from: 'client', bytes: enc.encode('GET / HTTP/1.1\r\nHost: x\r\n\r\n') },
    { from: 'server', bytes: enc.encode('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi') },
  ]);
  const tls = conversation([{ from: 'client', bytes: Uint8Array.of(0x16, 3, 1, 0, 5, 1, 2, 3, 4, 5) }], { cport: 50001, sport: 443 });
  const segs = [...http, ...tls];
  const report = importCapture(pcapngFile([{ interfaces: [{ linkType: 1 }], packets: records(segs) }]));
  expect(report.connections).toEqual([]);
  expect(report.nonWebSocketStreams).toBe(2);
  expect(report.error).toBeNull();
  expect(report.notes).toContain('1 TCP connection carried TLS (https:// or wss://): encrypted, so its frames cannot be shown; capture ws:// traffic to see them');
});
