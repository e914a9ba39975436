/**
 * The grader is not a rubber stamp: against small servers that get one thing wrong on purpose, it
 * reaches Autobahn's verdicts (NON-STRICT on a late UTF-8 failure, WRONG CODE, the closing
 * handshake left to the client, a protocol violation for masked server frames), and it marks the
 * first wrong byte in the wire log: the MASK bit, the changed echo byte, the opcode of a text frame
 * where a pong belonged, the close code.
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, describe, it } from 'vitest';
import type { CaseReport, WireFrame } from '../../src/wire/conformance.ts';
import { grade } from './helpers';

type Mode = 'silent' | 'close-but-keep-tcp' | 'close-with-1002' | 'masked-echo' | 'utf8-at-message-end' | 'wrong-echo' | 'ping-as-text';

/** A fake WebSocket server, just enough to complete the handshake and then misbehave one way. */
function fakeServer(mode: Mode): Promise<{ port: number; server: net.Server }> {
  const server = net.createServer((socket) => {
    let buf = Buffer.alloc(0);
    let open = false;
    let message: Buffer[] = [];
    const send = (opcode: number, payload: Buffer, mask = false): void => {
      const key = Buffer.from([1, 2, 3, 4]);
      const data = Buffer.from(payload);
      if (mask) for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ key[i & 3]!;
      const head = Buffer.from([0x80 | opcode, (mask ? 0x80 : 0) | data.length]);
      socket.write(Buffer.concat([head, mask ? key : Buffer.alloc(0), data]));
    };
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const key = /Sec-WebSocket-Key: (\S+)/i.exec(buf.subarray(0, end).toString())![1]!;
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        buf = buf.subarray(end + 4);
        open = true;
      }
      // Small frames only (7-bit lengths): enough for the cases played here.
      while (buf.length >= 6 && buf.length >= 6 + (buf[1]! & 0x7f)) {
        const opcode = buf[0]! & 0x0f;
        const fin = (buf[0]! & 0x80) !== 0;
        const n = buf[1]! & 0x7f;
        const payload = Buffer.from(buf.subarray(6, 6 + n));
        for (let i = 0; i < n; i++) payload[i] = payload[i]! ^ buf[2 + (i & 3)]!;
        buf = buf.subarray(6 + n);
        if (mode === 'silent') continue;
        if (opcode === 8) {
          if (mode === 'close-but-keep-tcp') send(8, Buffer.from([0x03, 0xe8]));
          else if (mode === 'close-with-1002') {
            send(8, Buffer.from([0x03, 0xea]));
            socket.end();
          } else {
            send(8, payload.subarray(0, 2));
            socket.end();
          }
          continue;
        }
        if (mode === 'masked-echo' && opcode === 1) send(1, payload, true);
        if (mode === 'wrong-echo' && opcode === 1) send(1, Buffer.concat([payload.subarray(0, 5), Buffer.from('#'), payload.subarray(6)]));
        if (mode === 'ping-as-text' && opcode === 9) send(1, payload);
        if (mode === 'utf8-at-message-end' && opcode <= 2) {
          message.push(payload);
          if (fin) {
            const whole = Buffer.concat(message);
            message = [];
            try {
              new TextDecoder('utf-8', { fatal: true }).decode(whole);
              send(1, whole);
            } catch {
              send(8, Buffer.from([0x03, 0xef]));
              socket.end();
            }
          }
        }
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as net.AddressInfo).port, server })));
}

const servers: net.Server[] = [];
afterAll(() => {
  for (const s of servers) s.close();
});

async function play(mode: Mode, id: string): Promise<CaseReport> {
  const { port, server } = await fakeServer(mode);
  servers.push(server);
  const { report } = await grade(`ws://127.0.0.1:${port}/`, id, { concurrency: 1 });
  server.close();
  return report.cases[0]!;
}

/** The server's frames in a case's wire log. */
const fromServer = (c: CaseReport): WireFrame[] => c.wire.filter((e): e is WireFrame => e.kind === 'frame' && e.direction === 'server-to-client');

describe.concurrent('the grader tells a wrong server from a right one', () => {
  it('6.4.1 against a server that checks UTF-8 only at the end of a message: NON-STRICT', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('utf8-at-message-end', '6.4.1');
    expect(c.behavior).toBe('NON-STRICT');
    expect(c.result).toMatch(/a pause \(A\).*then a pause \(B\)/);
    expect(c.result).toMatch(/1007 Invalid Frame Payload Data/);
  });

  it('6.4.3 against a server that never answers: FAILED (the grader had to close)', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('silent', '6.4.3');
    expect(c.behavior).toBe('FAILED');
    expect(c.behaviorClose).toBe('FAILED');
    expect(c.result).toMatch(/The grader closed the connection; the server never sent a close frame back/);
  });

  it('7.3.3 against a server that answers the close but leaves TCP open: the grader drops it, not OK', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('close-but-keep-tcp', '7.3.3');
    // As in Autobahn: the case's killAfter(1) races the 1 s drop timeout: UNCLEAN (FAILED) or FAILED BY CLIENT (NON-STRICT).
    expect([['FAILED', 'UNCLEAN'], ['NON-STRICT', 'FAILED BY CLIENT']]).toContainEqual([c.behavior, c.behaviorClose]);
    expect(c.result).toMatch(/the grader had to drop TCP/);
  });

  it('7.7.1 against a server that answers every close with 1002: WRONG CODE, the case fails, the code is marked', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('close-with-1002', '7.7.1');
    expect([c.behavior, c.behaviorClose]).toEqual(['FAILED', 'WRONG CODE']);
    const close = fromServer(c).find((f) => f.opcode === 8)!;
    expect(close.mark).toEqual({ offset: close.offset + 2, length: 2, text: 'Close code 1002; expected 1000.' });
  });

  it('7.3.1 against a server that never answers a close: FAILED, the grader drops TCP', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('silent', '7.3.1');
    expect(c.behavior).toBe('FAILED');
    expect(['UNCLEAN', 'FAILED BY CLIENT']).toContain(c.behaviorClose);
  });

  it('1.1.2 against a server that masks its echo: a protocol violation, pinned on the MASK bit', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('masked-echo', '1.1.2');
    expect(c.behavior).toBe('FAILED');
    expect(c.result).toMatch(/^The server broke a rule in what it sent: The frame is masked \(MASK=1\)/);
    const [frame] = fromServer(c);
    expect(frame!.fault?.rule).toBe('mask-forbidden');
    expect(frame!.mark).toMatchObject({ offset: 1, length: 1 });
    expect(frame!.bytes.slice(0, 4)).toBe('81fd');
  });

  it('1.1.2 against a server that changes one byte of the echo: FAILED, that byte marked', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('wrong-echo', '1.1.2');
    expect(c.behavior).toBe('FAILED');
    const [frame] = fromServer(c);
    // A 125-byte text frame: 2 header bytes, then payload byte 5 at stream offset 7.
    expect(frame!.mark).toEqual({ offset: 7, length: 1, text: 'Payload byte 5 is 0x23; the grader sent 0x2a.' });
    expect(frame!.bytes.slice(14, 16)).toBe('23');
  });

  it('2.2 against a server that answers a ping with a text frame: FAILED, the opcode marked', { timeout: 10_000 }, async ({ expect }) => {
    const c = await play('ping-as-text', '2.2');
    expect(c.behavior).toBe('FAILED');
    expect(c.result).toMatch(/^Expected: a pong of 13 bytes .*Received: a text message of 13 bytes "Hello, world!"/);
    const [frame] = fromServer(c);
    expect(frame!.mark?.offset).toBe(0);
    expect(frame!.mark?.text).toMatch(/^Expected a pong here/);
  });
});
