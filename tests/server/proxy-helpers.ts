/**
 * Helpers for the proxy tests: a target server written on raw `node:net` (it answers the
 * handshake as the test says and records every byte it receives), a raw "browser" that opens
 * `/proxy` and records every byte it receives, and an `/inspect` watcher. Everything binds and
 * connects to 127.0.0.1 only.
 */
import net from 'node:net';
import type WebSocket from 'ws';
import { computeAccept } from '../../src/protocol';
import type { InspectorMessage } from '../../server/inspector/messages';
import { KEY, openWs } from './helpers';

export type Msg = InspectorMessage & Record<string, unknown>;

/** Wait until `ready()` returns a value (polled every 5 ms). */
export async function until<T>(ready: () => T | null | undefined | false, timeout = 5000, what = 'a condition'): Promise<T> {
  const start = Date.now();
  for (;;) {
    const value = ready();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export interface Watcher {
  ws: WebSocket;
  messages: Msg[];
  /** The first message so far or to come that matches. */
  find(match: (m: Msg) => boolean, timeout?: number, what?: string): Promise<Msg>;
  close(): void;
}

export async function watch(port: number, session: string): Promise<Watcher> {
  const messages: Msg[] = [];
  const ws = await openWs(`ws://127.0.0.1:${port}/inspect?session=${session}`, {}, (socket) =>
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as Msg)),
  );
  return {
    ws,
    messages,
    find: (match, timeout = 5000, what = 'an inspector message') =>
      until(() => messages.find(match), timeout, `${what} (got ${messages.map((m) => m.type).join(',')})`),
    close: () => ws.terminate(),
  };
}

/** One connection to a target: what it received after the request head, and its socket. */
export interface TargetPeer {
  socket: net.Socket;
  /** The request head as received. */
  head: string;
  /** Bytes received after the head. */
  received: Buffer;
  ended: boolean;
}

export type Answer = 'websocket' | ((peer: TargetPeer, request: string) => void) | 'silent';

/**
 * A target server on raw TCP. `answer` 'websocket' replies with a correct 101 for the request's
 * key (computed with the codec); 'silent' never answers; a function writes what it likes.
 */
export class Target {
  readonly server: net.Server;
  readonly peers: TargetPeer[] = [];
  port = 0;
  #onPeer: ((peer: TargetPeer) => void) | null = null;

  constructor(answer: Answer = 'websocket', onPeer?: (peer: TargetPeer) => void) {
    this.#onPeer = onPeer ?? null;
    this.server = net.createServer({ allowHalfOpen: true }, (socket) => {
      socket.on('error', () => {});
      let buffered = Buffer.alloc(0);
      let peer: TargetPeer | null = null;
      socket.on('data', (chunk: Buffer) => {
        if (peer !== null) {
          peer.received = Buffer.concat([peer.received, chunk]);
          return;
        }
        buffered = Buffer.concat([buffered, chunk]);
        const end = buffered.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = buffered.subarray(0, end + 4).toString('latin1');
        peer = { socket, head, received: Buffer.from(buffered.subarray(end + 4)), ended: false };
        this.peers.push(peer);
        if (answer === 'websocket') socket.write(switching(head));
        else if (answer !== 'silent') answer(peer, head);
        this.#onPeer?.(peer);
      });
      socket.on('end', () => {
        if (peer) peer.ended = true;
      });
    });
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this;
  }

  url(path = '/'): string {
    return `ws://127.0.0.1:${this.port}${path}`;
  }

  /** The connection whose request was for `path` (give each connection its own). */
  peer(path: string, timeout = 3000): Promise<TargetPeer> {
    return until(() => this.peers.find((p) => p.head.startsWith(`GET ${path} `)), timeout, `a request for ${path}`);
  }

  close(): Promise<void> {
    for (const peer of this.peers) peer.socket.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The key of a request head. */
export function keyOf(head: string): string {
  return /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
}

/** A correct 101 for a request head. */
export function switching(head: string, extra = ''): string {
  return `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${computeAccept(keyOf(head))}\r\n${extra}\r\n`;
}

/** A "browser" on raw TCP through /proxy: sends a browser-like request, records every byte back. */
export class Browser {
  readonly socket: net.Socket;
  #chunks: Buffer[] = [];
  #joined: Buffer | null = null;
  /** Bytes received so far (cheap to poll). */
  length = 0;
  closed = false;
  ended = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on('data', (chunk: Buffer) => {
      this.#chunks.push(chunk);
      this.length += chunk.length;
      this.#joined = null;
    });
    socket.on('end', () => (this.ended = true));
    socket.on('close', () => (this.closed = true));
    socket.on('error', () => {});
  }

  /** Connect to the proxy at `port` and send the upgrade request for `target`. */
  static async open(port: number, target: string, session = 'proxytest', extra: Record<string, string> = {}): Promise<Browser> {
    const socket = await new Promise<net.Socket>((resolve, reject) => {
      const s = net.connect({ port, host: '127.0.0.1' }, () => resolve(s));
      s.once('error', reject);
    });
    socket.setNoDelay(true);
    const browser = new Browser(socket);
    const headers = {
      Host: `127.0.0.1:${port}`,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
      Origin: `http://127.0.0.1:${port}`,
      'Sec-WebSocket-Version': '13',
      'Sec-WebSocket-Key': KEY,
      'Sec-WebSocket-Extensions': 'permessage-deflate; client_max_window_bits',
      ...extra,
    };
    const lines = Object.entries(headers).filter(([, v]) => v !== '').map(([k, v]) => `${k}: ${v}`);
    const path = `/proxy?target=${encodeURIComponent(target)}&session=${session}`;
    socket.write(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    return browser;
  }

  /** Everything received so far. */
  get received(): Buffer {
    this.#joined ??= Buffer.concat(this.#chunks);
    this.#chunks = [this.#joined];
    return this.#joined;
  }

  /** The response head (up to its empty line). */
  async head(timeout = 5000): Promise<{ status: number; head: string; rest: Buffer }> {
    const end = await until(() => {
      const i = this.received.indexOf('\r\n\r\n');
      return i === -1 ? (this.closed ? -2 : null) : i + 4;
    }, timeout, 'a response head');
    if (end === -2) throw new Error(`closed before a head: ${JSON.stringify(this.received.toString('latin1'))}`);
    const head = this.received.subarray(0, end).toString('latin1');
    return { status: Number(head.split(' ')[1]), head, rest: this.received.subarray(end) };
  }

  /** Bytes received after the response head. */
  after(): Buffer {
    const i = this.received.indexOf('\r\n\r\n');
    return i === -1 ? Buffer.alloc(0) : this.received.subarray(i + 4);
  }

  write(bytes: Uint8Array | string): Promise<void> {
    return new Promise((resolve) => this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes, () => resolve()));
  }

  destroy(): void {
    this.socket.destroy();
  }
}

/** A port nothing listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
