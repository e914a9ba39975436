/**
 * Wireshark's dissector on the same bytes: a capture on `lo` of sessions against `/echo`, decoded
 * by tshark, must agree frame for frame (FIN, RSV, opcode, MASK, the length and its form, the
 * masking key, the unmasked payload) with what the inspector tap reported (`/inspect`, as in
 * docs/inspector.md) and with `decodeFrames` run on the bytes the client saw; the 101 response
 * must satisfy tshark's HTTP dissector, and tshark must flag nothing malformed.
 *
 * Covered: 7-, 16- and 64-bit lengths at their edges (125/126, 65535/65536, 70000), empty and
 * 125-byte pings, client and server pings, a fragmented message with a ping between fragments, a
 * server-fragmented echo, close frames both ways (client-initiated 1000, a fault's 1002 with its
 * reason, a server-initiated 4000).
 *
 * Needs tshark and the right to capture (root). Without them the test is skipped with a loud
 * message, except under CI=true, where a missing tshark fails (.ci/run installs it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { decodeFrames } from '../../src/protocol';
import { createFramescopeServer, type FramescopeServer } from '../../server/index';
import { frame, Raw } from '../abuse/helpers';
import { fromCodec, fromTshark, list, type Decoded, type Json } from './dissect';

const CI = process.env.CI === 'true' || process.env.CI === '1';
const tsharkVersion = spawnSync('tshark', ['--version'], { encoding: 'utf8' });
const haveTshark = tsharkVersion.error === undefined && tsharkVersion.status === 0;

const banner = (why: string): string =>
  `\n${'!'.repeat(78)}\n!! tests/wireshark/tshark.test.ts SKIPPED: ${why}\n!! Wireshark's cross-check of the wire bytes did NOT run.\n${'!'.repeat(78)}\n`;

if (!haveTshark) {
  if (CI) {
    describe('tshark', () => {
      it('is installed (CI=true: .ci/run installs it with apt-get install tshark)', () => {
        expect.fail('tshark is not on PATH; the Wireshark cross-check cannot run');
      });
    });
  } else {
    console.warn(banner('tshark is not installed (apt-get install tshark)'));
    describe.skip('tshark (not installed)', () => it('skipped', () => {}));
  }
} else {
  defineSuite();
}

// ---- what each decoder says about a frame ---------------------------------------------------

/** Every expert item and malformed marker under `node`: [severity, message]. */
function experts(node: unknown, out: [number, string][] = []): [number, string][] {
  if (Array.isArray(node)) {
    for (const x of node) experts(x, out);
  } else if (node !== null && typeof node === 'object') {
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '_ws.malformed' || k.startsWith('_ws.malformed')) out.push([0x00800000, `malformed: ${JSON.stringify(v)}`]);
      if (k === '_ws.expert') {
        for (const e of list(v as Json | Json[])) out.push([Number(e['_ws.expert.severity']), String(e['_ws.expert.message'])]);
      }
      experts(v, out);
    }
  }
  return out;
}

const PI_WARN = 0x00600000;

// ---- the suite --------------------------------------------------------------------------------

function defineSuite(): void {
  describe('tshark agrees with the inspector and decodeFrames on the wire bytes', () => {
    let server: FramescopeServer;
    let port = 0;
    let dir = '';
    let capture: ChildProcess | null = null;
    let packets: Json[] = [];
    const inspector: Json[] = [];
    const clients = new Map<number, { raw: Raw; name: string; key?: string }>();
    const SESSION = 'tshark-check';
    /** Why the capture could not run (no right to capture on lo), if it could not: the tests skip, loudly. */
    let unavailable: string | null = null;

    beforeAll(async () => {
      server = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0, inspector: { maxFrameBytes: 1024 * 1024 } });
      ({ port } = await server.listen(0, '127.0.0.1'));
      dir = mkdtempSync(path.join(tmpdir(), 'framescope-tshark-'));
      const file = path.join(dir, 'session.pcap');
      capture = spawn('tshark', ['-i', 'lo', '-f', `tcp port ${port}`, '-w', file], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const started = await new Promise<string | null>((resolve) => {
        const timer = setTimeout(() => resolve(`tshark did not start capturing on lo within 10 s: ${stderr}`), 10_000);
        capture!.stderr!.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes('Capturing on')) {
            clearTimeout(timer);
            resolve(null);
          }
        });
        capture!.once('exit', (code) => {
          clearTimeout(timer);
          resolve(`tshark exited (${code}): ${stderr.trim()}`);
        });
      });
      if (started !== null) {
        // No right to capture (not root, no dumpcap capabilities): skip, loudly.
        unavailable = started;
        console.warn(banner(`cannot capture on lo (${process.getuid?.() === 0 ? 'root' : 'not root'}): ${started}`));
        capture.kill('SIGKILL');
        capture = null;
        return;
      }
      await new Promise((r) => setTimeout(r, 500));

      // The inspector subscriber for the session.
      const sub = new WebSocket(`ws://127.0.0.1:${port}/inspect?session=${SESSION}`);
      sub.on('message', (data) => inspector.push(JSON.parse(String(data)) as Json));
      await new Promise((r) => sub.once('open', r));
      const waitInspector = async (pred: (m: Json) => boolean): Promise<Json> => {
        for (let i = 0; i < 500; i++) {
          const hit = inspector.find(pred);
          if (hit) return hit;
          await new Promise((r) => setTimeout(r, 10));
        }
        throw new Error('the inspector never reported what was expected');
      };
      let commandId = 0;
      const command = async (connection: number, body: Json): Promise<void> => {
        const id = ++commandId;
        sub.send(JSON.stringify({ type: 'command', id, connection, ...body }));
        const answer = await waitInspector((m) => (m.type === 'ack' || m.type === 'error') && m.id === id);
        if (answer.type !== 'ack') throw new Error(`command refused: ${JSON.stringify(answer)}`);
      };
      const connectionOf = async (raw: Raw): Promise<number> => {
        const open = await waitInspector((m) => m.type === 'open' && m.peer === `127.0.0.1:${raw.socket.localPort}`);
        return open.connection as number;
      };
      const key = (i: number): Buffer => Buffer.from([0x10 + i, 0x20 + i, 0x30 + i, 0x40 + i]);
      const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + 7) & 0xff));
      const exchange = async (raw: Raw, bytes: Buffer, frames: number): Promise<void> => {
        const want = raw.frames.length + frames;
        raw.write(bytes);
        await raw.until(() => raw.frames.length >= want, 5000, `${frames} frame(s) back`);
      };

      // A: the lengths, pings, fragments, server demonstrations, a client close.
      const a = await Raw.open(port, `/echo?session=${SESSION}`, true);
      clients.set(a.socket.localPort!, { raw: a, name: 'A' });
      const idA = await connectionOf(a);
      let k = 0;
      await exchange(a, frame(1, 'Hello', true, 0, key(k++)), 1);
      for (const n of [125, 126, 300, 65535, 65536, 70000]) await exchange(a, frame(2, pattern(n), true, 0, key(k++)), 1);
      await exchange(a, frame(1, 'a'.repeat(126), true, 0, key(k++)), 1);
      await exchange(a, frame(9, 'ping!', true, 0, key(k++)), 1);
      await exchange(a, frame(9, pattern(125), true, 0, key(k++)), 1);
      await exchange(a, frame(9, '', true, 0, key(k++)), 1);
      await exchange(a, Buffer.concat([frame(1, 'frag1', false, 0, key(k++)), frame(9, 'mid', true, 0, key(k++)), frame(0, 'frag2', true, 0, key(k++))]), 2);
      await exchange(a, frame(1, '', true, 0, key(k++)), 1);
      await command(idA, { action: 'ping', payload: 'from the server' });
      await a.until(() => a.frames.some((f) => f.opcode === 9), 2000, 'the server ping');
      await exchange(a, frame(10, 'from the server', true, 0, key(k++)), 0);
      await command(idA, { action: 'fragment-next', count: 3 });
      await exchange(a, frame(1, 'abcdefghi', true, 0, key(k++)), 3);
      a.write(frame(8, Buffer.concat([Buffer.from([0x03, 0xe8]), Buffer.from('bye')]), true, 0, key(k++)));
      await a.ended();

      // B: a fault (RSV1 without an extension): the server's close carries 1002 and a reason.
      const b = await Raw.open(port, `/echo?session=${SESSION}`, true);
      clients.set(b.socket.localPort!, { raw: b, name: 'B' });
      await connectionOf(b);
      b.write(frame(1, 'rsv1', true, 4, key(k++)));
      await b.until(() => b.close !== null, 2000, 'the close');
      b.write(frame(8, Buffer.from([0x03, 0xea]), true, 0, key(k++)));
      await b.ended();

      // C: the server starts the closing handshake (4000, a reason); the client answers.
      const c = await Raw.open(port, `/echo?session=${SESSION}`, true);
      clients.set(c.socket.localPort!, { raw: c, name: 'C' });
      const idC = await connectionOf(c);
      await command(idC, { action: 'close', code: 4000, reason: 'lesson over' });
      await c.until(() => c.close !== null, 2000, 'the close');
      c.write(frame(8, Buffer.from([0x0f, 0xa0]), true, 0, key(k++)));
      await c.ended();

      await waitInspector((m) => m.type === 'closed' && m.connection === idC);
      sub.close();
      await new Promise((r) => setTimeout(r, 500));
      const exited = new Promise((r) => capture!.once('exit', r));
      capture.kill('SIGINT');
      await exited;
      capture = null;

      const out = spawnSync('tshark', ['-r', file, '-d', `tcp.port==${port},http`, '-T', 'json', '--no-duplicate-keys', '-x'], {
        encoding: 'utf8',
        maxBuffer: 512 * 1024 * 1024,
      });
      if (out.status !== 0) throw new Error(`tshark -r failed: ${out.stderr}`);
      packets = (JSON.parse(out.stdout) as { _source: { layers: Json } }[]).map((p) => p._source.layers);
    }, 60_000);

    afterAll(async () => {
      capture?.kill('SIGKILL');
      await server?.close({ timeout: 200 });
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    /** tshark's WebSocket frames, per client port and direction, in order. */
    function tsharkFrames(): Map<string, Decoded[]> {
      const out = new Map<string, Decoded[]>();
      for (const layers of packets) {
        const tcp = layers.tcp as Json;
        const src = Number(tcp['tcp.srcport']);
        const dst = Number(tcp['tcp.dstport']);
        for (const ws of list(layers.websocket as Json | Json[] | undefined)) {
          const id = src === port ? `${dst} out` : `${src} in`;
          out.set(id, [...(out.get(id) ?? []), fromTshark(ws)]);
        }
      }
      return out;
    }

    /** decodeFrames on the bytes the client wrote and read (after the handshake heads). */
    function codecFrames(raw: Raw): { in: Decoded[]; out: Decoded[] } {
      const sent = Buffer.concat(raw.written);
      const got = Buffer.concat(raw.received);
      const sentBody = sent.subarray(sent.indexOf('\r\n\r\n') + 4);
      const gotBody = got.subarray(got.indexOf('\r\n\r\n') + 4);
      const inbound = decodeFrames(sentBody, { sender: 'any', allowRsv1: true });
      const outbound = decodeFrames(gotBody, { sender: 'server' });
      expect(inbound.fault, `decodeFrames on the client's bytes: ${inbound.fault?.message}`).toBeNull();
      expect(outbound.fault, `decodeFrames on the server's bytes: ${outbound.fault?.message}`).toBeNull();
      expect(outbound.incomplete).toBeNull();
      return { in: inbound.frames.map(fromCodec), out: outbound.frames.map(fromCodec) };
    }

    /** The inspector's frames, per direction: its `bytes` decoded in order (one stream per direction), its own fields checked against them. */
    function inspectorFrames(connection: number): { in: Decoded[]; out: Decoded[] } {
      const result = { in: [] as Decoded[], out: [] as Decoded[] };
      for (const dir of ['in', 'out'] as const) {
        const reported = inspector.filter((m) => m.type === 'frame' && m.connection === connection && m.direction === dir);
        for (const m of reported) expect(m.truncated).toBe(false);
        const bytes = Buffer.concat(reported.map((m) => Buffer.from(m.bytes as string, 'hex')));
        const decoded = decodeFrames(bytes, { sender: 'any' });
        expect(decoded.fault, `decodeFrames on the inspector's ${dir} bytes: ${decoded.fault?.message}`).toBeNull();
        expect(decoded.frames.length).toBe(reported.length);
        reported.forEach((m, i) => {
          const f = decoded.frames[i]!;
          expect({ opcode: m.opcode, fin: m.fin, masked: m.masked, payloadLength: m.payloadLength, headerLength: m.headerLength, size: m.size, offset: m.offset }).toEqual({
            opcode: f.opcode,
            fin: f.fin,
            masked: f.masked,
            payloadLength: f.payloadLength,
            headerLength: f.headerLength,
            size: f.headerLength + f.payloadLength,
            offset: f.offset,
          });
        });
        result[dir] = decoded.frames.map(fromCodec);
      }
      return result;
    }

    it('captured every connection and every frame', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const ts = tsharkFrames();
      expect(clients.size).toBe(3);
      for (const [clientPort, { name }] of clients) {
        expect(ts.get(`${clientPort} in`)?.length ?? 0, `client ${name} → server frames seen by tshark`).toBeGreaterThan(0);
        expect(ts.get(`${clientPort} out`)?.length ?? 0, `server → client ${name} frames seen by tshark`).toBeGreaterThan(0);
      }
    });

    it('frame for frame, tshark = decodeFrames on the client\'s bytes = the inspector tap, both directions', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const ts = tsharkFrames();
      for (const [clientPort, { raw, name }] of clients) {
        const peer = `127.0.0.1:${clientPort}`;
        const open = inspector.find((m) => m.type === 'open' && m.peer === peer)!;
        const codec = codecFrames(raw);
        const tap = inspectorFrames(open.connection as number);
        for (const dir of ['in', 'out'] as const) {
          const wire = ts.get(`${clientPort} ${dir}`) ?? [];
          expect(codec[dir], `${name} ${dir}: decodeFrames vs tshark`).toEqual(wire);
          // The tap reports what the server parsed (in) and wrote (out). On B the server failed the
          // connection at the RSV1 frame (a fault, not a frame) and parses nothing after it, so the
          // client's close reply, on the wire, is not in the tap.
          const parsed = name === 'B' && dir === 'in' ? wire.slice(0, wire.findIndex((f) => f.rsv !== 0)) : wire;
          expect(tap[dir], `${name} ${dir}: inspector vs tshark`).toEqual(parsed);
        }
      }
    });

    it('covers the length forms at their edges, masking both ways, pings, fragments and closes', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const ts = tsharkFrames();
      const all = [...ts.values()].flat();
      const forms = new Set(all.map((f) => `${f.lengthForm}:${f.payloadLength}`));
      for (const form of ['7:125', '16:126', '16:65535', '64:65536', '64:70000', '7:0']) expect(forms, form).toContain(form);
      const [aPort] = [...clients].find(([, c]) => c.name === 'A')!;
      const out = ts.get(`${aPort} out`)!;
      const inn = ts.get(`${aPort} in`)!;
      expect(out.every((f) => !f.masked && f.maskingKey === null && f.rsv === 0)).toBe(true);
      expect(inn.every((f) => f.masked && f.maskingKey !== null)).toBe(true);
      // The server's pongs carry the pings' payloads; its own ping; its 3-frame echo.
      const pings = inn.filter((f) => f.opcode === 9).map((f) => f.payload);
      const pongs = out.filter((f) => f.opcode === 10).map((f) => f.payload);
      expect(pongs).toEqual(pings);
      expect(out.some((f) => f.opcode === 9 && Buffer.from(f.payload, 'hex').toString() === 'from the server')).toBe(true);
      const abc = Buffer.from('abcdefghi').toString('hex');
      const i = out.findIndex((f) => f.opcode === 1 && !f.fin && abc.startsWith(f.payload));
      expect(out.slice(i, i + 3).map((f) => [f.opcode, f.fin])).toEqual([[1, false], [0, false], [0, true]]);
      expect(out.slice(i, i + 3).map((f) => f.payload).join('')).toBe(abc);
    });

    it('tshark reads the close frames as sent: 1000, a fault\'s 1002 with its reason, a server-initiated 4000', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const closes = new Map<string, { code: string; reason: string }[]>();
      for (const layers of packets) {
        const tcp = layers.tcp as Json;
        const src = Number(tcp['tcp.srcport']);
        const dst = Number(tcp['tcp.dstport']);
        for (const ws of list(layers.websocket as Json | Json[] | undefined)) {
          const payload = ws['websocket.payload'] as Json | undefined;
          const close = payload?.['websocket.payload.close'] as Json | undefined;
          if (!close) continue;
          const name = clients.get(src === port ? dst : src)!.name;
          const key = `${name} ${src === port ? 'server' : 'client'}`;
          closes.set(key, [...(closes.get(key) ?? []), {
            code: String(close['websocket.payload.close.status_code'] ?? ''),
            reason: String(close['websocket.payload.close.reason'] ?? ''),
          }]);
        }
      }
      expect(closes.get('A client')).toEqual([{ code: '1000', reason: 'bye' }]);
      expect(closes.get('A server')?.map((c) => c.code)).toEqual(['1000']);
      expect(closes.get('B server')?.[0]?.code).toBe('1002');
      expect(closes.get('B server')?.[0]?.reason).toMatch(/rsv/i);
      expect(closes.get('C server')).toEqual([{ code: '4000', reason: 'lesson over' }]);
      expect(closes.get('C client')?.map((c) => c.code)).toEqual(['4000']);
    });

    it('the 101 responses satisfy tshark\'s HTTP dissector and match the inspector\'s record of them', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const responses = packets.filter(
        (l) => JSON.stringify(l.http ?? {}).includes('"http.response.code":"101"') && clients.has(Number((l.tcp as Json)['tcp.dstport'])),
      );
      expect(responses.length).toBe(3);
      for (const layers of responses) {
        const http = layers.http as Json;
        const tcp = layers.tcp as Json;
        const clientPort = Number(tcp['tcp.dstport']);
        const client = clients.get(clientPort)!;
        const request = Buffer.concat(client.raw.written).toString('latin1');
        const key = /Sec-WebSocket-Key: (\S+)/.exec(request)![1]!;
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        expect(JSON.stringify(http)).toContain('"http.response.code":"101"');
        expect(http['http.upgrade']).toBe('websocket');
        expect(http['http.connection']).toBe('Upgrade');
        expect(http['http.sec_websocket_accept']).toBe(accept);
        const open = inspector.find((m) => m.type === 'open' && m.peer === `127.0.0.1:${clientPort}`)!;
        const head = (open.response as Json).head as string;
        const lines = list(http['http.response.line'] as string | string[]);
        expect(head).toBe(`HTTP/1.1 101 Switching Protocols\r\n${lines.join('')}\r\n`);
        expect(Buffer.concat(client.raw.received).toString('latin1').startsWith(head)).toBe(true);
      }
    });

    it('tshark flags nothing malformed and warns about nothing in the HTTP and WebSocket layers', (ctx) => {
      if (unavailable !== null) return ctx.skip();
      const problems: string[] = [];
      let seen = 0;
      for (const layers of packets) {
        const n = (layers.frame as Json)['frame.number'];
        for (const [name, layer] of Object.entries(layers)) {
          if (name.endsWith('_raw')) continue;
          for (const [severity, message] of experts(layer)) {
            seen++;
            const inProtocol = name === 'http' || name === 'websocket' || name.startsWith('websocket');
            if (message.startsWith('malformed') || (inProtocol && severity >= PI_WARN)) problems.push(`packet ${n} ${name}: ${message}`);
          }
        }
        if (Object.keys(layers).some((k) => k.startsWith('_ws.malformed'))) problems.push(`packet ${n}: malformed`);
      }
      expect(problems).toEqual([]);
      // The walk does find tshark's expert items (each HTTP request and status line is a "chat" item).
      expect(seen).toBeGreaterThanOrEqual(8);
    });
  });
}
