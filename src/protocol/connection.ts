/**
 * One end of a WebSocket connection, sans I/O (in the manner of python-websockets' protocol
 * object): feed it bytes with `receive()`, then drain `nextEvent()` (or `takeEvents()`) for what
 * happened, `takeOutgoing()` for the bytes to write and `takeEof()` for when to end TCP, and ask
 * `closeExpected()` whether to wait, with a timeout, for the peer to end it. It answers pings,
 * runs the closing handshake and fails the connection on a fault; the caller owns the socket,
 * the timers and the clock.
 *
 * Its state changes only through the table of states.ts (`TRANSITIONS`): what the state allows
 * (sending data, reading input) is asked of the table, and a move the table lacks throws.
 */
import { isValidCloseCode } from './close-codes.ts';
import { allocatePooled, closePayload, encodeFrame, encodeHeader, parseClosePayload, randomMaskingKey, type Allocate } from './encoder.ts';
import type { PerMessageDeflate } from './deflate/extension.ts';
import { DeflatePipeline, type PipelineHost } from './deflate/pipeline.ts';
import type { Fault } from './fault.ts';
import type { Frame, FrameSpec } from './frame.ts';
import { MessageAssembler, type AssembledEvent } from './message.ts';
import { isControl, Opcode } from './opcodes.ts';
import { FrameParser } from './parser.ts';
import {
  compileTransitions,
  nextState,
  READY_STATE_OF,
  type ConnectionState,
  type ReadyState,
  type StateEvent,
  type Transition,
  type TransitionTable,
} from './states.ts';
import { OutgoingQueue, type DeflatedReport } from './outgoing.ts';
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
   * Where the bytes of outgoing frames and of joined payloads are allocated (default: views of a
   * shared slab; a Node server may pass `Buffer.allocUnsafe`, see `Allocate`).
   */
  allocate?: Allocate;
  /** A native whole-buffer UTF-8 check for long text pieces (a Node server may pass `buffer.isUtf8`). */
  utf8Check?: Utf8Check;
  /**
   * false: a payload that spans reads may be unmasked straight into its own array, leaving the
   * reads as they were sent (see `FrameDecoderOptions`; `unmaskedTo` after a fault). Default true.
   */
  unmaskInPlace?: boolean;
  /** The table this connection follows (default `TRANSITIONS`; a test passes one with a row missing). */
  transitions?: readonly Transition[];
  /**
   * permessage-deflate, when the opening handshake agreed it (RFC 7692): RSV1 then marks a
   * compressed message, received messages are inflated and sent ones compressed (see
   * deflate/extension.ts). Without it, RSV1 is a fault (RFC 6455 §5.2).
   */
  deflate?: PerMessageDeflate | null;
  /**
   * Called when work the extension passed out asynchronously (inflating, compressing) has finished:
   * call `nextEvent()` and `takeOutgoing()` again. Unused when its engines answer synchronously.
   */
  wake?: () => void;
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
 * The closing handshake is over, or the connection failed: the close code and reason are final
 * (§7.1.5 "The WebSocket Connection Close Code", §7.1.6). Nothing more is read or sent. TCP is
 * not closed yet unless its end is what closed the connection: write `takeOutgoing()`, then end
 * TCP if `takeEof()` says so, and while `closeExpected()` wait (with a timeout) for the peer's end.
 */
export interface ClosedEvent {
  kind: 'closed';
  /** The code received, 1005 if the Close frame had none, 1006 if no Close frame came. */
  code: number;
  reason: string;
  /** Both Close frames were exchanged (§7.1.4 "closed _cleanly_"). */
  wasClean: boolean;
}

export type ProtocolEvent = AssembledEvent | FrameReceivedEvent | FaultEvent | ClosedEvent;

export interface CloseStatus {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** Payloads at least this long are written as their own chunk after the header, not copied. */
const COPY_LIMIT = 1024;

export class WebSocketConnection {
  readonly role: Role;
  #state: ConnectionState = 'OPEN';
  readonly #table: TransitionTable;
  /** Does the state read input (the table has 'receive-data' for it)? Derived at each move, asked per frame. */
  #reads: boolean;
  readonly #parser: FrameParser;
  readonly #assembler: MessageAssembler;
  readonly #allocate: Allocate;
  readonly #reportFrames: boolean;
  readonly #maskingKey: (() => Uint8Array) | null;
  /** permessage-deflate's work (deflate/pipeline.ts), when it was negotiated. */
  readonly #deflate: DeflatePipeline | null;
  /** Stream offset of the first frame of the data message being received. */
  #messageStart = 0;
  #events: ProtocolEvent[] = [];
  readonly #outgoing = new OutgoingQueue();
  /** The end of the TCP stream was handed out by `takeEof()`. */
  #eofTaken = false;
  #sentClose: { code: number; reason: string } | null = null;
  #closedWith: CloseStatus | null = null;

  constructor(options: ConnectionOptions) {
    this.role = options.role;
    this.#table = compileTransitions(options.transitions);
    this.#reads = this.#can('receive-data');
    this.#parser = new FrameParser({
      sender: options.role === 'server' ? 'client' : 'server',
      maxPayload: options.maxPayload,
      maxMessage: options.maxMessage,
      allocate: options.allocate,
      utf8Check: options.utf8Check,
      unmaskInPlace: options.unmaskInPlace,
      perMessageCompressed: (options.deflate ?? null) !== null,
    });
    this.#deflate = options.deflate
      ? new DeflatePipeline(options.deflate, this.#outgoing, this.#pipelineHost(), {
          maxMessage: options.maxMessage ?? Number.MAX_SAFE_INTEGER,
          utf8Check: options.utf8Check ?? null,
          wake: options.wake ?? null,
        })
      : null;
    this.#allocate = options.allocate ?? allocatePooled;
    this.#assembler = new MessageAssembler(this.#allocate, options.maxMessage);
    this.#reportFrames = options.reportFrames ?? false;
    this.#maskingKey = options.role === 'client' ? (options.maskingKey ?? randomMaskingKey) : null;
  }

  /** The readyState the WebSocket API would show (CONNECTING is the handshake's, done before this object exists). */
  get state(): ReadyState {
    return READY_STATE_OF[this.#state];
  }

  /** The state in the table of states.ts: CLOSING told apart by who sent what, and TCP's end. */
  get connectionState(): ConnectionState {
    return this.#state;
  }

  /** Bytes received but not yet part of a complete frame. */
  get bufferedAmount(): number {
    return this.#parser.bufferedAmount;
  }

  /**
   * Bytes held for what the peer sent and is not yet a message: unread input, a frame's payload so
   * far, a fragmented message's fragments so far. RFC 6455 §10.4: "a malicious endpoint can try to
   * exhaust its peer's memory or mount a denial-of-service attack by sending either a single big
   * frame (e.g., of size 2**60) or by sending a long stream of small frames that are a part of a
   * fragmented message"; a server
   * adds this up over its connections to bound the whole, not just each one.
   */
  get heldBytes(): number {
    return this.#parser.heldBytes + this.#assembler.heldBytes;
  }

  /** Stream offset of the next byte the parser will read. */
  get offset(): number {
    return this.#parser.offset;
  }

  /**
   * After a fault, the stream offset up to which the bytes received hold the failed frame's payload
   * unmasked (the rest, up to `offset`, as sent); `offset` otherwise.
   */
  get unmaskedTo(): number {
    return this.#parser.unmaskedTo;
  }

  /** The close code and reason this end sent in its Close frame, or null before it sent one. */
  get sentClose(): { code: number; reason: string } | null {
    return this.#sentClose;
  }

  /** The close code, reason and cleanliness (the `closed` event's), or null while they are not settled. */
  get closedWith(): CloseStatus | null {
    return this.#closedWith;
  }

  /**
   * Feed bytes read from the socket (the connection takes ownership of `chunk`). Nothing is parsed
   * yet: call `nextEvent()` until it returns null, acting on each event (and writing
   * `takeOutgoing()`) before asking for the next, so an answer to a message goes out before the
   * close frame of a fault found in a later frame of the same read. Bytes that come once the
   * state reads no more (after the peer's Close frame, §1.4; after failing, §7.1.7) are dropped.
   */
  receive(chunk: Uint8Array): void {
    if (this.#reads) this.#parser.push(chunk);
  }

  /** The next thing that happened, parsing one more frame if needed; null when more bytes are needed. */
  nextEvent(): ProtocolEvent | null {
    for (;;) {
      if (this.#events.length > 0) return this.#events.shift()!;
      if (!this.#reads || (this.#deflate !== null && this.#deflate.inflating)) return null;
      const item = this.#parser.next();
      if (item === null) return null;
      if (item.kind === 'fault') {
        this.#onFault(item);
        continue;
      }
      if (this.#reportFrames) this.#events.push({ kind: 'frame', frame: item });
      if (this.#deflate !== null && (item.opcode === Opcode.Text || item.opcode === Opcode.Binary)) this.#messageStart = item.offset;
      const event = this.#assembler.accept(item);
      if (event === null) continue;
      if (event.kind === 'message' && event.compressed !== undefined) {
        this.#deflate!.receive(event, this.#messageStart);
        continue;
      }
      // The common case, a message and nothing queued before it: no round trip through the queue.
      if (event.kind === 'message' && this.#events.length === 0) return event;
      this.#events.push(event);
      if (event.kind === 'ping') this.#onPing(event.payload);
      else if (event.kind === 'close') this.#onClose(event.code, event.reason);
    }
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
    return this.#outgoing.take();
  }

  /**
   * The messages sent compressed whose frames the last `takeOutgoing()` calls handed out, in the
   * order of their frames (each first frame has RSV1): what each was before compression.
   */
  takeDeflated(): DeflatedReport[] {
    return this.#outgoing.takeReports();
  }

  /** Work passed out (inflating a message, compressing one) is not finished: `wake` will be called. */
  get busy(): boolean {
    return (this.#deflate !== null && this.#deflate.inflating) || this.#outgoing.holding;
  }

  /**
   * True once, when this end should end its side of TCP (after writing `takeOutgoing()`:
   * `socket.end()`). A server ends TCP as soon as the WebSocket connection is closed or failed
   * (§5.5.1: "The server MUST close the underlying TCP connection immediately"; §7.1.1: it
   * "SHOULD initiate a TCP Close immediately"); a client waits for the server's (§7.1.1: "when a
   * client is instructed to do the same, it SHOULD wait for a TCP Close from the server") and
   * ends its side once the server's came (`receiveEof()`).
   */
  takeEof(): boolean {
    if (this.#eofTaken || this.#outgoing.holding) return false;
    if (this.#state === 'CLOSED' || (this.#state === 'CLOSING_TCP' && this.role === 'server')) {
      this.#eofTaken = true;
      return true;
    }
    return false;
  }

  /**
   * Should the peer end the connection soon? True from this end's Close frame (or the peer's)
   * until TCP is closed: the peer owes its Close frame, or its end of TCP. While it is true the
   * caller runs one timer (a close timeout); if it fires first, the caller drops the connection
   * (§7.1.1: "In abnormal cases ... a client MAY initiate the TCP Close"; a server may too) and
   * calls `receiveEof()`. In OPEN and CLOSED it is false.
   */
  closeExpected(): boolean {
    return READY_STATE_OF[this.#state] === 'CLOSING';
  }

  /** The TCP connection ended (the peer closed it, or it dropped): CLOSED, with 1006 if no closing handshake finished. */
  receiveEof(): void {
    if (!this.#can('tcp-closed')) return;
    const from = this.#state;
    this.#move('tcp-closed');
    // §7.1.5: "If _The WebSocket Connection is Closed_ and no Close control frame was received by
    // the endpoint ... _The WebSocket Connection Close Code_ is considered to be 1006."
    if (from !== 'CLOSING_TCP') this.#settle(1006, '', false);
  }

  /** Send a text (string) or binary (bytes) message. Returns false if the state forbids it. */
  send(data: string | Uint8Array): boolean {
    if (typeof data === 'string') return this.sendMessage(encodeUtf8(data), false);
    return this.sendMessage(data, true);
  }

  /** Send a message as `count` fragments (a teaching aid: the first carries the opcode, the rest continue). */
  sendFragmented(data: string | Uint8Array, count: number): boolean {
    if (typeof data === 'string') return this.sendMessage(encodeUtf8(data), false, count);
    return this.sendMessage(data, true, count);
  }

  /**
   * Send a message, text (`data` is UTF-8) or binary, in `fragments` frames (default one). With
   * permessage-deflate, a message at or over the threshold is compressed and its first frame has
   * RSV1 (RFC 7692 §6); what is sent after it waits for its bytes, so the wire keeps call order.
   */
  sendMessage(data: Uint8Array, binary: boolean, fragments = 1): boolean {
    if (!this.#can('send-data')) return false;
    const opcode = binary ? Opcode.Binary : Opcode.Text;
    if (this.#deflate !== null) this.#deflate.send(opcode, data, binary, fragments);
    else if (fragments <= 1) this.#queue({ opcode, payload: data });
    else this.#queueFragments(opcode, data, fragments, false);
    this.#move('send-data');
    return true;
  }

  /** One message as `count` frames, the first with the opcode (and RSV1 when compressed), the rest continuations. */
  #queueFragments(opcode: number, bytes: Uint8Array, count: number, rsv1: boolean): void {
    const n = Math.max(1, Math.min(Math.floor(count), Math.max(1, bytes.length)));
    const size = Math.ceil(bytes.length / n);
    for (let i = 0; i < n; i++) {
      const part = bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size));
      this.#queue({ opcode: i === 0 ? opcode : Opcode.Continuation, fin: i === n - 1, payload: part, rsv1: rsv1 && i === 0 });
    }
  }

  /**
   * Send any frame as given (the playground's "misbehave" buttons use this to break rules on
   * purpose). A close frame starts the closing handshake. Returns false if the state forbids it:
   * RFC 6455 §5.5.1: "The application MUST NOT send any more data frames after sending a Close
   * frame"; pings and pongs may still go out while closing (§5.5.2).
   */
  sendFrame(spec: FrameSpec): boolean {
    const event: StateEvent = spec.opcode === Opcode.Close ? 'send-close' : isControl(spec.opcode) ? 'send-control' : 'send-data';
    if (!this.#can(event)) return false;
    if (event === 'send-close') {
      const { code, reason } = parseClosePayload(spec.payload ?? new Uint8Array(0));
      this.#sentClose = { code: code ?? 1005, reason };
    }
    this.#queue(spec);
    this.#move(event);
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
    if (!this.#can('send-close')) return false;
    // Built before the state changes: closePayload throws on a reason over 123 bytes (§5.5).
    const payload = closePayload(code, reason);
    this.#sentClose = { code: code ?? 1005, reason };
    this.#queue({ opcode: Opcode.Close, payload });
    this.#move('send-close');
    return true;
  }

  /** Fail the connection from outside (a timeout, a policy): a close frame with `code` if none was sent, then closed. */
  abort(code: number, reason = ''): void {
    if (this.#can('fail')) this.#fail(code, truncateReason(reason), reason);
  }

  // ---- moves --------------------------------------------------------------------------------

  /** Does the table allow `event` in the current state? */
  #can(event: StateEvent): boolean {
    return this.#table[this.#state][event] !== undefined;
  }

  /** The only way the state changes: the table's move for `event` (throws when it has none). */
  #move(event: StateEvent): void {
    this.#state = nextState(this.#state, event, this.#table);
    this.#reads = this.#can('receive-data');
  }

  /** What the deflate pipeline may do with this connection. */
  #pipelineHost(): PipelineHost {
    return {
      reading: () => this.#reads,
      received: (result) => {
        if (result.kind === 'fault') this.#onFault(result);
        else this.#events.push(result);
      },
      queueFrames: (opcode, payload, fragments, rsv1) => this.#queueFragments(opcode, payload, fragments, rsv1),
      failed: (reason) => this.abort(1011, reason),
    };
  }

  #onFault(f: Fault): void {
    this.#events.push({ kind: 'fault', fault: f });
    // A short reason helps a student reading the peer's close event; the full message stays in the fault.
    this.#fail(f.closeCode, `${f.rule} at byte ${f.offset}`, f.message);
  }

  #onPing(payload: Uint8Array): void {
    // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in
    // response, unless it already received a Close frame." Reading stops at a Close frame
    // received, so every ping that gets here is answered, in CLOSE_SENT too; §5.5.3: "A Pong
    // frame sent in response to a Ping frame must have identical "Application data"".
    this.#queue({ opcode: Opcode.Pong, payload });
    this.#move('send-control');
  }

  #onClose(code: number | null, reason: string): void {
    this.#move('receive-close');
    if (this.#state === 'CLOSE_RECEIVED') {
      // RFC 6455 §5.5.1: "If an endpoint receives a Close frame and did not previously send a Close
      // frame, the endpoint MUST send a Close frame in response. (When sending a Close frame in
      // response, the endpoint typically echos the status code it received.)"
      this.#sentClose = { code: code ?? 1005, reason: '' };
      this.#queue({ opcode: Opcode.Close, payload: closePayload(code, '') });
      this.#move('send-close');
    }
    this.#settle(code ?? 1005, reason, true);
  }

  /**
   * RFC 6455 §7.1.7 "Fail the WebSocket Connection": "the endpoint SHOULD send a Close frame with
   * an appropriate status code" (unless it sent one already), then read nothing more.
   */
  #fail(code: number, frameReason: string, reason: string): void {
    // A Close frame is owed where the table still allows sending one (OPEN, not CLOSE_SENT).
    if (this.#can('send-close') && isValidCloseCode(code)) {
      this.#sentClose = { code, reason: frameReason };
      this.#queue({ opcode: Opcode.Close, payload: closePayload(code, frameReason) });
    }
    this.#move('fail');
    this.#settle(code, reason, false);
  }

  /** The close code and reason are final: report them once. */
  #settle(code: number, reason: string, wasClean: boolean): void {
    this.#closedWith = { code, reason, wasClean };
    this.#events.push({ kind: 'closed', code, reason, wasClean });
  }

  #queue(spec: FrameSpec): void {
    const payload = spec.payload ?? new Uint8Array(0);
    const allocate = this.#allocate;
    const out = this.#outgoing.target();
    if (spec.maskingKey !== undefined) {
      out.push(encodeFrame(spec, allocate));
    } else if (this.#maskingKey !== null) {
      out.push(encodeFrame({ ...spec, maskingKey: this.#maskingKey() }, allocate));
    } else if (payload.length >= COPY_LIMIT) {
      out.push(encodeHeader(spec, payload.length, allocate), payload);
    } else {
      out.push(encodeFrame(spec, allocate));
    }
  }
}

function truncateReason(reason: string): string {
  let text = reason;
  while (encodeUtf8(text).length > 123) text = text.slice(0, -1);
  return text;
}
