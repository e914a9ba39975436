/**
 * The fuzzing client: one TCP connection playing one case the way Autobahn|Testsuite's
 * `fuzzingclient` does (autobahntestsuite/case/*.py and fuzzing.py), building the frames it sends
 * and reading the server's with the codec in src/protocol, and logging both ways (wire-log.ts).
 *
 * It behaves as Autobahn's client does with `failByDrop = false`: it answers a server's close
 * with a close (1000), waits 1 s for the server to close TCP (`serverConnectionDropTimeout`), waits
 * 1 s for the server's close after its own (`closeHandshakeTimeout`), and on anything the server
 * gets wrong (a masked frame, RSV bits, a bad opcode, invalid UTF-8, a bad close payload: every
 * fault the codec finds in a server's bytes) fails the connection itself with 1002/1007, which
 * shows up as `closedByMe` and fails the case. Writes with `sync` or a `chopsize` go out one per
 * event-loop turn, as Autobahn's send queue does. judge.ts turns what it saw into a verdict.
 */
import net from 'node:net';
import { validateUpgradeResponse, type Fault, type Frame } from '../src/protocol/index.ts';
import type { CaseState } from './case.ts';
import { CLOSE_GOING_AWAY, CLOSE_INVALID_PAYLOAD, CLOSE_NORMAL, CLOSE_PROTOCOL_ERROR, sameEvents, type Bytes, type FuzzCase, type Received } from './case.ts';
import { markHead } from './head-marks.ts';
import { Incoming, type FrameRef, type Unfinished } from './incoming.ts';
import { Outgoing, type SendFrameOptions } from './outgoing.ts';
import { buildRequest, type Target } from './target.ts';
import type { WireLog } from './wire-log.ts';
import type { WireFrame } from '../src/wire/conformance.ts';

export type { SendFrameOptions } from './outgoing.ts';
export type { FrameRef } from './incoming.ts';

type State = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

/** A server that sends more events than this in one case is flooding. */
const MAX_EVENTS = 10_000;
const MAX_HEAD = 16 * 1024;

export interface ClientOptions {
  target: Target;
  log: WireLog;
  /** Autobahn's closeHandshakeTimeout and serverConnectionDropTimeout (seconds). */
  closeHandshakeTimeout?: number;
  serverConnectionDropTimeout?: number;
  /** Milliseconds for TCP connect plus the server's 101. */
  handshakeTimeout?: number;
}

export class FuzzingClient {
  state: State = 'CONNECTING';
  closedByMe = false;
  droppedByMe = false;
  /** The server's last frame, when its stream ended in the middle of it (a crash while sending). */
  unfinished: Unfinished | null = null;
  /** Why the grader gave up on the connection (abort: silence, the time budget, a stop), or null. */
  gaveUp: string | null = null;
  failedByMe = false;
  wasClean = false;
  remoteCloseCode: number | null = null;
  remoteCloseReason: string | null = null;
  /** The close frame the server sent, for marking its code. */
  remoteCloseFrame: FrameRef | null = null;
  /** What the client found wrong in the server's bytes or handshake, in a sentence. */
  violation: string | null = null;
  /** The codec's fault in the server's bytes, if that was the violation. */
  fault: Fault | null = null;
  /** The log entry of the frame the fault is in. */
  faultEntry: WireFrame | null = null;
  serverClosedTcp = false;
  connectionWasOpen = false;
  /** Why TCP never opened (ECONNREFUSED, ...), or null. */
  connectError: string | null = null;
  /** The server did not answer the opening handshake in time. */
  handshakeTimedOut = false;
  /** The frames that made each received event (same order as `CaseState.received`). */
  readonly receivedFrames: FrameRef[][] = [];
  autoFragmentSize = 0;

  readonly log: WireLog;
  readonly #options: Required<Omit<ClientOptions, 'target' | 'log'>> & { target: Target };
  readonly #c: CaseState;
  readonly #def: FuzzCase;
  #socket!: net.Socket;
  readonly #t0 = performance.now();
  readonly #timers = new Set<NodeJS.Timeout>();
  #closeHandshakeTimer: NodeJS.Timeout | null = null;
  #dropTimer: NodeJS.Timeout | null = null;
  #out!: Outgoing;
  #in!: Incoming;
  #head: Buffer[] = [];
  #headLength = 0;
  #key = '';
  #message: { binary: boolean; parts: Uint8Array[]; length: number; frames: FrameRef[] } | null = null;
  #done!: () => void;
  readonly finished: Promise<void>;

  constructor(def: FuzzCase, c: CaseState, options: ClientOptions) {
    this.#def = def;
    this.#c = c;
    this.log = options.log;
    this.#options = {
      target: options.target,
      closeHandshakeTimeout: options.closeHandshakeTimeout ?? 1,
      serverConnectionDropTimeout: options.serverConnectionDropTimeout ?? 1,
      handshakeTimeout: options.handshakeTimeout ?? 5000,
    };
    this.finished = new Promise((resolve) => (this.#done = resolve));
  }

  get elapsed(): number {
    return performance.now() - this.#t0;
  }

  /** When a byte last crossed the connection, either way (performance.now()). */
  lastActivity = performance.now();

  /** Bytes received from the server after the opening handshake. */
  get bytesIn(): number {
    return this.#in.bytesIn;
  }

  /** Data frames sent, by opcode (10.1.1 counts them). */
  get txFrameStats(): Readonly<Record<number, number>> {
    return this.#out.txFrameStats;
  }

  // ---- connection ---------------------------------------------------------------------------

  start(): void {
    const { target } = this.#options;
    const socket = net.connect({ port: target.port, host: target.host });
    this.#socket = socket;
    this.#in = new Incoming(this.log);
    this.#out = new Outgoing(socket, this.log, () => this.state === 'CLOSED', () => (this.lastActivity = performance.now()));
    socket.setNoDelay(true);
    const handshakeTimer = setTimeout(() => {
      if (this.state !== 'CONNECTING') return;
      this.handshakeTimedOut = true;
      this.log.event(`no answer to the opening handshake within ${this.#options.handshakeTimeout} ms: the grader drops TCP`);
      this.droppedByMe = true;
      socket.destroy();
    }, this.#options.handshakeTimeout);
    this.#timers.add(handshakeTimer);
    socket.on('connect', () => {
      const request = buildRequest(target);
      this.#key = request.key;
      this.log.http('client-to-server', request.head);
      socket.write(request.head, 'latin1');
    });
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => {
      this.log.event('TCP: the server closed its side (FIN)');
      if (!this.droppedByMe) this.serverClosedTcp = true;
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (!this.#socket.remoteAddress && this.state === 'CONNECTING' && !this.handshakeTimedOut) this.connectError = error.code ?? error.message;
      this.log.event(`TCP error: ${error.code ?? error.message}`);
      if (!this.droppedByMe) this.serverClosedTcp = true;
    });
    socket.on('close', () => this.#connectionLost());
  }

  #onData(chunk: Buffer): void {
    this.lastActivity = performance.now();
    if (this.state === 'CONNECTING') return this.#onHandshakeData(chunk);
    if (this.state === 'CLOSED' || this.#in.deaf) return;
    this.#in.push(chunk);
    this.#parse();
  }

  #onHandshakeData(chunk: Buffer): void {
    this.#head.push(chunk);
    this.#headLength += chunk.length;
    const all = Buffer.concat(this.#head);
    const end = all.indexOf('\r\n\r\n');
    if (end === -1) {
      if (this.#headLength > MAX_HEAD) this.#refuseHandshake(all.toString('latin1'), `the response head is over ${MAX_HEAD} bytes without an empty line`);
      return;
    }
    const head = all.subarray(0, end + 4).toString('latin1');
    const rest = all.subarray(end + 4);
    this.#head = [];
    const verdict = validateUpgradeResponse(head, this.#key);
    if (!verdict.ok) return this.#refuseHandshake(head, verdict.reason);
    this.log.http('server-to-client', head);
    this.state = 'OPEN';
    this.connectionWasOpen = true;
    this.log.event('OPEN: the opening handshake is complete');
    try {
      this.#def.onOpen(this, this.#c);
    } catch (error) {
      this.log.event(`grader error in the case: ${String(error)}`);
      this.violation = `the grader failed in this case: ${String(error)}`;
      this.failConnection();
    }
    if (rest.length > 0) this.#onData(Buffer.from(rest));
  }

  #refuseHandshake(head: string, reason: string): void {
    this.log.http('server-to-client', head, markHead(head, reason));
    this.log.event(`the grader fails the connection: ${reason}`);
    this.violation = `opening handshake: ${reason}`;
    this.droppedByMe = true;
    this.#socket.destroy();
  }

  #parse(): void {
    for (let read = this.#in.next(); read !== null; read = this.#in.next()) {
      if (read.kind === 'fault') return this.#protocolViolation(read.fault, read.entry);
      this.#onFrame(read.frame, read.ref);
      if (this.state === 'CLOSED') return;
    }
  }

  #onFrame(frame: Frame, ref: FrameRef): void {
    const payload = Buffer.from(frame.payload.buffer, frame.payload.byteOffset, frame.payload.length);
    if (frame.opcode === 8) return this.#onCloseFrame(payload, ref);
    if (frame.opcode === 9) {
      // RFC 6455 §5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send a Pong frame in response".
      if (this.state === 'OPEN') this.#out.frame({ opcode: 10, payload }, 'reply');
      return this.#received(['ping', Buffer.from(payload)], [ref]);
    }
    if (frame.opcode === 10) return this.#received(['pong', Buffer.from(payload)], [ref]);
    if (frame.opcode !== 0) this.#message = { binary: frame.opcode === 2, parts: [], length: 0, frames: [] };
    const message = this.#message!;
    message.parts.push(payload);
    message.length += payload.length;
    message.frames.push(ref);
    if (!frame.fin) return;
    this.#message = null;
    const data = message.parts.length === 1 ? Buffer.from(message.parts[0]!) : Buffer.concat(message.parts, message.length);
    if (this.#def.onMessage) {
      this.receivedFrames.push(message.frames);
      this.#def.onMessage(this, this.#c, data, message.binary);
    } else {
      this.#received(['message', data, message.binary], message.frames);
    }
  }

  #received(event: Received, frames: FrameRef[]): void {
    this.#c.received.push(event);
    this.receivedFrames.push(frames);
    if (this.#c.received.length > MAX_EVENTS) {
      this.violation = `the server sent more than ${MAX_EVENTS} messages in one case (a flood)`;
      this.log.event(`the grader stops: ${this.violation}`);
      this.abort(this.violation);
      return;
    }
    this.#finishWhenDone();
  }

  /** Autobahn's Case.finishWhenDone: once every expected list matches, start the close if the case says so. */
  #finishWhenDone(): void {
    const lists = Object.values(this.#c.expected);
    for (const list of lists) if (!sameEvents(this.#c.received, list)) return;
    if (this.#c.expectedClose.closedByMe && !this.#c.suppressClose) this.sendClose(this.#c.expectedClose.closeCode[0]);
  }

  #onCloseFrame(payload: Buffer, ref: FrameRef): void {
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : null;
    const reason = payload.length > 2 ? payload.subarray(2).toString('utf8') : null;
    this.remoteCloseCode = code;
    this.remoteCloseReason = reason;
    this.remoteCloseFrame = ref;
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

  /** RFC 6455 §7.1.1: "The underlying TCP connection, in most normal cases, SHOULD be closed first by the server". */
  #armDropTimer(): void {
    if (this.#dropTimer) return;
    this.#dropTimer = setTimeout(() => {
      if (this.state === 'CLOSED') return;
      this.log.event(`the server did not close TCP within ${this.#options.serverConnectionDropTimeout} s of the closing handshake: the grader drops it`);
      this.droppedByMe = true;
      this.#socket.destroy();
    }, this.#options.serverConnectionDropTimeout * 1000);
  }

  /** A fault in the server's bytes: log it on its frame, stop reading, fail the connection (§7.1.7). */
  #protocolViolation(fault: Fault, entry: WireFrame): void {
    this.log.event(`the server broke a rule: ${fault.message}`);
    this.violation ??= fault.message;
    if (this.fault === null) {
      this.fault = fault;
      this.faultEntry = entry;
    }
    this.failConnection(fault.closeCode === 1007 ? CLOSE_INVALID_PAYLOAD : CLOSE_PROTOCOL_ERROR, fault.rule);
  }

  // ---- sending (Autobahn's API, used by the cases) ------------------------------------------

  /** Autobahn's sendFrame: any frame, as given (no state change even for a close frame). */
  sendFrame(o: SendFrameOptions): void {
    if (this.state === 'CLOSED') return;
    this.#out.frame(o);
  }

  /** Autobahn's sendMessage: one frame, or frames of `fragmentSize` (or autoFragmentSize). */
  sendMessage(payload: Bytes, binary: boolean, fragmentSize?: number): void {
    this.#out.message(payload, binary, fragmentSize ?? (this.autoFragmentSize > 0 ? this.autoFragmentSize : 0));
  }

  /** Autobahn's beginMessage / beginMessageFrame / sendMessageFrameData / endMessage (one frame, sent in pieces). */
  beginMessage(binary = false): void {
    this.#out.beginMessage(binary);
  }
  beginMessageFrame(length: number): void {
    this.#out.beginMessageFrame(length);
  }
  sendMessageFrameData(payload: Bytes): void {
    this.#out.sendMessageFrameData(payload);
  }
  endMessage(): void {
    this.#out.endMessage();
  }

  /** Write raw bytes as they are (x.1: a frame split across reads), `gapMs` apart. */
  sendPieces(pieces: Uint8Array[], gapMs: number, then?: () => void): void {
    this.#out.pieces(pieces);
    const next = (i: number): void => {
      if (i >= pieces.length) {
        then?.();
        return;
      }
      this.continueLater(gapMs / 1000, () => {
        this.#out.write(pieces[i]!);
        next(i + 1);
      }, `piece ${i + 1}`);
    };
    if (pieces.length > 0) this.#out.write(pieces[0]!);
    next(1);
  }

  /** Several frames in one TCP write (x.1), and a close frame with `closeCode` at their end. */
  sendTogether(frames: SendFrameOptions[], closeCode?: number): void {
    if (this.state !== 'OPEN') return;
    this.#out.together(frames, closeCode);
    if (closeCode !== undefined) this.#closing(false);
  }

  /** Autobahn's sendCloseFrame: a raw close payload (any code, any reason bytes), moving to CLOSING. */
  sendCloseFrame(code?: number, reasonUtf8?: Bytes): void {
    this.#sendCloseFrame(code, reasonUtf8, false);
  }

  #sendCloseFrame(code: number | undefined, reasonUtf8: Bytes | undefined, isReply: boolean): void {
    if (this.state !== 'OPEN') return;
    this.#out.close(code, reasonUtf8, isReply);
    this.#closing(isReply);
  }

  /** A close frame is written: CLOSING, and (when the grader started it) a wait for the server's close. */
  #closing(isReply: boolean): void {
    this.state = 'CLOSING';
    this.closedByMe = !isReply;
    if (this.closedByMe) {
      this.#closeHandshakeTimer = setTimeout(() => {
        if (this.state === 'CLOSED') return;
        this.log.event(`no close frame from the server within ${this.#options.closeHandshakeTimeout} s: the grader drops TCP`);
        this.wasClean = false;
        this.droppedByMe = true;
        this.#socket.destroy();
      }, this.#options.closeHandshakeTimeout * 1000);
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
    if (this.state === 'OPEN') {
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
      this.log.event(what);
      run();
    }, seconds * 1000);
    this.#timers.add(timer);
  }

  killAfter(seconds: number): void {
    // Autobahn's killAfter: the grader's own deadline for the case, not something the server did.
    this.#later(seconds, `${seconds} s passed and the connection is still open: the grader closes it`, () => this.failConnection());
  }

  closeAfter(seconds: number): void {
    this.#later(seconds, `${seconds} s passed: the grader starts the closing handshake`, () => this.sendClose());
  }

  continueLater(seconds: number, run: () => void, tag?: string): void {
    this.#later(seconds, `${seconds} s later${tag ? ` (${tag})` : ''}`, run);
  }

  /** The grader's last resort: the case ran past its time budget, or the run was stopped. */
  abort(why: string): void {
    if (this.state === 'CLOSED') return;
    if (this.state === 'CONNECTING' && this.connectError === null && this.#socket.remoteAddress) this.handshakeTimedOut = true;
    this.log.event(`the grader gives up: ${why}`);
    this.gaveUp = why;
    this.#c.notes.push(why);
    this.droppedByMe = true;
    this.#socket.destroy();
  }

  // ---- the end ------------------------------------------------------------------------------

  #connectionLost(): void {
    if (this.state === 'CLOSED') return;
    const wasConnecting = this.state === 'CONNECTING';
    this.state = 'CLOSED';
    this.log.event(wasConnecting && !this.connectionWasOpen ? 'TCP closed before the opening handshake completed' : 'TCP closed');
    this.unfinished = this.#in.logUnfinished();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    if (this.#closeHandshakeTimer) clearTimeout(this.#closeHandshakeTimer);
    if (this.#dropTimer) clearTimeout(this.#dropTimer);
    this.#done();
  }

  /** The expected-close bookkeeping the judge needs. */
  get caseState(): CaseState {
    return this.#c;
  }
}
