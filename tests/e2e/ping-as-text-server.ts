/**
 * A small WebSocket echo server on 127.0.0.1 with one of the classic bugs: it answers a ping with
 * a text frame instead of a pong. Enough of RFC 6455 for the cases the e2e tests play (7-bit
 * lengths, fragments joined, close answered, RSV and reserved opcodes refused).
 */
import { createHash } from 'node:crypto';
import net from 'node:net';

export interface Running {
  port: number;
  close(): void;
}

function frame(opcode: number, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x80 | opcode, payload.length]), payload]);
}

export function startPingAsTextServer(): Promise<Running> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buf = Buffer.alloc(0);
    let open = false;
    let message: { opcode: number; parts: Buffer[] } | null = null;
    const fail = (code: number): void => {
      socket.end(frame(8, Buffer.from([code >> 8, code & 0xff])));
      open = false;
    };
    socket.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end === -1) return;
        const key = /Sec-WebSocket-Key: *(\S+)/i.exec(buf.subarray(0, end).toString('latin1'))?.[1];
        if (!key) {
          socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
          return;
        }
        const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
        socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        buf = buf.subarray(end + 4);
        open = true;
      }
      while (open && buf.length >= 6 && buf.length >= 6 + (buf[1]! & 0x7f)) {
        const fin = (buf[0]! & 0x80) !== 0;
        const opcode = buf[0]! & 0x0f;
        const n = buf[1]! & 0x7f;
        if ((buf[0]! & 0x70) !== 0 || ![0, 1, 2, 8, 9, 10].includes(opcode) || n > 125) return fail(1002);
        const payload = Buffer.from(buf.subarray(6, 6 + n));
        for (let i = 0; i < n; i++) payload[i] = payload[i]! ^ buf[2 + (i & 3)]!;
        buf = buf.subarray(6 + n);
        if (opcode === 8) {
          socket.end(frame(8, payload.subarray(0, 2)));
          open = false;
        } else if (opcode === 9) {
          socket.write(frame(1, payload)); // the bug: a text frame where a pong belongs
        } else if (opcode === 1 || opcode === 2 || opcode === 0) {
          if (opcode !== 0) message = { opcode, parts: [] };
          if (message === null) return fail(1002);
          message.parts.push(payload);
          if (fin) {
            socket.write(frame(message.opcode, Buffer.concat(message.parts)));
            message = null;
          }
        }
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () => {
          for (const s of sockets) s.destroy();
          server.close();
        },
      }),
    ),
  );
}
