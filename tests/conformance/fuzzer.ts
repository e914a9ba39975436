/**
 * An Autobahn|Testsuite-like fuzzing client, written from scratch so that it shares no code with
 * src/protocol: its own handshake, frame encoder, frame parser, UTF-8 check (the platform's fatal
 * TextDecoder) and close handling. It plays a case the way Autobahn's `fuzzingclient` does
 * (autobahntestsuite/case/*.py and fuzzing.py) and judges it with the same rules as Autobahn's
 * `Case.onConnectionLost`:
 *
 *  - `behavior`: the events received (messages, pings, pongs, timeouts) must equal one of the
 *    case's expected lists: `OK`, else `NON-STRICT`, else `FAILED`;
 *  - `behaviorClose`: who started the closing handshake (`closedByMe`), a clean close where
 *    `requireClean`, the server's close code in `closeCode` (or none), and the server, not the
 *    client, closing TCP (else `FAILED BY CLIENT`);
 *  - `closedByWrongEndpointIsFatal`: the UTF-8 cases fail outright if the client had to close.
 *
 * The client behaves as Autobahn's does with `failByDrop = false`: it answers a server's close
 * with a close (1000), waits 1 s for the server to close TCP (`serverConnectionDropTimeout`), waits
 * 1 s for the server's close after its own (`closeHandshakeTimeout`), and on anything the server
 * gets wrong (a masked frame, RSV bits, a bad opcode, invalid UTF-8, a bad close payload) fails
 * the connection itself with 1002/1007, which shows up as `closedByMe` and fails the case.
 * Writes with `sync` or a `chopsize` go out one per event-loop turn, as Autobahn's send queue does.
 */
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';

export const OK = 'OK';
export const NON_STRICT = 'NON-STRICT';
export const FAILED = 'FAILED';
export const WRONG_CODE = 'WRONG CODE';
export const UNCLEAN = 'UNCLEAN';
export const FAILED_BY_CLIENT = 'FAILED BY CLIENT';
export const INFORMATIONAL = 'INFORMATIONAL';
export type Behavior = typeof OK | typeof NON_STRICT | typeof FAILED | typeof WRONG_CODE | typeof UNCLEAN | typeof FAILED_BY_CLIENT | typeof INFORMATIONAL;

export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_PROTOCOL_ERROR = 1002;
export const CLOSE_INVALID_PAYLOAD = 1007;

/** Close codes a server may send, as Autobahn's client checks them (RFC 6455 §7.4, IANA 1012-1014 included). */
function allowedCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

export type Received =
  | readonly ['message', Buffer, boolean]
  | readonly ['ping', Buffer]
  | readonly ['pong', Buffer]
  | readonly ['timeout', string];

export interface ExpectedClose {
  closedByMe: boolean;
  closeCode: number[];
  requireClean: boolean;
  closedByWrongEndpointIsFatal?: boolean;
}

export type Bytes = Uint8Array | string;

/** A payload: strings are UTF-8 (the case files' literals are UTF-8 source); raw bytes come as Uint8Array. */
export function bytes(data: Bytes): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : Buffer.from(data);
}

/** Raw bytes from hex, for the case files' '\\xce\\xba...' literals. */
export function hex(h: string): Buffer {
  return Buffer.from(h.replace(/\\x|\s+/g, ''), 'hex');
}

export interface SendFrameOptions {
  opcode: number;
  payload?: Bytes;
  fin?: boolean;
  rsv?: number;
  /** Repeat `payload` up to this many bytes (Autobahn's payload_len). */
  payloadLen?: number;
  /** Write the frame in pieces of this many bytes, one per event-loop turn. */
  chopsize?: number;
  /** Write the frame on its own, then yield (Autobahn's sync=True). */
  sync?: boolean;
}

/** A case, as in autobahntestsuite/case/*.py. */
export interface CaseDef {
  id: string;
  description: string;
  /** Set up expectations and send (Autobahn's onOpen). */
  onOpen(p: FuzzingClient, c: CaseState): void;
  /** Replace the default "record and finishWhenDone" for messages (the 9.x cases). */
  onMessage?(p: FuzzingClient, c: CaseState, payload: Buffer, binary: boolean): void;
  /** Adjust the verdict after the base rules ran (7.x: WRONG CODE fails the case; informational cases). */
  onConnectionLost?(p: FuzzingClient, c: CaseState): void;
  /** Runtime budget before the harness gives up on the case (ms). */
  budget?: number;
}

export class CaseState {
  expected: Partial<Record<typeof OK | typeof NON_STRICT, Received[]>> = {};
  expectedClose: ExpectedClose = { closedByMe: true, closeCode: [CLOSE_NORMAL], requireClean: true };
  suppressClose = false;
  received: Received[] = [];
  behavior: Behavior = FAILED;
  behaviorClose: Behavior = FAILED;
  result = 'Actual events differ from any expected.';
  resultClose = 'TCP connection was dropped without close handshake';
  /** Extra facts for the report (9.x: byte-exact content, timings). */
  notes: string[] = [];
  /** Content checks stricter than Autobahn's (which only compares lengths in 9.x). */
  contentOk: boolean | null = null;
}

export interface CaseResult {
  id: string;
  description: string;
  behavior: Behavior;
  behaviorClose: Behavior;
  result: string;
  resultClose: string;
  received: string[];
  expected: Record<string, string[]>;
  closedByMe: boolean;
  droppedByMe: boolean;
  wasClean: boolean;
  remoteCloseCode: number | null;
  remoteCloseReason: string | null;
  /** What the client found wrong in the server's bytes, if anything. */
  violation: string | null;
  /** The server sent FIN (or RST) before the client closed its side. */
  serverClosedTcp: boolean;
  durationMs: number;
  contentOk: boolean | null;
  notes: string[];
  /** A short wire log (frames both ways, timers, TCP events) for failures. */
  log: string[];
}

type State = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

const decoder = new TextDecoder('utf-8', { fatal: true });

function validUtf8(data: Uint8Array): boolean {
  try {
    decoder.decode(data);
    return true;
  } catch {
    return false;
  }
}

export function isValidUtf8(data: Uint8Array): boolean {
  return validUtf8(data);
}

/** Index of the first byte after which `data` can no longer become valid UTF-8 (-1 if none), by the platform's streaming decoder. */
export function firstInvalidByte(data: Uint8Array): number {
  // Binary search: "the prefix can still be completed" is monotone in the prefix length.
  const ok = (n: number): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(data.subarray(0, n), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  if (ok(data.length)) return -1;
  let lo = 0; // ok(lo) holds
  let hi = data.length; // ok(hi) fails
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (ok(mid)) lo = mid;
    else hi = mid;
  }
  return hi - 1;
}

function mask(data: Buffer, key: Buffer, offset = 0): void {
  for (let i = 0; i < data.length; i++) data[i] = data[i]! ^ key[(i + offset) & 3]!;
}

function frameHeader(opcode: number, length: number, fin: boolean, rsv: number, key: Buffer): Buffer {
  const ext = length < 126 ? 0 : length < 65536 ? 2 : 8;
  const h = Buffer.alloc(2 + ext + 4);
  h[0] = (fin ? 0x80 : 0) | ((rsv & 7) << 4) | (opcode & 0x0f);
  if (ext === 0) h[1] = 0x80 | length;
  else if (ext === 2) {
    h[1] = 0x80 | 126;
    h.writeUInt16BE(length, 2);
  } else {
    h[1] = 0x80 | 127;
    h.writeBigUInt64BE(BigInt(length), 2);
  }
  key.copy(h, 2 + ext);
  return h;
}

function fill(payload: Buffer, length: number | undefined): Buffer {
  if (length === undefined || length === payload.length) return Buffer.from(payload);
  const out = Buffer.alloc(length);
  if (payload.length === 0) return out;
  for (let at = 0; at < length; at += payload.length) payload.copy(out, at, 0, Math.min(payload.length, length - at));
  return out;
}

function describe(e: Received): string {
  if (e[0] === 'timeout') return `timeout ${e[1]}`;
  const data = e[1];
  const shown = data.length > 40 ? `${data.subarray(0, 20).toString('hex')}…(${data.length} bytes)` : data.toString('hex');
  return e[0] === 'message' ? `message ${e[2] ? 'binary' : 'text'} ${shown}` : `${e[0]} ${shown}`;
}

function sameEvents(a: Received[], b: Received[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x[0] !== y[0]) return false;
    if (x[0] === 'timeout') {
      if (x[1] !== y[1]) return false;
      continue;
    }
    if (!(x[1] as Buffer).equals(y[1] as Buffer)) return false;
    if (x[0] === 'message' && x[2] !== (y as typeof x)[2]) return false;
  }
  return true;
}

/** Bytes received and not yet parsed, as a list of chunks (no quadratic concatenation for 16 MiB). */
class ByteQueue {
  #chunks: Buffer[] = [];
  length = 0;
  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.length += chunk.length;
  }
  /** Copy of the first n bytes (n small), without consuming. */
  peek(n: number): Buffer {
    const out = Buffer.alloc(n);
    let at = 0;
    for (const c of this.#chunks) {
      const take = Math.min(c.length, n - at);
      c.copy(out, at, 0, take);
      at += take;
      if (at === n) break;
    }
    return out;
  }
  take(n: number): Buffer {
    this.length -= n;
    if (n === 0) return Buffer.alloc(0);
    const first = this.#chunks[0]!;
    if (first.length === n) {
      this.#chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.#chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let at = 0;
    while (at < n) {
      const c = this.#chunks[0]!;
      const take = Math.min(c.length, n - at);
      c.copy(out, at, 0, take);
      at += take;
      if (take === c.length) this.#chunks.shift();
      else this.#chunks[0] = c.subarray(take);
    }
    return out;
  }
}

interface QueueItem {
  data: Buffer;
  sync: boolean;
}

export interface ClientOptions {
  port: number;
  host?: string;
  path?: string;
  /** Autobahn's closeHandshakeTimeout and serverConnectionDropTimeout (seconds). */
  closeHandshakeTimeout?: number;
  serverConnectionDropTimeout?: number;
  /** Keep every wire event in the log (default: the first 200). */
  logLimit?: number;
}

/** One connection playing one case. */
export class FuzzingClient {
  state: State = 'CONNECTING';
  closedByMe = false;
  droppedByMe = false;
  failedByMe = false;
  wasClean = false;
  remoteCloseCode: number | null = null;
  remoteCloseReason: string | null = null;
  violation: string | null = null;
  serverClosedTcp = false;
  connectionWasOpen = false;
  readonly log: string[] = [];
  /** Data frames sent, by opcode (10.1.1 counts them). */
  readonly txFrameStats: Record<number, number> = {};
  autoFragmentSize = 0;

  readonly #opts: Required<Omit<ClientOptions, 'host' | 'path'>> & { host: string; path: string };
  readonly #c: CaseState;
  readonly #def: CaseDef;
  #socket!: net.Socket;
  readonly #t0 = performance.now();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closeHandshakeTimer: NodeJS.Timeout | null = null;
  #dropTimer: NodeJS.Timeout | null = null;
  readonly #queue: QueueItem[] = [];
  #pumping = false;
  readonly #rx = new ByteQueue();
  /** Set after a protocol violation: the rest of the stream is ignored. */
  #deaf = false;
  #headDone = false;
  #headBuf = Buffer.alloc(0);
  #key = '';
  // The message being received.
  #inMessage = false;
  #messageBinary = false;
  #messageParts: Buffer[] = [];
  #messageLength = 0;
  // The frame being sent by beginMessageFrame / sendMessageFrameData.
  #partial: { key: Buffer; offset: number } | null = null;
  #messageOpcode = 1;
  #done!: () => void;
  readonly finished: Promise<void>;

  constructor(def: CaseDef, c: CaseState, options: ClientOptions) {
    this.#def = def;
    this.#c = c;
    this.#opts = {
      host: options.host ?? '127.0.0.1',
      path: options.path ?? '/echo',
      port: options.port,
      closeHandshakeTimeout: options.closeHandshakeTimeout ?? 1,
      serverConnectionDropTimeout: options.serverConnectionDropTimeout ?? 1,
      logLimit: options.logLimit ?? 200,
    };
    this.finished = new Promise((resolve) => (this.#done = resolve));
  }

  get elapsed(): number {
    return performance.now() - this.#t0;
  }

  #log(line: string): void {
    if (this.log.length < this.#opts.logLimit) this.log.push(`${this.elapsed.toFixed(1).padStart(8)} ms  ${line}`);
  }

  // ---- connection ---------------------------------------------------------------------------

  start(): void {
    const socket = net.connect({ port: this.#opts.port, host: this.#opts.host });
    this.#socket = socket;
    socket.setNoDelay(true);
    socket.on('connect', () => {
      this.#key = randomBytes(16).toString('base64');
      // The request as Autobahn's client writes it (note "Upgrade: WebSocket", capitalized).
      const head =
        `GET ${this.#opts.path} HTTP/1.1\r\n` +
        'User-Agent: AutobahnTestSuite/0.8.2-0.10.9\r\n' +
        `Host: ${this.#opts.host}:${this.#opts.port}\r\n` +
        'Upgrade: WebSocket\r\n' +
        'Connection: Upgrade\r\n' +
        'Pragma: no-cache\r\n' +
        'Cache-Control: no-cache\r\n' +
        `Sec-WebSocket-Key: ${this.#key}\r\n` +
        'Sec-WebSocket-Version: 13\r\n\r\n';
      socket.write(head, 'latin1');
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.#log('TCP: server sent FIN');
      if (!this.droppedByMe) this.serverClosedTcp = true;
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.#log(`TCP error: ${error.code ?? error.message}`);
      if (!this.droppedByMe) this.serverClosedTcp = true;
    });
    socket.on('close', () => this.#connectionLost());
  }

  #onData(chunk: Buffer): void {
    if (!this.#headDone) {
      this.#headBuf = Buffer.concat([this.#headBuf, chunk]);
      const end = this.#headBuf.indexOf('\r\n\r\n');
      if (end === -1) return;
      const head = this.#headBuf.subarray(0, end).toString('latin1');
      const rest = this.#headBuf.subarray(end + 4);
      this.#headDone = true;
      this.#headBuf = Buffer.alloc(0);
      const problem = this.#checkHandshake(head);
      if (problem !== null) {
        this.#log(`handshake refused: ${problem}`);
        this.violation = `handshake: ${problem}`;
        this.droppedByMe = true;
        this.#socket.destroy();
        return;
      }
      this.state = 'OPEN';
      this.connectionWasOpen = true;
      this.#log('OPEN');
      try {
        this.#def.onOpen(this, this.#c);
      } catch (error) {
        this.#log(`case error: ${String(error)}`);
        this.violation = `harness: ${String(error)}`;
        this.failConnection();
      }
      if (rest.length > 0) this.#onData(Buffer.from(rest));
      return;
    }
    if (this.state === 'CLOSED' || this.#deaf) return;
    this.#rx.push(chunk);
    this.#parse();
  }

  #checkHandshake(head: string): string | null {
    const [statusLine, ...lines] = head.split('\r\n');
    const m = /^HTTP\/1\.1 (\d{3})/.exec(statusLine ?? '');
    if (!m) return `bad status line ${JSON.stringify(statusLine)}`;
    if (m[1] !== '101') return `status ${m[1]}`;
    const headers = new Map<string, string[]>();
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) return `malformed header line ${JSON.stringify(line)}`;
      const name = line.slice(0, colon).trim().toLowerCase();
      headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
    }
    const one = (name: string): string | null => (headers.get(name)?.length === 1 ? headers.get(name)![0]! : null);
    if (one('upgrade')?.toLowerCase() !== 'websocket') return 'Upgrade is not websocket';
    if (!(one('connection') ?? '').toLowerCase().split(/\s*,\s*/).includes('upgrade')) return 'Connection lacks upgrade';
    const accept = createHash('sha1').update(`${this.#key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    if (one('sec-websocket-accept') !== accept) return `Sec-WebSocket-Accept ${one('sec-websocket-accept')} != ${accept}`;
    if (headers.has('sec-websocket-extensions')) return 'an extension was accepted that was never offered';
    if (headers.has('sec-websocket-protocol')) return 'a subprotocol was chosen that was never offered';
    return null;
  }

  // ---- receiving ----------------------------------------------------------------------------

  #parse(): void {
    while (this.state !== 'CLOSED' && !this.#deaf) {
      if (this.#rx.length < 2) return;
      const h = this.#rx.peek(Math.min(this.#rx.length, 14));
      const fin = (h[0]! & 0x80) !== 0;
      const rsv = (h[0]! >> 4) & 7;
      const opcode = h[0]! & 0x0f;
      const masked = (h[1]! & 0x80) !== 0;
      const len7 = h[1]! & 0x7f;
      // Header checks that need no payload (Autobahn checks these as soon as the header is in).
      if (rsv !== 0) return this.#protocolViolation(`server frame with RSV=${rsv}`);
      if (masked) return this.#protocolViolation('server frame is masked');
      if (opcode > 7) {
        if (![8, 9, 10].includes(opcode)) return this.#protocolViolation(`reserved control opcode ${opcode}`);
        if (!fin) return this.#protocolViolation('fragmented control frame');
        if (len7 > 125) return this.#protocolViolation('control frame with payload > 125');
      } else {
        if (![0, 1, 2].includes(opcode)) return this.#protocolViolation(`reserved data opcode ${opcode}`);
        if (opcode === 0 && !this.#inMessage) return this.#protocolViolation('continuation with no message to continue');
        if (opcode !== 0 && this.#inMessage) return this.#protocolViolation('new data frame inside a fragmented message');
      }
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      if (this.#rx.length < 2 + ext) return;
      let length = len7;
      if (ext === 2) {
        length = h.readUInt16BE(2);
        if (length < 126) return this.#protocolViolation('non-minimal 16-bit length');
      } else if (ext === 8) {
        const big = h.readBigUInt64BE(2);
        if (big >> 63n) return this.#protocolViolation('64-bit length with MSB set');
        if (big < 65536n) return this.#protocolViolation('non-minimal 64-bit length');
        if (big > 256n * 1024n * 1024n) return this.#protocolViolation(`absurd length ${big}`);
        length = Number(big);
      }
      if (this.#rx.length < 2 + ext + length) return;
      this.#rx.take(2 + ext);
      const payload = this.#rx.take(length);
      this.#log(`RX frame fin=${fin ? 1 : 0} op=${opcode} len=${length}${length <= 32 ? ` ${payload.toString('hex')}` : ''}`);
      this.#onFrame(fin, opcode, payload);
    }
  }

  #onFrame(fin: boolean, opcode: number, payload: Buffer): void {
    if (opcode === 8) {
      this.#onCloseFrame(payload);
      return;
    }
    if (opcode === 9) {
      if (this.state === 'OPEN') this.#write(this.#encode(10, payload, true, 0), false);
      this.#received(['ping', payload]);
      return;
    }
    if (opcode === 10) {
      this.#received(['pong', payload]);
      return;
    }
    if (opcode !== 0) {
      this.#inMessage = true;
      this.#messageBinary = opcode === 2;
      this.#messageParts = [];
      this.#messageLength = 0;
    }
    this.#messageParts.push(payload);
    this.#messageLength += payload.length;
    if (!fin) return;
    this.#inMessage = false;
    const data = this.#messageParts.length === 1 ? this.#messageParts[0]! : Buffer.concat(this.#messageParts, this.#messageLength);
    this.#messageParts = [];
    if (!this.#messageBinary && !validUtf8(data)) {
      this.#protocolViolation('server sent a text message that is not UTF-8', CLOSE_INVALID_PAYLOAD);
      return;
    }
    if (this.#def.onMessage) this.#def.onMessage(this, this.#c, data, this.#messageBinary);
    else this.#received(['message', data, this.#messageBinary]);
  }

  #received(event: Received): void {
    this.#c.received.push(event);
    this.#finishWhenDone();
  }

  /** Autobahn's Case.finishWhenDone: once every expected list matches, start the close if the case says so. */
  #finishWhenDone(): void {
    const lists = Object.values(this.#c.expected);
    for (const list of lists) if (!sameEvents(this.#c.received, list)) return;
    if (this.#c.expectedClose.closedByMe && !this.#c.suppressClose) this.sendClose(this.#c.expectedClose.closeCode[0]);
  }

  #onCloseFrame(payload: Buffer): void {
    let code: number | null = null;
    let reason: string | null = null;
    if (payload.length === 1) return this.#protocolViolation('close frame with a 1-byte payload');
    if (payload.length >= 2) {
      code = payload.readUInt16BE(0);
      if (!allowedCloseCode(code)) return this.#protocolViolation(`server sent close code ${code}`);
      const raw = payload.subarray(2);
      if (!validUtf8(raw)) return this.#protocolViolation('close reason is not UTF-8', CLOSE_INVALID_PAYLOAD);
      reason = raw.toString('utf8');
    }
    this.remoteCloseCode = code;
    this.remoteCloseReason = reason;
    this.#log(`RX close ${code ?? '(no code)'}${reason ? ` "${reason}"` : ''}`);
    if (this.state === 'CLOSING') {
      // The server's answer to our close.
      if (this.#closeHandshakeTimer) clearTimeout(this.#closeHandshakeTimer);
      this.wasClean = true;
      this.#armDropTimer();
    } else if (this.state === 'OPEN') {
      // The server started the closing handshake: answer (Autobahn answers 1000), then wait for TCP.
      this.wasClean = true;
      this.#sendCloseFrame(CLOSE_NORMAL, undefined, true);
      this.#armDropTimer();
    }
  }

  /** After the closing handshake the server must close TCP: give it serverConnectionDropTimeout. */
  #armDropTimer(): void {
    if (this.#dropTimer) return;
    this.#dropTimer = setTimeout(() => {
      if (this.state === 'CLOSED') return;
      this.#log('server did not close TCP in time: dropping it');
      this.droppedByMe = true;
      this.#socket.destroy();
    }, this.#opts.serverConnectionDropTimeout * 1000);
  }

  #protocolViolation(why: string, code = CLOSE_PROTOCOL_ERROR): void {
    this.#log(`PROTOCOL VIOLATION: ${why}`);
    this.violation ??= why;
    // Nothing more is parsed from a peer that broke the protocol.
    this.#deaf = true;
    this.#rx.take(this.#rx.length);
    this.failConnection(code, why.slice(0, 100));
  }

  // ---- sending ------------------------------------------------------------------------------

  #encode(opcode: number, payload: Buffer, fin: boolean, rsv: number): Buffer {
    const key = randomBytes(4);
    const data = Buffer.from(payload);
    mask(data, key);
    return Buffer.concat([frameHeader(opcode, data.length, fin, rsv, key), data]);
  }

  #write(data: Buffer, sync: boolean, chopsize = 0): void {
    if (chopsize > 0) {
      for (let i = 0; i < data.length; i += chopsize) this.#queue.push({ data: data.subarray(i, i + chopsize), sync: true });
      this.#pump();
      return;
    }
    if (sync || this.#queue.length > 0 || this.#pumping) {
      this.#queue.push({ data, sync });
      this.#pump();
      return;
    }
    if (this.state !== 'CLOSED' && !this.#socket.destroyed) this.#socket.write(data);
  }

  /** Autobahn's send queue: one write per item; after a sync item, let the event loop run. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const step = (): void => {
      while (this.#queue.length > 0) {
        const item = this.#queue.shift()!;
        if (this.state === 'CLOSED' || this.#socket.destroyed) {
          this.#queue.length = 0;
          break;
        }
        this.#socket.write(item.data);
        if (item.sync) {
          setImmediate(step);
          return;
        }
      }
      this.#pumping = false;
    };
    step();
  }

  /** Autobahn's sendFrame: any frame, as given (no state change even for a close frame). */
  sendFrame(o: SendFrameOptions): void {
    if (this.state === 'CLOSED') return;
    const payload = fill(bytes(o.payload ?? ''), o.payloadLen);
    const fin = o.fin ?? true;
    if (o.opcode <= 2) this.txFrameStats[o.opcode] = (this.txFrameStats[o.opcode] ?? 0) + 1;
    this.#log(`TX frame fin=${fin ? 1 : 0} rsv=${o.rsv ?? 0} op=${o.opcode} len=${payload.length}${o.chopsize ? ` chop=${o.chopsize}` : ''}${o.sync ? ' sync' : ''}`);
    this.#write(this.#encode(o.opcode, payload, fin, o.rsv ?? 0), o.sync ?? false, o.chopsize ?? 0);
  }

  /** Autobahn's sendMessage: one frame, or frames of `fragmentSize` (or autoFragmentSize). */
  sendMessage(payload: Bytes, binary: boolean, fragmentSize?: number): void {
    const data = bytes(payload);
    const size = fragmentSize ?? (this.autoFragmentSize > 0 ? this.autoFragmentSize : 0);
    const opcode = binary ? 2 : 1;
    if (size <= 0 || data.length <= size) {
      this.sendFrame({ opcode, payload: data });
      return;
    }
    for (let i = 0; i < data.length; i += size) {
      const last = i + size >= data.length;
      this.sendFrame({ opcode: i === 0 ? opcode : 0, payload: data.subarray(i, i + size), fin: last });
    }
  }

  /** Autobahn's beginMessage / beginMessageFrame / sendMessageFrameData / endMessage (one frame, sent in pieces). */
  beginMessage(binary = false): void {
    this.#messageOpcode = binary ? 2 : 1;
  }
  beginMessageFrame(length: number): void {
    const key = randomBytes(4);
    this.#partial = { key, offset: 0 };
    this.#log(`TX header op=${this.#messageOpcode} len=${length} (payload follows in pieces)`);
    this.#write(frameHeader(this.#messageOpcode, length, true, 0, key), false);
  }
  sendMessageFrameData(payload: Bytes): void {
    const p = this.#partial!;
    const data = bytes(payload);
    mask(data, p.key, p.offset);
    p.offset += data.length;
    this.#log(`TX payload piece ${data.length} bytes`);
    this.#write(data, false);
  }
  endMessage(): void {
    this.#partial = null;
  }

  /** Autobahn's sendCloseFrame: a raw close payload (any code, any reason bytes), moving to CLOSING. */
  sendCloseFrame(code?: number, reasonUtf8?: Bytes): void {
    this.#sendCloseFrame(code, reasonUtf8, false);
  }

  #sendCloseFrame(code: number | undefined, reasonUtf8: Bytes | undefined, isReply: boolean): void {
    if (this.state !== 'OPEN') return;
    const parts: Buffer[] = [];
    if (code !== undefined) {
      const c = Buffer.alloc(2);
      c.writeUInt16BE(code & 0xffff);
      parts.push(c);
    }
    if (reasonUtf8 !== undefined) parts.push(bytes(reasonUtf8));
    const payload = Buffer.concat(parts);
    this.#log(`TX close ${code ?? '(no code)'} len=${payload.length}${isReply ? ' (reply)' : ''}`);
    this.#write(this.#encode(8, payload, true, 0), false);
    this.state = 'CLOSING';
    this.closedByMe = !isReply;
    if (this.closedByMe) {
      this.#closeHandshakeTimer = setTimeout(() => {
        if (this.state === 'CLOSED') return;
        this.#log('no close frame from the server in time: dropping');
        this.wasClean = false;
        this.droppedByMe = true;
        this.#socket.destroy();
      }, this.#opts.closeHandshakeTimeout * 1000);
    }
  }

  /** Autobahn's sendClose: a proper close with a code (and reason). */
  sendClose(code?: number, reason?: string): void {
    this.#sendCloseFrame(code, reason === undefined ? undefined : Buffer.from(reason, 'utf8'), false);
  }

  /** Autobahn's failConnection (failByDrop = false): close with 1001 "going away", or drop if closing. */
  failConnection(code = CLOSE_GOING_AWAY, reason = 'going away'): void {
    if (this.state === 'CLOSED') return;
    this.failedByMe = true;
    this.wasClean = false;
    if (this.state !== 'CLOSING') {
      this.#sendCloseFrame(code, Buffer.from(reason, 'utf8'), false);
    } else {
      this.droppedByMe = true;
      this.#socket.destroy();
    }
  }

  #later(seconds: number, what: string, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.state === 'CLOSED') return;
      this.#log(what);
      run();
    }, seconds * 1000);
    this.#timers.add(timer);
  }

  killAfter(seconds: number): void {
    this.#later(seconds, 'killAfter fired', () => {
      this.#c.notes.push(`killAfter(${seconds}) fired: the connection was still up`);
      this.failConnection();
    });
  }

  closeAfter(seconds: number): void {
    this.#later(seconds, 'closeAfter fired', () => this.sendClose());
  }

  continueLater(seconds: number, run: () => void, tag?: string): void {
    this.#later(seconds, `continueLater ${tag ?? ''}`, run);
  }

  /** The harness's own last resort: the case ran past its budget. */
  abort(why: string): void {
    if (this.state === 'CLOSED') return;
    this.#log(`HARNESS: ${why}`);
    this.#c.notes.push(why);
    this.droppedByMe = true;
    this.#socket.destroy();
  }

  // ---- the end ------------------------------------------------------------------------------

  #connectionLost(): void {
    if (this.state === 'CLOSED') return;
    this.state = 'CLOSED';
    this.#log('TCP closed');
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#closeHandshakeTimer) clearTimeout(this.#closeHandshakeTimer);
    if (this.#dropTimer) clearTimeout(this.#dropTimer);
    this.#judge();
    this.#def.onConnectionLost?.(this, this.#c);
    this.#done();
  }

  /** Autobahn's Case.onConnectionLost, rule for rule. */
  #judge(): void {
    const c = this.#c;
    for (const key of [OK, NON_STRICT] as const) {
      const list = c.expected[key];
      if (list !== undefined && sameEvents(c.received, list)) {
        c.behavior = key;
        c.result = 'Actual events match at least one expected.';
        break;
      }
    }
    if (!this.connectionWasOpen) {
      c.behaviorClose = FAILED;
      c.resultClose = 'The WebSocket opening handshake was never completed!';
      return;
    }
    const e = c.expectedClose;
    if (e.closedByMe !== this.closedByMe) {
      c.behaviorClose = FAILED;
      c.resultClose = 'The connection was failed by the wrong endpoint';
    } else if (e.requireClean && !this.wasClean) {
      c.behaviorClose = UNCLEAN;
      c.resultClose = 'The spec requires the connection to be failed cleanly here';
    } else if (this.remoteCloseCode !== null && !e.closeCode.includes(this.remoteCloseCode)) {
      c.behaviorClose = WRONG_CODE;
      c.resultClose = `The close code should have been ${e.closeCode.join(',')} or empty`;
    } else if (this.droppedByMe) {
      c.behaviorClose = FAILED_BY_CLIENT;
      c.resultClose = 'It is preferred that the server close the TCP connection';
    } else {
      c.behaviorClose = OK;
      c.resultClose = 'Connection was properly closed';
    }
    if (e.closedByWrongEndpointIsFatal && e.closedByMe !== this.closedByMe) c.behavior = FAILED;
  }

  result(): CaseResult {
    const c = this.#c;
    const expected: Record<string, string[]> = {};
    for (const [k, v] of Object.entries(c.expected)) expected[k] = (v ?? []).map(describe);
    return {
      id: this.#def.id,
      description: this.#def.description,
      behavior: c.behavior,
      behaviorClose: c.behaviorClose,
      result: c.result,
      resultClose: c.resultClose,
      received: c.received.map(describe),
      expected,
      closedByMe: this.closedByMe,
      droppedByMe: this.droppedByMe,
      wasClean: this.wasClean,
      remoteCloseCode: this.remoteCloseCode,
      remoteCloseReason: this.remoteCloseReason,
      violation: this.violation,
      serverClosedTcp: this.serverClosedTcp,
      durationMs: Math.round(this.elapsed),
      contentOk: c.contentOk,
      notes: c.notes,
      log: this.log,
    };
  }
}

/** Play one case against `port` and judge it. */
export async function runCase(def: CaseDef, options: ClientOptions): Promise<CaseResult> {
  const c = new CaseState();
  const p = new FuzzingClient(def, c, options);
  const budget = def.budget ?? 8000;
  const guard = setTimeout(() => p.abort(`case ran past the harness budget of ${budget} ms`), budget);
  p.start();
  await p.finished;
  clearTimeout(guard);
  return p.result();
}

/** A one-line summary, Autobahn report style. */
export function summary(r: CaseResult): string {
  const code = r.remoteCloseCode === null ? '-' : String(r.remoteCloseCode);
  return `${r.id.padEnd(8)} ${r.behavior.padEnd(13)} ${r.behaviorClose.padEnd(16)} code=${code.padEnd(5)} ${String(r.durationMs).padStart(6)} ms  ${r.description}`;
}
