/**
 * A stand-in for the Framescope server, for the page benchmark: it serves the built app and
 * answers the page's `/echo` (echoes, via ws) and `/inspect` (a hello, then, once the page's echo
 * connection is open, an `open` and `count` frame messages as fast as the browser takes them).
 * The messages follow server/inspector/messages.ts; they are built and serialized before the
 * clock starts, so only the page's work is timed.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeFrame, Opcode } from '../../src/protocol';
import type { ConnectionInfo, FrameMessage, HelloMessage } from '../../server/inspector/messages';


const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export interface FakeServer {
  url: string;
  /** Resolves with performance.now() when the first frame message is sent. */
  streaming: Promise<number>;
  /** Resolves when every frame message has been handed to the socket. */
  sent: Promise<number>;
  close(): Promise<void>;
}

const stamp = (t: number): { t: number; wall: number } => ({ t, wall: 1_700_000_000_000 + t });

/** `count` frames of an echo session: client text frames (masked) and the server's echoes. */
export function frameMessages(connection: number, count: number): string[] {
  const out: string[] = [];
  const key = Uint8Array.of(0x37, 0xfa, 0x21, 0x3d);
  let offsetIn = 0;
  let offsetOut = 0;
  for (let i = 0; i < count; i++) {
    const incoming = i % 2 === 0;
    const payload = new TextEncoder().encode(`message ${i >> 1}: hello, frames`);
    const bytes = encodeFrame({ opcode: Opcode.Text, payload, maskingKey: incoming ? key : null });
    const message: FrameMessage = {
      type: 'frame',
      ...stamp(1000 + i * 0.05),
      connection,
      direction: incoming ? 'in' : 'out',
      offset: incoming ? offsetIn : offsetOut,
      size: bytes.length,
      opcode: Opcode.Text,
      fin: true,
      masked: incoming,
      payloadLength: payload.length,
      headerLength: bytes.length - payload.length,
      bytes: Buffer.from(bytes).toString('hex'),
      truncated: false,
    };
    if (incoming) offsetIn += bytes.length;
    else offsetOut += bytes.length;
    out.push(JSON.stringify(message));
  }
  return out;
}

export async function startFakeServer(root: string, count: number): Promise<FakeServer> {
  const messages = frameMessages(1, count);
  let startStreaming: (t: number) => void = () => {};
  let doneSending: (t: number) => void = () => {};
  const streaming = new Promise<number>((resolve) => (startStreaming = resolve));
  const sent = new Promise<number>((resolve) => (doneSending = resolve));

  const server = http.createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(root, path);
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  const wss = new WebSocketServer({ noServer: true });
  let inspector: WebSocket | null = null;
  let pendingEcho: ConnectionInfo | null = null;

  const stream = (socket: WebSocket, info: ConnectionInfo): void => {
    socket.send(JSON.stringify({ type: 'open', ...info }));
    let i = 0;
    startStreaming(performance.now());
    const pump = (): void => {
      // Keep a few MiB queued: the browser reads as fast as it can, the fake never waits on itself.
      while (i < messages.length && socket.bufferedAmount < 4 * 1024 * 1024) socket.send(messages[i++]!);
      if (i < messages.length) setTimeout(pump, 1);
      else doneSending(performance.now());
    };
    pump();
  };

  server.on('upgrade', (req, socket: Socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (url.pathname === '/inspect') {
        inspector = ws;
        const hello: HelloMessage = {
          type: 'hello',
          ...stamp(1),
          session: url.searchParams.get('session'),
          all: false,
          classMode: false,
          limits: { queueCount: 10_000, queueBytes: 8 << 20, maxFrameBytes: 65_536, rateMessages: 0, rateBytes: 0, maxPayload: 16 << 20, maxMessage: 16 << 20 },
          connections: [],
        };
        ws.send(JSON.stringify(hello));
        if (pendingEcho) stream(ws, pendingEcho);
      } else {
        ws.on('message', (data, isBinary) => ws.send(data as Buffer, { binary: isBinary }));
        const info: ConnectionInfo = {
          ...stamp(900),
          connection: 1,
          path: url.pathname,
          session: url.searchParams.get('session'),
          peer: `${socket.remoteAddress}:${socket.remotePort}`,
          request: {
            method: 'GET',
            url: req.url ?? '/echo',
            httpVersion: '1.1',
            headers: Object.entries(req.headers).map(([k, v]) => `${k}: ${String(v)}`),
          },
          response: { status: 101, head: 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n' },
        };
        if (inspector) stream(inspector, info);
        else pendingEcho = info;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    streaming,
    sent,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
