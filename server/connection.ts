/**
 * One WebSocket connection on the server: a TCP socket and the codec's WebSocketConnection, and
 * the I/O around them; the protocol itself is all in src/protocol (docs/server.md, "Behaviour of
 * every connection"). Reads go to `receive()`, events are handled one at a time with
 * `nextEvent()`, and what the codec queued is written after each, corked into one writev. The
 * codec decides the close (`closedWith`, `takeEof()`, `closeExpected()`; a socket gone is
 * `receiveEof()`): the connection keeps no TCP flags. The rest has a module each in connection/:
 * backpressure, keepalive (pings, idle timeout), the demonstrations, the write path (which finds
 * the frames written from their headers, for the tap), ending TCP (§7.1.1), how it closed.
 *
 * Endpoints see it as an `EndpointConnection`, the inspector as a `WatchedConnection` or (for an
 * `/inspect` subscriber) a `SubscriberSocket`.
 */
import type { Socket } from 'node:net';
import { canHappen, citation, type ProtocolEvent, type ReadyState, type WebSocketConnection } from '../src/protocol/index.ts';
import { ReadGate } from './connection/backpressure.ts';
import { CloseRecord } from './connection/close-record.ts';
import { serverCodec } from './connection/codec.ts';
import type { ZlibEngines } from './deflate/zlib.ts';
import { misbehaviour, queueMessage } from './connection/demonstrations.ts';
import { Flood, type FloodProgress } from './connection/flood.ts';
import { Keepalive, type KeepaliveHost } from './connection/keepalive.ts';
import { TcpTeardown } from './connection/teardown.ts';
import { FrameWriter } from './connection/writer.ts';
import { EndpointHandlers } from './connection/handlers.ts';
import type { BudgetHolder } from './connection/memory-budget.ts';
import type { ConnectionContext, ConnectionInit, ConnectionStats } from './connection/types.ts';
import type { ConnectionHandlers, Endpoint, EndpointConnection, UpgradeRequest } from './endpoints/types.ts';
import type { ConnectionInfo, MisbehaveKind } from './inspector/messages.ts';
import { ConnectionTap } from './inspector/tap.ts';
import type { SubscriberSocket, WatchedConnection } from './inspector/types.ts';
import { closeLine, formatBytes } from './log.ts';

export type { ConnectionContext, ConnectionInit, ConnectionStats } from './connection/types.ts';

/** Received bytes waiting behind a message that inflates, past which reading pauses. */
const HOLD_BYTES = 1024 * 1024;

export class ServerConnection implements EndpointConnection, WatchedConnection, SubscriberSocket, BudgetHolder {
  readonly id: number;
  readonly path: string;
  readonly session: string | null;
  readonly peer: string;
  /** The subprotocol the server chose, or null. */
  readonly protocol: string | null;
  /** The handshake as the inspector reports it. */
  readonly info: ConnectionInfo;
  readonly openedAt = performance.now();

  readonly #socket: Socket;
  readonly #ws: WebSocketConnection;
  /** node:zlib's streams, with permessage-deflate. */
  readonly #engines: ZlibEngines | null;
  readonly #ctx: ConnectionContext;
  readonly #endpoint: Endpoint;
  readonly #request: UpgradeRequest;
  readonly #tap: ConnectionTap;
  readonly #writer: FrameWriter;
  readonly #keepalive: Keepalive;
  readonly #teardown: TcpTeardown;
  readonly #handlers: EndpointHandlers;
  #head: Uint8Array | null;

  readonly #gate: ReadGate;
  #processing = false;
  readonly #closing = new CloseRecord();
  /** "fragment-next": the next message goes out in this many fragments (0: one frame), a ping after the first if asked. */
  #fragmentNext = 0;
  #pingBetween = false;
  /** The flood demonstration running on this connection, if any. */
  #flood: Flood | null = null;

  readonly #stats: ConnectionStats = { reads: 0, framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, messagesIn: 0 };

  constructor(init: ConnectionInit) {
    this.id = init.id;
    this.path = init.request.path;
    this.session = init.request.session;
    this.peer = init.request.peer;
    this.protocol = init.protocol;
    this.info = init.info;
    this.#socket = init.socket;
    this.#head = init.head.length > 0 ? init.head : null;
    this.#request = init.request;
    this.#endpoint = init.endpoint;
    this.#ctx = init.context;
    const { options } = init.context;
    const deflate = init.deflate ? { params: init.deflate, threshold: options.deflate.threshold } : null;
    const codec = serverCodec(options, deflate, () => this.#onWake());
    this.#ws = codec.ws;
    this.#engines = codec.engines;
    this.#tap = new ConnectionTap(init.context.inspector, init.id, init.request.session, init.watchable);
    this.#keepalive = new Keepalive(this.#keepaliveHost(), {
      pingInterval: options.pingInterval,
      idleTimeout: init.endpoint.noIdleTimeout ? 0 : options.idleTimeout,
    });
    this.#teardown = new TcpTeardown(init.socket, options.closeTimeout);
    this.#writer = new FrameWriter(init.socket, this.#tap, this.#stats);
    this.#gate = new ReadGate(init.socket);
    this.#handlers = new EndpointHandlers({
      warn: (text) => this.#ctx.logger.warn(`error #${this.id} ${this.path}: ${text}`),
      failed: (error) => this.#internalError(error),
    });
  }

  /** Wire the socket, let the endpoint take the connection, feed bytes that came with the head. */
  start(): void {
    const socket = this.#socket;
    socket.setNoDelay(true);
    socket.setTimeout(0);
    socket.on('data', (chunk: Buffer) => this.#onData(chunk));
    socket.on('end', () => this.#onEnd());
    socket.on('drain', () => this.#onDrain());
    socket.on('error', (error: NodeJS.ErrnoException) => this.#onError(error));
    socket.on('close', () => this.#onSocketClose());
    this.#ctx.logger.info(`open  #${this.id} ${this.path} ${this.peer}${this.session !== null ? ` session=${this.session}` : ''}`);
    this.#tap.opened(this);
    this.#keepalive.start();
    try {
      const handlers = this.#endpoint.open(this, this.#request);
      if (handlers) this.#handlers.set(handlers);
    } catch (error) {
      this.#internalError(error);
      return;
    }
    const head = this.#head;
    this.#head = null;
    if (head !== null && !this.#socket.destroyed) this.#onData(head);
  }

  /** The readyState: CLOSING from the first Close frame until TCP is closed (RFC 6455 §7.1.4), then CLOSED. */
  get state(): ReadyState {
    return this.#ws.state;
  }

  /** Node's writableLength. */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Bytes read from the socket so far (it stops growing while reading is paused). */
  get bytesRead(): number {
    return this.#socket.bytesRead;
  }

  /** Is reading paused because the peer is not reading what the server writes? */
  get readingPaused(): boolean {
    return this.#gate.paused;
  }

  get stats(): Readonly<ConnectionStats> {
    return this.#stats;
  }

  /** Run `write` with the socket corked, so what it sends goes out in one writev. */
  corked(write: () => void): void {
    this.#socket.cork();
    try {
      write();
    } finally {
      this.#socket.uncork();
    }
  }

  setHandlers(handlers: ConnectionHandlers): void {
    this.#handlers.set(handlers);
  }

  /** As one frame, unless a page asked for the next message in fragments (`fragmentNext`). */
  sendMessage(data: Uint8Array, binary: boolean): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    const fragments = this.#fragmentNext;
    const ping = this.#pingBetween;
    this.#fragmentNext = 0;
    this.#pingBetween = false;
    const ok = queueMessage(this.#ws, data, binary, fragments, ping);
    this.#afterSend();
    return ok;
  }

  sendText(text: string): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    const ok = this.#ws.send(text);
    this.#afterSend();
    return ok;
  }

  ping(payload: Uint8Array = new Uint8Array(0)): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    const ok = this.#ws.ping(payload);
    this.#afterSend();
    return ok;
  }

  /** The next message this connection sends goes out in `count` fragments (a demonstration). */
  fragmentNext(count: number, ping = false): void {
    this.#fragmentNext = count;
    this.#pingBetween = ping;
  }

  /**
   * The closing handshake (RFC 6455 §7.1.2). The close frame goes out now, and the close timer
   * starts (`closeExpected()`): a peer that does not answer within the close timeout is dropped.
   */
  close(code?: number, reason = '', cause = 'server'): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    if (!this.#ws.close(code, reason)) return false;
    this.#closing.byServer(cause);
    this.#afterSend();
    return true;
  }

  /** Frames that break the protocol on purpose (connection/demonstrations.ts), marked for the inspector. */
  misbehave(kind: MisbehaveKind): string {
    if (this.#ws.state !== 'OPEN') throw new Error('the connection is not open');
    const { frames, rule } = misbehaviour(kind);
    this.corked(() => {
      this.#flush(); // what the codec had queued goes first, unmarked
      for (const spec of frames) this.#ws.sendFrame(spec);
      this.#flush(kind);
    });
    this.#checkBackpressure();
    this.#ctx.logger.info(`misbehave #${this.id} ${this.path}: sent ${kind} (${rule})`);
    return rule;
  }

  /**
   * The flood demonstration (connection/flood.ts): `count` text messages as fast as the peer reads
   * them; `report` hears its progress. A new flood stops the one running; a count of 0 only stops it.
   */
  flood(count: number, size: number, report: (progress: FloodProgress) => void): void {
    this.#flood?.stop();
    this.#flood = null;
    if (count === 0 || this.#ws.state !== 'OPEN') return;
    const socket = this.#socket;
    const flood = new Flood(
      {
        isOpen: () => this.#ws.state === 'OPEN' && !socket.destroyed,
        sendText: (text) => this.sendText(text),
        corked: (write) => this.corked(write),
        unsent: () => socket.writableLength,
        onDrain: (fn) => {
          // 'close' too: a socket that closes while full never drains, and the flood must end.
          const once = (): void => {
            socket.off('drain', once);
            socket.off('close', once);
            fn();
          };
          socket.once('drain', once);
          socket.once('close', once);
        },
      },
      count,
      size,
      report,
    );
    this.#flood = flood;
    this.#ctx.logger.info(`flood #${this.id} ${this.path}: ${count} messages`);
    flood.start();
  }

  /**
   * Drop the TCP connection now, without a closing handshake. The codec hears of it when the
   * socket closes (a moment later), so an endpoint in the middle of a broadcast is not told of the
   * close from inside it; until then nothing more is written.
   */
  terminate(cause = 'terminated'): void {
    this.#closing.cause ??= cause;
    this.#socket.destroy();
  }

  /** Fail the connection from outside: a close frame with `code`, then TCP closed. */
  abort(code: number, reason: string, cause: string): void {
    if (this.#ws.closedWith !== null) return;
    this.#closing.byServer(cause);
    this.#ws.abort(code, reason);
    this.#process();
  }

  #onData(chunk: Uint8Array): void {
    this.#stats.bytesIn += chunk.length;
    this.#keepalive.received();
    // Once the codec reads no more (after the peer's Close, after failing: CLOSE_RECEIVED, CLOSING_TCP,
    // CLOSED) bytes are dropped here, not shown as reads. RFC 6455 §7.1.1: "cleanly closes the TCP
    // connection, ... discarding any trailing bytes that may have been received".
    if (!canHappen(this.#ws.connectionState, 'receive-data')) return;
    this.#stats.reads++;
    this.#tap.read(chunk);
    this.#ws.receive(chunk);
    this.#process();
  }

  #onEnd(): void {
    // The peer sent FIN: TCP is closed for the codec (1006 if no closing handshake was over), and
    // takeEof() has the server end its side too, if it has not yet.
    if (this.#ws.connectionState !== 'CLOSED') this.#ws.receiveEof();
    this.#process();
  }

  #onDrain(): void {
    if (this.#gate.drained(this.#socket.destroyed)) this.#process();
    this.#handlers.drain();
    this.#reportHeld();
  }

  /** What this connection holds for its peer, to the server's memory budget (connection/memory-budget.ts). */
  #reportHeld(): void {
    if (this.#socket.destroyed) this.#ctx.budget.remove(this);
    else this.#ctx.budget.report(this, this.#ws.heldBytes + this.#socket.writableLength);
  }

  /** The server's memory budget is used up and this connection holds the most of it. */
  overBudget(held: number, total: number, limit: number): void {
    this.#ctx.logger.warn(`shed  #${this.id} ${this.path} ${this.peer}: holds ${formatBytes(held)} of ${formatBytes(total)}, over the server's memory budget of ${formatBytes(limit)}`);
    this.abort(1013, 'Try Again Later: the server is out of memory for unfinished messages', 'memory budget');
  }

  #onError(error: NodeJS.ErrnoException): void {
    const code = error.code ?? null;
    this.#ctx.logger.info(`error #${this.id} ${this.path}: ${code ?? ''} ${error.message}`.replace(/\s+/g, ' '));
    this.#tap.socketError(code, error.message);
  }

  /** TCP is closed (§7.1.4): the codec is CLOSED, the close settled (1006 if it was not, §7.1.5). */
  #onSocketClose(): void {
    this.#ctx.budget.remove(this);
    this.#teardown.stop();
    this.#keepalive.stop();
    this.#engines?.close();
    if (this.#ws.connectionState !== 'CLOSED') this.#ws.receiveEof();
    const report = this.#closing.report(this.#ws.closedWith, this.openedAt, this.#stats);
    this.#ctx.logger.info(closeLine(this, report));
    this.#tap.closed(this, report);
    this.#handlers.closed({ code: report.code, reason: report.reason, wasClean: report.wasClean });
    this.#ctx.closed(this.id);
  }

  /** Handle every event the codec has for the bytes received, writing its output after each. */
  #process(): void {
    if (this.#processing) return;
    this.#processing = true;
    const socket = this.#socket;
    socket.cork();
    try {
      for (;;) {
        // Backpressure: the peer is not reading what we write, so stop reading what it writes.
        if (this.#ws.closedWith === null && this.#gate.full && !this.#socket.destroyed) {
          this.#gate.suspend();
          break;
        }
        const event = this.#ws.nextEvent();
        if (event === null) {
          this.#tap.readDone();
          break;
        }
        this.#handle(event);
        this.#flush();
      }
    } finally {
      socket.uncork();
      this.#processing = false;
    }
    // A message inflating on zlib's threadpool: parsing waits for it (#onWake); past a megabyte of
    // bytes waiting behind it, reading from the socket waits too (a pause per message would cost
    // a read round trip each). Only while the codec reads: once it does not, TCP's end reads on.
    const ws = this.#ws;
    if (canHappen(ws.connectionState, 'receive-data')) this.#gate.hold(ws.busy && ws.bufferedAmount > HOLD_BYTES);
    this.#afterOutput();
    this.#reportHeld();
  }

  /** zlib finished a message (permessage-deflate): write what it made, and go on with the events. */
  #onWake(): void {
    if (this.#processing) return;
    this.corked(() => this.#flush());
    this.#process();
    if (this.#ws.closedWith === null) this.#checkBackpressure();
  }

  #handle(event: ProtocolEvent): void {
    switch (event.kind) {
      case 'frame':
        this.#stats.framesIn++;
        this.#tap.frameIn(event.frame);
        break;
      case 'message':
        this.#stats.messagesIn++;
        if (event.compressed) this.#tap.inflatedIn(event.data, event.compressed.wireLength, event.binary);
        this.#handlers.message(event);
        break;
      case 'pong':
        // §5.5.3: a pong may be unsolicited; it needs no answer. It does prove the peer is alive.
        this.#keepalive.pong();
        break;
      case 'close':
        this.#closing.byClient();
        break;
      case 'fault': {
        const f = event.fault;
        this.#closing.byServer('fault');
        this.#ctx.logger.warn(`fault #${this.id} ${this.path} ${this.peer}: ${f.closeCode} ${f.rule} at byte ${f.offset} (${citation(f.rfc)}): ${f.message}`);
        this.#tap.fault(f, this.#ws.unmaskedTo);
        break;
      }
      case 'ping': // the codec queued the pong (RFC 6455 §5.5.2); the tap shows both frames
      case 'closed': // the codec's closedWith says the same; #afterOutput acts on it after the writes
        break;
    }
  }

  /** Write what the codec queued; `misbehave` marks frames broken on purpose (connection/writer.ts). */
  #flush(misbehave?: string): void {
    this.#writer.write(this.#ws.takeOutgoing(), misbehave, this.#ws.takeDeflated());
  }

  /** After a send from outside the loop: write now (one writev), then mind backpressure. */
  #afterSend(): void {
    if (this.#processing) return; // the loop flushes after each event
    this.corked(() => this.#flush());
    this.#afterOutput();
    this.#reportHeld();
    if (this.#ws.closedWith !== null) return;
    this.#checkBackpressure();
    // Messages pushed from elsewhere (a broadcast) are not paced by this peer's reads: a peer that
    // lets them pile up past twice the largest message is dropped rather than buffered for.
    const limit = 2 * this.#ctx.options.maxMessage + 1024 * 1024;
    if (this.#socket.writableLength > limit && !this.#socket.destroyed) {
      this.#ctx.logger.info(`drop  #${this.id} ${this.path} ${this.peer}: ${formatBytes(this.#socket.writableLength)} unsent; the peer is not reading`);
      this.terminate('not reading');
    }
  }

  #checkBackpressure(): void {
    if (this.#ws.closedWith === null && this.#gate.full && !this.#socket.destroyed) this.#gate.pause();
  }

  /**
   * After the codec's output is written, what it says about the close (connection/teardown.ts):
   * the close timer runs while `closeExpected()`; once `closedWith` is settled the endpoint hears
   * of it (once) and the pings stop; `takeEof()` ends TCP (RFC 6455 §7.1.1, the server first),
   * and reading resumes, to discard what the peer still sends. With permessage-deflate a message
   * still being compressed, and the Close frame queued behind it, are written first: `takeEof()`
   * stays false until they are, and `#onWake` comes back here.
   */
  #afterOutput(): void {
    const ws = this.#ws;
    if (ws.closeExpected()) this.#teardown.expectClose(() => this.#closeTimedOut());
    const closed = ws.closedWith;
    if (closed === null) return;
    this.#keepalive.stop();
    this.#handlers.closed(closed);
    if (ws.takeEof()) {
      this.#gate.release();
      this.#teardown.end();
    }
  }

  /** The close timer fired: the peer owes its Close frame or its end of TCP. Drop it; TCP is gone. */
  #closeTimedOut(): void {
    if (this.#ws.connectionState === 'CLOSE_SENT') {
      this.#closing.cause = 'close timeout';
      this.#ctx.logger.info(`close #${this.id} ${this.path}: no close frame from the peer within ${this.#ctx.options.closeTimeout} ms; dropping it`);
    }
    this.#socket.destroy();
    if (this.#ws.connectionState !== 'CLOSED') this.#ws.receiveEof();
    this.#afterOutput();
  }

  #keepaliveHost(): KeepaliveHost {
    return {
      isOpen: () => this.#ws.state === 'OPEN',
      ping: () => this.ping(),
      noPong: (ms) => {
        this.#ctx.logger.info(`drop  #${this.id} ${this.path} ${this.peer}: no pong within ${ms} ms`);
        this.abort(1001, `no pong within ${ms} ms`, 'ping timeout');
      },
      idle: () => this.close(1001, 'idle timeout', 'idle timeout'),
    };
  }

  #internalError(error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.#ctx.logger.warn(`error #${this.id} ${this.path}: ${message}`);
    this.abort(1011, 'internal error', 'internal error');
  }
}
