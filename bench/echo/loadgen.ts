/**
 * The load generator, one process driving whichever server it is pointed at, the same way for
 * both: raw TCP clients that send pre-encoded masked frames (so the generator spends almost
 * nothing per message) and count the echoed bytes (every echo is one unmasked frame of known
 * size, so no parsing is needed).
 *
 * - ping-pong: each client sends one message and waits for its echo before the next;
 * - pipelined: each client keeps `window` messages in flight, sending one more per echo.
 *
 * A round connects the clients, runs `warmupMs`, then counts round trips and their latencies
 * (send to complete echo, FIFO) for `durationMs`, then drops the connections.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { serve } from '../lib/child';
import { maskedFrame, payloadFor } from '../codec/fixtures';

export interface RunRequest {
  port: number;
  /** e.g. '/echo' or '/echo?session=bench'. */
  path: string;
  clients: number;
  size: number;
  mode: 'pingpong' | 'pipelined';
  window: number;
  warmupMs: number;
  durationMs: number;
  /** Pause after dropping the connections, so the server has let them go before the next round. */
  settleMs: number;
}

export interface RunResult {
  roundTrips: number;
  seconds: number;
  /** Latency percentiles, ms. */
  p50: number;
  p99: number;
  /** Round trips from the first message to the last, warm-up included (to charge server CPU time to). */
  allRoundTrips: number;
  /** Echoes whose first bytes did not match what was sent (must be 0). */
  mismatches: number;
}

/** Open a WebSocket by hand: the request head, then the 101 (its Sec-WebSocket-Accept is not checked: both servers are trusted here). */
function connect(port: number, path: string): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let head = Buffer.alloc(0);
    socket.once('error', reject);
    socket.once('connect', () => {
      const key = randomBytes(16).toString('base64');
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
        reject(new Error(`handshake refused: ${head.subarray(0, end).toString()}`));
        socket.destroy();
        return;
      }
      if (head.length > end + 4) reject(new Error('bytes after the 101 before any message was sent'));
      resolve(socket);
    };
    socket.on('data', onData);
  });
}

class Client {
  readonly #socket: net.Socket;
  readonly #frames: Buffer;
  readonly #frameLength: number;
  readonly #echoLength: number;
  readonly #expectedHead: Buffer;
  readonly #window: number;
  /** Send times of messages in flight, a ring. */
  readonly #sent: Float64Array;
  #sentHead = 0;
  #inFlight = 0;
  #pending = 0; // bytes of the echo in progress
  #checkNext = true;
  #stopped = false;
  counting = false;
  roundTrips = 0;
  allRoundTrips = 0;
  mismatches = 0;
  latencies: number[];

  constructor(socket: net.Socket, frame: Buffer, echoHead: Buffer, echoLength: number, window: number, latencies: number[]) {
    this.#socket = socket;
    this.#frameLength = frame.length;
    this.#frames = Buffer.concat(Array.from({ length: window }, () => frame));
    this.#expectedHead = echoHead;
    this.#echoLength = echoLength;
    this.#window = window;
    this.#sent = new Float64Array(window);
    this.latencies = latencies;
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('error', () => {});
  }

  start(): void {
    this.#send(this.#window);
  }

  stop(): void {
    this.#stopped = true;
    this.#socket.destroy();
  }

  #send(count: number): void {
    if (this.#stopped || count === 0) return;
    const now = performance.now();
    const w = this.#window;
    for (let i = 0; i < count; i++) this.#sent[(this.#sentHead + this.#inFlight + i) % w] = now;
    this.#inFlight += count;
    this.#socket.write(count === w ? this.#frames : this.#frames.subarray(0, count * this.#frameLength));
  }

  #onData(chunk: Buffer): void {
    if (this.#checkNext && this.#pending === 0) {
      // Check the first bytes of an echo now and then: it must be the frame we expect.
      const head = this.#expectedHead;
      const n = Math.min(head.length, chunk.length);
      if (!chunk.subarray(0, n).equals(head.subarray(0, n))) this.mismatches++;
      this.#checkNext = false;
    }
    const bytes = this.#pending + chunk.length;
    const echoes = Math.floor(bytes / this.#echoLength);
    this.#pending = bytes - echoes * this.#echoLength;
    if (echoes === 0) return;
    const now = performance.now();
    const w = this.#window;
    for (let i = 0; i < echoes; i++) {
      if (this.counting) {
        this.latencies.push(now - this.#sent[this.#sentHead]!);
        this.roundTrips++;
      }
      this.#sentHead = (this.#sentHead + 1) % w;
    }
    this.#inFlight -= echoes;
    this.allRoundTrips += echoes;
    if (this.#pending === 0 && this.roundTrips % 1024 < echoes) this.#checkNext = true;
    this.#send(echoes);
  }
}

function echoHeader(size: number): Buffer {
  // The server's answer: FIN + binary, unmasked, minimal length (RFC 6455 §5.2).
  if (size < 126) return Buffer.from([0x82, size]);
  if (size < 65536) return Buffer.from([0x82, 126, size >>> 8, size & 0xff]);
  const b = Buffer.alloc(10);
  b[0] = 0x82;
  b[1] = 127;
  b.writeUInt32BE(Math.floor(size / 2 ** 32), 2);
  b.writeUInt32BE(size >>> 0, 6);
  return b;
}

async function run(r: RunRequest): Promise<RunResult> {
  const payload = payloadFor(r.size, 'binary', 5);
  const frame = Buffer.from(maskedFrame(0x2, payload, new Uint8Array(randomBytes(4))));
  const header = echoHeader(r.size);
  const echoHead = Buffer.concat([header, Buffer.from(payload.subarray(0, 16))]);
  const echoLength = header.length + r.size;
  const window = r.mode === 'pingpong' ? 1 : r.window;
  const sockets = await Promise.all(Array.from({ length: r.clients }, () => connect(r.port, r.path)));
  const latencies: number[] = [];
  const clients = sockets.map((s) => new Client(s, frame, echoHead, echoLength, window, latencies));
  for (const c of clients) c.start();
  await sleep(r.warmupMs);
  for (const c of clients) c.counting = true;
  const start = performance.now();
  await sleep(r.durationMs);
  for (const c of clients) c.counting = false;
  const seconds = (performance.now() - start) / 1000;
  for (const c of clients) c.stop();
  const sorted = Float64Array.from(latencies).sort();
  const pick = (q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  const roundTrips = clients.reduce((n, c) => n + c.roundTrips, 0);
  const mismatches = clients.reduce((n, c) => n + c.mismatches, 0);
  const allRoundTrips = clients.reduce((n, c) => n + c.allRoundTrips, 0);
  await sleep(r.settleMs);
  return { roundTrips, seconds, p50: pick(0.5), p99: pick(0.99), allRoundTrips, mismatches };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serve((message) => {
  if (message.op === 'run') return run(message as unknown as RunRequest);
  throw new Error(`unknown op ${String(message.op)}`);
});
