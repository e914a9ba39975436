/**
 * Helpers for the abuse tests: the server in a child process (tests/abuse/server-child.ts), so its
 * memory can be measured apart from the clients', and raw TCP clients that write exactly the bytes
 * a test gives them and record everything the server sends back and how it closed.
 *
 * Frames are built here by hand (masked as a client must), not with src/protocol.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

export interface ConnectionStats {
  id: number;
  path: string;
  state: string;
  bufferedAmount: number;
  readingPaused: boolean;
  bytesRead: number;
  stats: { reads: number; framesIn: number; framesOut: number; bytesIn: number; bytesOut: number; messagesIn: number };
}

export const MiB = 1024 * 1024;

/** A Framescope server in a child process (heap measured after a forced GC). */
export class ChildServer {
  readonly port: number;
  readonly #child: ChildProcess;
  #next = 0;
  readonly #pending = new Map<number, (m: unknown) => void>();
  exited: number | null = null;
  stderr = '';

  private constructor(child: ChildProcess, port: number) {
    this.#child = child;
    this.port = port;
    child.on('message', (m: { type: string; id: number }) => this.#pending.get(m.id)?.(m));
  }

  static start(options: Record<string, unknown> = {}): Promise<ChildServer> {
    const child = fork(path.join(here, 'server-child.ts'), [JSON.stringify({ pingInterval: 0, idleTimeout: 0, ...options })], {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`server child exited (${code}) before it was ready: ${stderr}`)));
      child.once('message', (m: { type: string; port: number }) => {
        const server = new ChildServer(child, m.port);
        child.removeAllListeners('exit');
        child.on('exit', (code) => (server.exited = code ?? -1));
        child.stderr!.on('data', (d: Buffer) => (server.stderr += d.toString()));
        resolve(server);
      });
    });
  }

  #ask<T>(type: string): Promise<T> {
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`server child did not answer ${type}`)), 10_000);
      this.#pending.set(id, (m) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        resolve(m as T);
      });
      this.#child.send({ type, id });
    });
  }

  memory(): Promise<Memory> {
    return this.#ask<Memory>('mem');
  }

  async connections(): Promise<ConnectionStats[]> {
    return (await this.#ask<{ connections: ConnectionStats[] }>('stats')).connections;
  }

  /** The server process is alive and answers (and its event loop is not stuck). */
  async alive(): Promise<boolean> {
    if (this.exited !== null) return false;
    await this.#ask('stats');
    return true;
  }

  async stop(): Promise<void> {
    if (this.exited !== null) return;
    const exited = new Promise<void>((resolve) => this.#child.once('exit', () => resolve()));
    this.#child.send({ type: 'stop', id: 0 });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  }
}

export function upgradeHead(port: number, path = '/echo', extra = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${extra}\r\n`
  );
}

/** A masked client frame, built by hand. */
export function frame(opcode: number, payload: Uint8Array | string = '', fin = true, rsv = 0, key: Buffer = randomBytes(4)): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ key[i & 3]!;
  return Buffer.concat([header(opcode, data.length, fin, rsv, key), data]);
}

/** A header alone: FIN/RSV/opcode, MASK=1 and the length in its minimal form (or the 64-bit form if forced), then the key. */
export function header(opcode: number, length: number | bigint, fin = true, rsv = 0, key: Buffer = randomBytes(4), force64 = false): Buffer {
  const n = BigInt(length);
  const b0 = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | opcode;
  if (!force64 && n < 126n) return Buffer.concat([Buffer.from([b0, 0x80 | Number(n)]), key]);
  if (!force64 && n < 65536n) {
    const h = Buffer.from([b0, 0x80 | 126, 0, 0]);
    h.writeUInt16BE(Number(n), 2);
    return Buffer.concat([h, key]);
  }
  const h = Buffer.alloc(10);
  h[0] = b0;
  h[1] = 0x80 | 127;
  h.writeBigUInt64BE(n, 2);
  return Buffer.concat([h, key]);
}

export interface ServerFrame {
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
  payload: Buffer;
}

/**
 * A raw TCP client: records the server's HTTP head, then parses its frames (a tiny parser here,
 * not the codec's), and how TCP ended: `fin` (the server sent FIN), `reset`, `closedAt`.
 */
export class Raw {
  readonly socket: net.Socket;
  head: string | null = null;
  body: Buffer = Buffer.alloc(0);
  readonly frames: ServerFrame[] = [];
  bytesIn = 0;
  /** Every byte received and written, in order (head included), for tests that re-decode the wire. */
  readonly received: Buffer[] = [];
  readonly written: Buffer[] = [];
  fin = false;
  reset = false;
  closed = false;
  closedAt = 0;
  readonly openedAt = performance.now();
  #buf: Buffer = Buffer.alloc(0);
  readonly #waiters = new Set<() => void>();
  /** Parse frames (false: only count bytes, for clients that pretend not to read). */
  parse = true;
  /** Keep `received` and `written` (off by default: floods would keep megabytes). */
  record = false;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.bytesIn += chunk.length;
      if (this.record) this.received.push(chunk);
      if (this.parse) {
        this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
        this.#consume();
      }
      this.#wake();
    });
    socket.on('end', () => {
      this.fin = true;
      this.#wake();
    });
    socket.on('drain', () => this.#wake());
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') this.reset = true;
      this.#wake();
    });
    socket.on('close', () => {
      this.closed = true;
      this.closedAt = performance.now();
      this.#wake();
    });
  }

  static connect(port: number): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ port, host: '127.0.0.1' }, () => resolve(new Raw(socket)));
      socket.once('error', reject);
    });
  }

  /** Connect and upgrade to /echo (or `path`); rejects if the answer is not 101. */
  static async open(port: number, path = '/echo', record = false): Promise<Raw> {
    const raw = await Raw.connect(port);
    raw.record = record;
    raw.write(upgradeHead(port, path));
    await raw.until(() => raw.head !== null || raw.closed, 5000, 'the 101');
    if (raw.head === null || !raw.head.startsWith('HTTP/1.1 101 ')) throw new Error(`no 101: ${raw.head}`);
    return raw;
  }

  write(data: string | Uint8Array): boolean {
    if (this.socket.destroyed) return false;
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    if (this.record) this.written.push(bytes);
    return this.socket.write(bytes);
  }

  /** Write and wait for 'drain' if the socket asks for it (false if it closed meanwhile). */
  async send(data: Uint8Array): Promise<boolean> {
    if (this.write(data)) return true;
    return this.until(() => this.closed || !this.socket.writableNeedDrain, 30_000, 'drain').then(() => !this.closed);
  }

  #consume(): void {
    if (this.head === null) {
      const end = this.#buf.indexOf('\r\n\r\n');
      if (end === -1) return;
      this.head = this.#buf.subarray(0, end + 4).toString('latin1');
      this.#buf = this.#buf.subarray(end + 4);
      if (!this.head.startsWith('HTTP/1.1 101 ')) {
        this.body = this.#buf;
        this.#buf = Buffer.alloc(0);
        this.parse = false;
        this.socket.on('data', (chunk: Buffer) => (this.body = Buffer.concat([this.body, chunk])));
        return;
      }
    }
    for (;;) {
      const b = this.#buf;
      if (b.length < 2) return;
      const len7 = b[1]! & 0x7f;
      const masked = (b[1]! & 0x80) !== 0;
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const hl = 2 + ext + (masked ? 4 : 0);
      if (b.length < hl) return;
      const length = ext === 0 ? len7 : ext === 2 ? b.readUInt16BE(2) : Number(b.readBigUInt64BE(2));
      if (b.length < hl + length) return;
      this.frames.push({ fin: (b[0]! & 0x80) !== 0, rsv: (b[0]! >> 4) & 7, opcode: b[0]! & 0x0f, masked, payload: Buffer.from(b.subarray(hl, hl + length)) });
      this.#buf = b.subarray(hl + length);
    }
  }

  /** The close frame the server sent, if any: its code (null if empty) and reason. */
  get close(): { code: number | null; reason: string } | null {
    const f = this.frames.find((x) => x.opcode === 8);
    if (!f) return null;
    return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null, reason: f.payload.subarray(2).toString('utf8') };
  }

  get status(): number | null {
    const m = /^HTTP\/1\.1 (\d{3}) /.exec(this.head ?? '');
    return m ? Number(m[1]) : null;
  }

  until<T>(ready: () => T, timeout = 5000, what = 'a condition'): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const v = ready();
        if (v) {
          clearTimeout(timer);
          this.#waiters.delete(check as () => void);
          resolve(v);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check as () => void);
        reject(new Error(`timed out after ${timeout} ms waiting for ${what}`));
      }, timeout);
      if (!check()) this.#waiters.add(check as () => void);
    });
  }

  /** Wait for the server to end the connection (FIN or reset) and the socket to close. */
  async ended(timeout = 5000): Promise<void> {
    await this.until(() => this.fin || this.reset || this.closed, timeout, 'the server to close TCP');
    if (!this.socket.destroyed) this.socket.end();
    await this.until(() => this.closed, timeout, 'the socket to close');
  }

  destroy(): void {
    this.socket.destroy();
  }

  #wake(): void {
    for (const w of [...this.#waiters]) w();
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Deterministic pseudo-random bytes (xorshift32). */
export function noise(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
