/**
 * One end of a WebSocket connection, sans I/O (in the manner of python-websockets' protocol
 * object): feed it bytes with `receive()`, then drain `takeEvents()` for what happened and
 * `takeOutgoing()` for the bytes to write. It answers pings, runs the closing handshake and fails
 * the connection on a fault; the caller owns the socket, the timers and the clock.
 */
import { isValidCloseCode } from './close-codes.ts';
import { allocatePooled, closePayload, encodeFrame, encodeHeader, randomMaskingKey, type Allocate } from './encoder.ts';
import type { Fault } from './fault.ts';
import type { Frame, FrameSpec } from './frame.ts';
import { MessageAssembler, type AssembledEvent } from './message.ts';
import { Opcode } from './opcodes.ts';
import { FrameParser } from './parser.ts';
import { nextState, type ReadyState } from './states.ts';
import { encodeUtf8, type Utf8Check } from './utf8.ts';

export type Role = 'client' | 'server';

export interface ConnectionOptions {
  /** Which end this is. A server expects masked frames and sends unmasked ones; a client the reverse. */
  role: Role;
  maxPayload?: number;
  maxMessage?: number;
  /** Emit a `frame` event for every frame received (for the inspector). */
  reportFrames?: boolean;
  /** Where a client's masking keys come from (default: Web Crypto). */
  maskingKey?: () => Uint8Array;
  /**
   * Where the bytes of outgoing frames and of joined payloads are allocated (default: zeroed
   * `Uint8Array`s; a Node server may pass `Buffer.allocUnsafe`, see `Allocate`).
   */
  allocate?: Allocate;
  /** A native whole-buffer UTF-8 check for long text pieces (a Node server may pass `buffer.isUtf8`). */
  utf8Check?: Utf8Check;
}

export interface FrameReceivedEvent {
  kind: 'frame';
  frame: Frame;
}

export interface FaultEvent {
  kind: 'fault';
  fault: Fault;
}

/**
 * The WebSocket connection is closed (RFC 6455 §7.1.4): the caller closes TCP now if it is the
 * server (§7.1.1: "the server SHOULD close the underlying TCP connection first"); a client waits a
 * moment for the server to do it.
 */
export interface ClosedEvent {
  kind: 'closed';
  /** §7.1.5 "The WebSocket Connection Close Code": the code received, 1005 if none, 1006 if no close frame. */
  code: number;
  reason: string;
  /** Both close frames were exchanged (§7.1.4 "closed cleanly"). */
  wasClean: boolean;
}

export type ProtocolEvent = AssembledEvent | FrameReceivedEvent | FaultEvent | ClosedEvent;

/** Payloads at least this long are written as their own chunk after the header, not copied. */
const COPY_LIMIT = 1024;

export class WebSocketConnection {
  readonly role: Role;
  #state: ReadyState = 'OPEN';
  readonly #parser: FrameParser;
  readonly #assembler: MessageAssembler;
  readonly #allocate: Allocate;
  readonly #reportFrames: boolean;
  readonly #maskingKey: (() => Uint8Array) | null;
  #events: ProtocolEvent[] = [];
  #outgoing: Uint8Array[] = [];
  #closeSent = false;
  #closeReceived = false;
  #closeCode = 1005;
  #closeReason = '';

  constructor(options: ConnectionOptions) {
    this.role = options.role;
    this.#parser = new FrameParser({
      sender: options.role === 'server' ? 'client' : 'server',
      maxPayload: options.maxPayload,
      maxMessage: options.maxMessage,
      allocate: options.allocate,
      utf8Check: options.utf8Check,
    });
    this.#allocate = options.allocate ?? allocatePooled;
    this.#assembler = new MessageAssembler(this.#allocate);
    this.#reportFrames = options.reportFrames ?? false;
    this.#maskingKey = options.role === 'client' ? (options.maskingKey ?? randomMaskingKey) : null;
  }

  /** CONNECTING is the handshake's business (done before this object exists); this starts OPEN. */
  get state(): ReadyState {
    return this.#state;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedAmount(): number {
    return this.#parser.bufferedAmount;
  }

  /** Stream offset of the next byte the parser will read. */
  get offset(): number {
    return this.#parser.offset;
  }

  /**
   * Feed bytes read from the socket (the connection takes ownership of `chunk`). Nothing is parsed
   * yet: call `nextEvent()` until it returns null, acting on each event (and writing
   * `takeOutgoing()`) before asking for the next, so an answer to a message goes out before the
   * close frame of a fault found in a later frame of the same read.
   */
  receive(chunk: Uint8Array): void {
    if (this.#closeReceived || this.#state === 'CLOSED') return; // §5.5.1: nothing follows a close frame
    this.#parser.push(chunk);
  }

  /** The next thing that happened, parsing one more frame if needed; null when more bytes are needed. */
  nextEvent(): ProtocolEvent | null {
    for (;;) {
      if (this.#events.length > 0) return this.#events.shift()!;
      if (this.#closeReceived || this.#state === 'CLOSED') return null;
      const item = this.#parser.next();
      if (item === null) return null;
      if (item.kind === 'fault') {
        this.#fail(item);
        continue;
      }
      if (this.#reportFrames) this.#events.push({ kind: 'frame', frame: item });
      const event = this.#assembler.accept(item);
      if (event === null) continue;
      this.#events.push(event);
      if (event.kind === 'ping') {
        // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
        // response, unless it already received a Close frame." (A Close frame received ends the
        // reading above, so every ping that gets here is answered, in CLOSING after our own Close too.)
        // §5.5.3: "A Pong frame sent in response to a Ping frame must have identical "Application data""
        this.#queue({ opcode: Opcode.Pong, payload: event.payload });
      } else if (event.kind === 'close') {
        this.#onClose(event.code, event.reason);
      }
    }
  }

  /** The peer closed TCP (or it dropped). */
  receiveEof(): void {
    if (this.#state === 'CLOSED') return;
    this.#finish(1006, '', false);
  }

  /** Send a text (string) or binary (bytes) message. Returns false if the state forbids it. */
  send(data: string | Uint8Array): boolean {
    if (typeof data === 'string') return this.sendFrame({ opcode: Opcode.Text, payload: encodeUtf8(data) });
    return this.sendFrame({ opcode: Opcode.Binary, payload: data });
  }

  /** Send a message as `count` fragments (a teaching aid: the first carries the opcode, the rest continue). */
  sendFragmented(data: string | Uint8Array, count: number): boolean {
    if (this.#state !== 'OPEN') return false;
    const bytes = typeof data === 'string' ? encodeUtf8(data) : data;
    const opcode = typeof data === 'string' ? Opcode.Text : Opcode.Binary;
    const n = Math.max(1, Math.min(Math.floor(count), Math.max(1, bytes.length)));
    const size = Math.ceil(bytes.length / n);
    for (let i = 0; i < n; i++) {
      const part = bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size));
      this.#queue({ opcode: i === 0 ? opcode : Opcode.Continuation, fin: i === n - 1, payload: part });
    }
    return true;
  }

  /**
   * Send any frame as given (the playground's "misbehave" buttons use this to break rules on
   * purpose). A close frame moves the state to CLOSING. Returns false if the state forbids sending.
   */
  sendFrame(spec: FrameSpec): boolean {
    // §5.5.1: "After sending a Close frame, the endpoint MUST NOT send any further data frames."
    if (this.#closeSent || this.#state !== 'OPEN') return false;
    if (spec.opcode === Opcode.Close) {
      this.#closeSent = true;
      this.#state = nextState(this.#state, 'send-close');
    }
    this.#queue(spec);
    return true;
  }

  ping(payload: Uint8Array = new Uint8Array(0)): boolean {
    if (payload.length > 125) throw new RangeError('a ping payload is at most 125 bytes (RFC 6455 §5.5)');
    return this.sendFrame({ opcode: Opcode.Ping, payload });
  }

  pong(payload: Uint8Array = new Uint8Array(0)): boolean {
    if (payload.length > 125) throw new RangeError('a pong payload is at most 125 bytes (RFC 6455 §5.5)');
    return this.sendFrame({ opcode: Opcode.Pong, payload });
  }

  /**
   * Start the closing handshake (§7.1.2). With no code the close frame is empty.
   * Throws on a code that may not be sent (1005, 1006, 1015, unassigned).
   */
  close(code?: number, reason = ''): boolean {
    if (code !== undefined && !isValidCloseCode(code)) {
      throw new RangeError(`close code ${code} may not be sent in a close frame (RFC 6455 §7.4)`);
    }
    if (this.#closeSent || this.#state !== 'OPEN') return false;
    // Built before any state changes: closePayload throws on a reason over 123 bytes (§5.5).
    const payload = closePayload(code, reason);
    this.#closeSent = true;
    this.#closeCode = code ?? 1005;
    this.#closeReason = reason;
    this.#queue({ opcode: Opcode.Close, payload });
    this.#state = nextState(this.#state, 'send-close');
    return true;
  }

  /** Fail the connection from outside (a timeout, a policy): sends a close with `code`, then CLOSED. */
  abort(code: number, reason = ''): void {
    if (this.#state === 'CLOSED') return;
    if (!this.#closeSent && isValidCloseCode(code)) {
      this.#closeSent = true;
      this.#queue({ opcode: Opcode.Close, payload: closePayload(code, truncateReason(reason)) });
    }
    this.#finish(code, reason, false);
  }

  /**
   * Everything that happened, oldest first, parsing all buffered bytes. Simple, but an answer
   * sent after it comes after any close frame a fault queued; a peer that replies to messages
   * should loop over `nextEvent()` instead.
   */
  takeEvents(): ProtocolEvent[] {
    const events: ProtocolEvent[] = [];
    for (let event = this.nextEvent(); event !== null; event = this.nextEvent()) events.push(event);
    return events;
  }

  /** Bytes to write to the socket, in order. */
  takeOutgoing(): Uint8Array[] {
    const out = this.#outgoing;
    if (out.length === 0) return out;
    this.#outgoing = [];
    return out;
  }

  #onClose(code: number | null, reason: string): void {
    this.#closeReceived = true;
    if (!this.#closeSent) {
      // §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close frame, the
      // endpoint MUST send a Close frame in response" — here echoing the status code it received.
      this.#closeSent = true;
      this.#queue({ opcode: Opcode.Close, payload: closePayload(code, '') });
    }
    // OPEN or CLOSING → CLOSED ('receive-close' in states.ts): #finish makes the move and reports
    // it; moving here first would make #finish see CLOSED and drop the closed event.
    this.#finish(code ?? 1005, reason, true);
  }

  #fail(f: Fault): void {
    // §7.1.7: "Fail the WebSocket Connection": send a close frame with the code, then close.
    this.#events.push({ kind: 'fault', fault: f });
    if (!this.#closeSent) {
      this.#closeSent = true;
      // A short reason helps a student reading the peer's close event; the full message stays in the fault.
      this.#queue({ opcode: Opcode.Close, payload: closePayload(f.closeCode, `${f.rule} at byte ${f.offset}`) });
    }
    this.#finish(f.closeCode, f.message, false);
  }

  #finish(code: number, reason: string, wasClean: boolean): void {
    if (this.#state === 'CLOSED') return;
    this.#state = 'CLOSED';
    this.#events.push({ kind: 'closed', code, reason, wasClean });
  }

  #queue(spec: FrameSpec): void {
    const payload = spec.payload ?? new Uint8Array(0);
    const allocate = this.#allocate;
    if (spec.maskingKey !== undefined) {
      this.#outgoing.push(encodeFrame(spec, allocate));
    } else if (this.#maskingKey !== null) {
      this.#outgoing.push(encodeFrame({ ...spec, maskingKey: this.#maskingKey() }, allocate));
    } else if (payload.length >= COPY_LIMIT) {
      this.#outgoing.push(encodeHeader(spec, payload.length, allocate), payload);
    } else {
      this.#outgoing.push(encodeFrame(spec, allocate));
    }
  }

  /** The close code and reason this end sent, if it started the closing handshake. */
  get sentClose(): { code: number; reason: string } | null {
    return this.#closeSent ? { code: this.#closeCode, reason: this.#closeReason } : null;
  }
}

function truncateReason(reason: string): string {
  let text = reason;
  while (encodeUtf8(text).length > 123) text = text.slice(0, -1);
  return text;
}
