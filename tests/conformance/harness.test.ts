/**
 * The conformance harness is not a rubber stamp: against small servers that get one thing wrong
 * on purpose, it reaches Autobahn's verdicts (NON-STRICT on a late UTF-8 failure, FAILED BY CLIENT
 * when the server leaves TCP open, WRONG CODE, a protocol violation for masked server frames).
 */
import { createHash } from 'node:crypto';
import net from 'node:net';
import { afterAll, describe, it } from 'vitest';
import { CASES } from './cases';
import { FAILED, FAILED_BY_CLIENT, NON_STRICT, OK, runCase, UNCLEAN, WRONG_CODE } from './fuzzer';

type Mode = 'silent' | 'close-but-keep-tcp' | 'close-with-1002' | 'masked-echo' | 'utf8-at-message-end';

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

async function play(mode: Mode, id: string) {
  const { port, server } = await fakeServer(mode);
  servers.push(server);
  const def = CASES.find((c) => c.id === id)!;
  const r = await runCase(def, { port });
  server.close();
  return r;
}

describe.concurrent('the harness tells a wrong server from a right one', () => {
  it('6.4.1 against a server that checks UTF-8 only at the end of a message: NON-STRICT', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('utf8-at-message-end', '6.4.1');
    expect(r.behavior).toBe(NON_STRICT);
    expect(r.received).toEqual(['timeout A', 'timeout B']);
    expect(r.remoteCloseCode).toBe(1007);
  });

  it('6.4.3 against a server that never answers: FAILED (the client had to close)', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('silent', '6.4.3');
    expect(r.behavior).toBe(FAILED);
    expect(r.closedByMe).toBe(true);
  });

  it('7.3.3 against a server that answers the close but leaves TCP open: the client drops it, the close fails', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('close-but-keep-tcp', '7.3.3');
    expect(r.behavior).toBe(OK);
    // As in Autobahn: the case's killAfter(1) fires just before the 1 s drop timeout, so UNCLEAN; either way, not OK.
    expect([UNCLEAN, FAILED_BY_CLIENT]).toContain(r.behaviorClose);
    expect(r.droppedByMe).toBe(true);
    expect(r.serverClosedTcp).toBe(false);
  });

  it('7.7.1 against a server that answers every close with 1002: WRONG CODE, and the case fails', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('close-with-1002', '7.7.1');
    expect(r.behaviorClose).toBe(WRONG_CODE);
    expect(r.behavior).toBe(FAILED);
  });

  it('7.3.1 against a server that never answers a close: UNCLEAN-or-worse, the client drops TCP', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('silent', '7.3.1');
    expect([UNCLEAN, FAILED_BY_CLIENT]).toContain(r.behaviorClose);
    expect(r.droppedByMe).toBe(true);
  });

  it('1.1.2 against a server that masks its echo: a protocol violation, failed by the client', { timeout: 10_000 }, async ({ expect }) => {
    const r = await play('masked-echo', '1.1.2');
    expect(r.violation).toMatch(/masked/);
    expect(r.behavior).toBe(FAILED);
  });
});
