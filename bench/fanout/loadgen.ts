/**
 * The fan-out load generator: one process, N raw TCP WebSocket clients of `/chat` spread over the
 * server processes (client i on process i mod P), all joined to the room. The first `senders`
 * clients (one per process first) each keep `window` messages in flight: a sender sends its next
 * message when one of its own comes back through the room. Every client counts the messages it is
 * delivered and the latency of each (sent to delivered, one clock: this process's).
 *
 * A round is three requests: `join` (connect and join every client), `measure` (send through
 * `warmupMs`, count for `durationMs`), `leave` (drop them), so the server CPU of joining is not
 * charged to the deliveries.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { maskedFrame } from '../codec/fixtures';
import { serve } from '../lib/child';
import { FrameSplitter, readProbe } from './frames';

export interface FanoutRequest {
  ports: number[];
  clients: number;
  senders: number;
  window: number;
  warmupMs: number;
  durationMs: number;
  /** Makes this round's nicknames unique. */
  tag: string;
}

export interface FanoutResult {
  /** Messages delivered to clients while counting (each message counts once per recipient). */
  deliveries: number;
  /** Messages delivered from the first sent to the last (warm-up and drain included), to charge server CPU to. */
  allDeliveries: number;
  /** Messages the senders had acknowledged while counting. */
  messages: number;
  seconds: number;
  p50: number;
  p99: number;
}

/** Latency samples kept at most (reservoir sampling past it). */
const SAMPLES = 1 << 20;

class Client {
  readonly #socket: net.Socket;
  readonly #splitter = new FrameSplitter();
  readonly #waiters: ((payload: string) => boolean)[] = [];
  readonly #run: Run;
  readonly index: number;

  constructor(socket: net.Socket, index: number, run: Run) {
    this.#socket = socket;
    this.index = index;
    this.#run = run;
    socket.on('data', (chunk: Buffer) => this.feed(chunk));
    socket.on('error', () => {});
  }

  feed(chunk: Buffer): void {
    if (chunk.length > 0) this.#splitter.push(chunk, (opcode, payload) => this.#frame(opcode, payload));
  }

  send(text: string): void {
    const key = randomBytes(4);
    this.#socket.write(maskedFrame(0x1, Buffer.from(text), key));
  }

  /** Resolves with the first text payload `matches` accepts. */
  next(matches: (payload: string) => boolean): Promise<string> {
    return new Promise((resolve) => {
      this.#waiters.push((payload) => {
        if (!matches(payload)) return false;
        resolve(payload);
        return true;
      });
    });
  }

  close(): void {
    this.#socket.destroy();
  }

  #frame(opcode: number, payload: Buffer): void {
    if (opcode !== 0x1) return;
    const probe = readProbe(payload);
    if (probe) {
      this.#run.delivered(this, probe.sender, probe.sentAt);
      return;
    }
    if (this.#waiters.length > 0) {
      const text = payload.toString('utf8');
      const index = this.#waiters.findIndex((waiter) => waiter(text));
      if (index !== -1) this.#waiters.splice(index, 1);
    }
  }
}

class Run {
  readonly #request: FanoutRequest;
  readonly clients: Client[] = [];
  counting = false;
  sending = false;
  deliveries = 0;
  allDeliveries = 0;
  messages = 0;
  #seen = 0;
  readonly samples = new Float64Array(SAMPLES);
  sampled = 0;

  constructor(request: FanoutRequest) {
    this.#request = request;
  }

  delivered(client: Client, sender: number, sentAt: number): void {
    const now = performance.now();
    this.allDeliveries++;
    if (this.counting) {
      this.deliveries++;
      const latency = now - sentAt;
      if (this.sampled < SAMPLES) this.samples[this.sampled++] = latency;
      else {
        const slot = Math.floor(Math.random() * ++this.#seen);
        if (slot < SAMPLES) this.samples[slot] = latency;
      }
    }
    // A sender's own message came back: it is acknowledged, send the next.
    if (client.index === sender) {
      if (this.counting) this.messages++;
      if (this.sending) client.send(probeMessage(sender));
    }
  }

  start(): void {
    this.sending = true;
    for (let s = 0; s < this.#request.senders; s++) {
      for (let w = 0; w < this.#request.window; w++) this.clients[s]!.send(probeMessage(s));
    }
  }
}

function probeMessage(sender: number): string {
  return JSON.stringify({ type: 'message', text: `s${sender}:${performance.now().toFixed(3)}` });
}

/** Opens a WebSocket by hand; resolves paused, with the bytes that came after the 101 (the hello, often). */
function connect(port: number): Promise<{ socket: net.Socket; rest: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1', noDelay: true });
    let head = Buffer.alloc(0);
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.write(
        `GET /chat HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      socket.off('data', onData);
      socket.off('error', reject);
      if (!head.subarray(0, 12).toString().startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(`handshake refused: ${head.subarray(0, end).toString()}`));
        return;
      }
      socket.pause();
      resolve({ socket, rest: head.subarray(end + 4) });
    };
    socket.on('data', onData);
  });
}

async function join(port: number, index: number, run: Run, tag: string): Promise<Client> {
  const { socket, rest } = await connect(port);
  const client = new Client(socket, index, run);
  const hello = client.next((text) => text.startsWith('{"type":"hello"'));
  client.feed(rest);
  socket.resume();
  await hello;
  const welcome = client.next((text) => text.startsWith('{"type":"welcome"') || text.startsWith('{"type":"error"'));
  client.send(JSON.stringify({ type: 'join', name: `${tag}-${index}` }));
  const answer = await welcome;
  if (!answer.startsWith('{"type":"welcome"')) throw new Error(`join refused: ${answer}`);
  return client;
}

let current: Run | null = null;

/** Connects and joins every client (in small batches: every join is itself fanned out to everyone in). */
async function joinAll(request: FanoutRequest): Promise<void> {
  const r = new Run(request);
  current = r;
  for (let i = 0; i < request.clients; i += 16) {
    const batch = [];
    for (let j = i; j < Math.min(request.clients, i + 16); j++) batch.push(join(request.ports[j % request.ports.length]!, j, r, request.tag));
    r.clients.push(...(await Promise.all(batch)));
  }
  await sleep(100);
}

/** Sends through the warm-up, counts for the duration, stops sending and waits for the rest to arrive. */
async function measure(request: FanoutRequest): Promise<FanoutResult> {
  const r = current;
  if (!r) throw new Error('join first');
  r.start();
  await sleep(request.warmupMs);
  r.counting = true;
  const started = performance.now();
  await sleep(request.durationMs);
  r.counting = false;
  const seconds = (performance.now() - started) / 1000;
  r.sending = false;
  await sleep(100);
  const sorted = r.samples.subarray(0, r.sampled).sort();
  const pick = (q: number): number => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!);
  return { deliveries: r.deliveries, allDeliveries: r.allDeliveries, messages: r.messages, seconds, p50: pick(0.5), p99: pick(0.99) };
}

async function leaveAll(): Promise<void> {
  for (const client of current?.clients ?? []) client.close();
  current = null;
  await sleep(200);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serve((message) => {
  if (message.op === 'join') return joinAll(message as unknown as FanoutRequest);
  if (message.op === 'measure') return measure(message as unknown as FanoutRequest);
  if (message.op === 'leave') return leaveAll();
  throw new Error(`unknown op ${String(message.op)}`);
});
