/**
 * Helpers for the server tests: a server on 127.0.0.1 and a free port, a raw TCP client that
 * writes exactly the bytes a test gives it and reads the server's frames, and `ws` clients.
 */
import net from 'node:net';
import WebSocket from 'ws';
import { encodeFrame, FrameParser, Opcode, type Fault, type Frame, type FrameSpec } from '../../src/protocol';
import { createFramescopeServer, type FramescopeServer, type FramescopeServerOptions } from '../../server/server';

export interface Running {
  server: FramescopeServer;
  port: number;
  url(path: string): string;
  stop(): Promise<void>;
}

/** A quiet server on 127.0.0.1 with pings and idle timeout off unless asked for. */
export async function startServer(options: FramescopeServerOptions = {}): Promise<Running> {
  const server = createFramescopeServer({ quiet: true, pingInterval: 0, idleTimeout: 0, closeTimeout: 2000, ...options });
  const { port } = await server.listen(0, '127.0.0.1');
  return {
    server,
    port,
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    stop: () => server.close({ timeout: 500 }),
  };
}

export const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';

export function upgradeRequest(path: string, extra: Record<string, string> = {}, port = 0): string {
  const headers: Record<string, string> = {
    Host: `127.0.0.1:${port}`,
    Upgrade: 'websocket',
    Connection: 'Upgrade',
    'Sec-WebSocket-Key': KEY,
    'Sec-WebSocket-Version': '13',
    ...extra,
  };
  const lines = Object.entries(headers)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return `GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`;
}

export interface HttpHead {
  status: number;
  head: string;
  headers: Record<string, string>;
}

const MASK = new Uint8Array([0x37, 0xfa, 0x21, 0x3d]);

/** A client frame: masked with a fixed key unless the spec says otherwise. */
export function clientFrame(spec: FrameSpec): Uint8Array {
  return encodeFrame({ maskingKey: MASK, ...spec });
}

export function closeFrame(code?: number, reason = ''): Uint8Array {
  const text = new TextEncoder().encode(reason);
  const payload = code === undefined ? new Uint8Array(0) : new Uint8Array(2 + text.length);
  if (code !== undefined) {
    payload[0] = code >>> 8;
    payload[1] = code & 0xff;
    payload.set(text, 2);
  }
  return clientFrame({ opcode: Opcode.Close, payload });
}

/** Read a close frame's code (null when empty). */
export function closeCode(frame: Frame): number | null {
  return frame.payload.length >= 2 ? (frame.payload[0]! << 8) | frame.payload[1]! : null;
}

/**
 * A TCP client that sends exactly what the test writes and parses what the server sends: first
 * an HTTP head, then frames (the codec's parser, expecting unmasked server frames).
 */
export class RawClient {
  readonly socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #headDone = false;
  #parser = new FrameParser({ sender: 'server' });
  readonly frames: Frame[] = [];
  fault: Fault | null = null;
  ended = false;
  closed = false;
  #waiters = new Set<() => void>();

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      if (this.#headDone) this.#feed(chunk);
      else this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake();
    });
    socket.on('end', () => {
      this.ended = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.#wake();
    });
    socket.on('error', () => {});
  }

  static connect(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(new RawClient(socket)));
      socket.once('error', reject);
    });
  }

  /** Connect and complete a handshake for `path`. */
  static async open(port: number, path = '/echo'): Promise<RawClient> {
    const client = await RawClient.connect(port);
    client.write(upgradeRequest(path, {}, port));
    const head = await client.readHead();
    if (head.status !== 101) throw new Error(`expected 101, got ${head.head}`);
    return client;
  }

  write(data: string | Uint8Array): void {
    this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data);
  }

  /** Write `data` one byte per write, letting each go out on its own. */
  async writeBytewise(data: Uint8Array): Promise<void> {
    for (const byte of data) {
      await new Promise<void>((resolve) => this.socket.write(new Uint8Array([byte]), () => resolve()));
    }
  }

  /** Wait until `ready()` holds (re-checked on every read, end and close). */
  waitFor<T>(ready: () => T | undefined | null | false, timeout = 5000, what = 'a condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        let value: T | undefined | null | false;
        try {
          value = ready();
        } catch (error) {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          reject(error as Error);
          return true;
        }
        if (value !== undefined && value !== null && value !== false) {
          this.#waiters.delete(wake);
          clearTimeout(timer);
          resolve(value);
          return true;
        }
        return false;
      };
      const wake = (): void => {
        check();
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeout);
      if (!check()) this.#waiters.add(wake);
    });
  }

  /** The HTTP response head (and, for a refusal, the body that follows). */
  async readHead(timeout = 5000): Promise<HttpHead & { body: string }> {
    const end = await this.waitFor(() => {
      const i = this.#buffer.indexOf('\r\n\r\n');
      return i === -1 ? (this.closed ? -2 : null) : i + 4;
    }, timeout, 'an HTTP head');
    if (end === -2) throw new Error(`connection closed before a head: ${JSON.stringify(this.#buffer.toString('latin1'))}`);
    const head = this.#buffer.subarray(0, end).toString('latin1');
    const rest = this.#buffer.subarray(end);
    this.#buffer = Buffer.alloc(0);
    this.#headDone = true;
    const [statusLine, ...lines] = head.trimEnd().split('\r\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
    }
    const status = Number(statusLine!.split(' ')[1]);
    let body = '';
    if (status !== 101) {
      const length = Number(headers['content-length'] ?? '0');
      let got = Buffer.from(rest);
      this.#headDone = false; // the body is not frames
      this.#buffer = got;
      await this.waitFor(() => this.#buffer.length >= length || this.closed, timeout, 'the body');
      got = this.#buffer;
      body = got.subarray(0, length).toString('utf8');
    } else if (rest.length > 0) {
      this.#feed(rest);
    }
    return { status, head, headers, body };
  }

  /** The next frame from the server. */
  async nextFrame(timeout = 5000): Promise<Frame> {
    let taken = 0;
    const frame = await this.waitFor(() => {
      if (this.frames.length > taken) return this.frames[taken++];
      if (this.fault) throw new Error(`server sent a bad frame: ${this.fault.message}`);
      if (this.closed) throw new Error('connection closed while waiting for a frame');
      return null;
    }, timeout, 'a frame');
    this.frames.splice(0, taken);
    return frame;
  }

  /** Read frames until a close frame; return it. */
  async closeFrame(timeout = 5000): Promise<Frame> {
    for (;;) {
      const frame = await this.nextFrame(timeout);
      if (frame.opcode === Opcode.Close) return frame;
    }
  }

  /** Wait for the server to close TCP (FIN or reset). */
  async waitClosed(timeout = 5000): Promise<void> {
    await this.waitFor(() => this.ended || this.closed, timeout, 'the server to close TCP');
  }

  destroy(): void {
    this.socket.destroy();
  }

  #feed(chunk: Uint8Array): void {
    this.#parser.push(new Uint8Array(chunk));
    for (let item = this.#parser.next(); item !== null; item = this.#parser.next()) {
      if (item.kind === 'fault') this.fault = item;
      else this.frames.push(item);
    }
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}

/** Open a `ws` client and wait for 'open'. */
export function openWs(url: string, options: WebSocket.ClientOptions = {}, before?: (ws: WebSocket) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024, ...options });
    before?.(ws);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

/** The next message on a `ws` client. */
export function nextMessage(ws: WebSocket, timeout = 5000): Promise<{ data: Buffer; binary: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeout);
    ws.once('message', (data, binary) => {
      clearTimeout(timer);
      resolve({ data: Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer), binary });
    });
  });
}

/** Wait for a `ws` client's close event. */
export function wsClosed(ws: WebSocket, timeout = 5000): Promise<{ code: number; reason: string }> {
  return new Promise((resolve, reject) => {
    if (ws.readyState === WebSocket.CLOSED) {
      resolve({ code: 1006, reason: '' });
      return;
    }
    const timer = setTimeout(() => reject(new Error('timed out waiting for close')), timeout);
    ws.once('close', (code, reason) => {
      clearTimeout(timer);
      resolve({ code, reason: reason.toString() });
    });
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `check` until it holds. */
export async function eventually(check: () => boolean, timeout = 5000, what = 'a condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Deterministic bytes (xorshift), so a shifted or reordered echo shows. */
export function pattern(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed | 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
