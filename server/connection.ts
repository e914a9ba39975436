/**
 * One WebSocket connection on the server: a TCP socket and the codec's WebSocketConnection, and
 * the I/O around them (the protocol itself is all in src/protocol):
 *
 * - reads go to `receive()`, events are handled one at a time with `nextEvent()`, and what the
 *   codec wants written (`takeOutgoing()`) is written after each, corked into one writev;
 * - backpressure: when `socket.write()` returns false (the peer stopped reading), the server stops
 *   parsing and stops reading that socket until 'drain', so memory stays bounded;
 * - the closing handshake both ways (RFC 6455 §7.1.2-§7.1.4): a peer's close is answered (by the
 *   codec) and then the server closes TCP first (§7.1.1); after the server's own close frame it
 *   waits `closeTimeout` for the peer's, then drops the socket;
 * - a fault fails the connection (§7.1.7): the codec queues the close frame with the RFC's code,
 *   the server writes it, logs the reason and closes TCP;
 * - pings every `pingInterval`, and a peer that has not answered by the next one is dropped;
 *   `idleTimeout` without a byte from the peer closes with 1001;
 * - the tap reports the wire bytes to the inspector hub while someone watches.
 */
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import {
  decodeUtf8,
  Opcode,
  WebSocketConnection,
  type FrameSpec,
  type ProtocolEvent,
  type ReadyState,
} from '../src/protocol/index.ts';
import { misbehaviour } from './demonstrations.ts';
import type { CloseInfo, ConnectionHandlers, Endpoint, UpgradeRequest } from './endpoints/types.ts';
import type { InspectorHub } from './inspector/hub.ts';
import { stamp, type ConnectionInfo, type MisbehaveKind } from './inspector/messages.ts';
import { ConnectionTap } from './inspector/tap.ts';
import { formatBytes, quote, type Logger } from './log.ts';
import type { ResolvedOptions } from './options.ts';

/** What a connection needs from the server that owns it. */
export interface ConnectionContext {
  options: ResolvedOptions;
  logger: Logger;
  hub: InspectorHub;
  /** The socket is gone: forget the connection. */
  closed(connection: ServerConnection): void;
}

export interface ConnectionInit {
  id: number;
  socket: Socket;
  /** Bytes that followed the request head in the same read (usually none). */
  head: Uint8Array;
  request: UpgradeRequest;
  protocol: string | null;
  endpoint: Endpoint;
  info: ConnectionInfo;
  /** Report this connection to the inspector (false for the inspector's own subscribers). */
  watchable: boolean;
  context: ConnectionContext;
}

/**
 * Unsent bytes past which the server stops reading from the peer (until 'drain'). Not Node's
 * writableNeedDrain (16 KiB): inside the corked loop every echo counts as unsent until uncork, so
 * one 64 KiB echo would pause reading and cost a drain round trip per message.
 */
const BACKPRESSURE_BYTES = 1024 * 1024;

/**
 * Outgoing frames and joined payloads come from Node's Buffer pool, not zeroed: a small frame
 * would otherwise be a typed array that the socket write has to move off the V8 heap, and a big
 * payload an ArrayBuffer zeroed only to be overwritten.
 */
const allocateUnsafe = (size: number): Uint8Array => Buffer.allocUnsafe(size);

export interface ConnectionStats {
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
  messagesIn: number;
}

export class ServerConnection {
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
  readonly #ctx: ConnectionContext;
  readonly #endpoint: Endpoint;
  readonly #request: UpgradeRequest;
  readonly #tap: ConnectionTap;
  readonly #watchable: boolean;
  #head: Uint8Array | null;
  #handlers: ConnectionHandlers = {};

  #processing = false;
  /** Parsing stopped until 'drain' (backpressure). */
  #suspended = false;
  #readPaused = false;
  /** The WebSocket connection is closed (codec state CLOSED); TCP is being closed. */
  #closeInfo: CloseInfo | null = null;
  #tcpEnded = false;
  #socketClosed = false;
  #closedHandlerCalled = false;
  #initiator: 'client' | 'server' | null = null;
  #cause: string | null = null;

  #pingTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #closeTimer: NodeJS.Timeout | null = null;
  #lingerTimer: NodeJS.Timeout | null = null;
  #awaitingPong = false;
  #lastReceived = performance.now();
  #fragmentNext = 0;

  readonly #stats: ConnectionStats = { framesIn: 0, framesOut: 0, bytesIn: 0, bytesOut: 0, messagesIn: 0 };

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
    this.#watchable = init.watchable;
    const { options } = init.context;
    this.#ws = new WebSocketConnection({
      role: 'server',
      maxPayload: options.maxPayload,
      maxMessage: options.maxMessage,
      reportFrames: true,
      allocate: allocateUnsafe,
      // Node's native check (simdutf) for long text pieces; the codec's own validator still finds
      // the exact byte of a fault and keeps failing fast inside a frame (RFC 6455 §8.1).
      utf8Check: isUtf8,
    });
    this.#tap = new ConnectionTap(init.context.hub, init.id, init.watchable ? init.request.session : null, init.watchable);
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
    const { logger, options } = this.#ctx;
    logger.info(`open  #${this.id} ${this.path} ${this.peer}${this.session !== null ? ` session=${this.session}` : ''}`);
    if (this.#watchable) {
      this.#ctx.hub.addConnection(this);
      this.#ctx.hub.publish(this.session, () => ({ type: 'open', ...this.info }));
    }
    if (options.pingInterval > 0) {
      this.#pingTimer = setInterval(() => this.#pingTick(), options.pingInterval);
      this.#pingTimer.unref();
    }
    if (options.idleTimeout > 0 && !this.#endpoint.noIdleTimeout) this.#armIdle(options.idleTimeout);
    try {
      this.#handlers = this.#endpoint.open(this, this.#request) ?? this.#handlers;
    } catch (error) {
      this.#internalError(error);
      return;
    }
    const head = this.#head;
    this.#head = null;
    if (head !== null && !this.#socketClosed) this.#onData(head);
  }

  // ---- what endpoints use --------------------------------------------------------------------

  /** OPEN, CLOSING (the server sent its close frame) or CLOSED. */
  get state(): ReadyState {
    return this.#ws.state;
  }

  /** Bytes written to the socket and not yet sent (Node's writableLength). */
  get bufferedAmount(): number {
    return this.#socket.writableLength;
  }

  /** Bytes read from the socket so far (it stops growing while reading is paused). */
  get bytesRead(): number {
    return this.#socket.bytesRead;
  }

  /** Is reading paused because the peer is not reading what the server writes? */
  get readingPaused(): boolean {
    return this.#readPaused;
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
    this.#handlers = handlers;
  }

  /** Send a message: text (`binary` false; `data` must be UTF-8) or binary, as one frame. */
  sendMessage(data: Uint8Array, binary: boolean): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    let ok: boolean;
    if (this.#fragmentNext > 0) {
      const count = this.#fragmentNext;
      this.#fragmentNext = 0;
      ok = this.#ws.sendFragmented(binary ? data : decodeUtf8(data), count);
    } else {
      ok = this.#ws.sendFrame({ opcode: binary ? Opcode.Binary : Opcode.Text, payload: data });
    }
    this.#afterSend();
    return ok;
  }

  /** Send a text message. */
  sendText(text: string): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    const ok = this.#ws.send(text);
    this.#afterSend();
    return ok;
  }

  /** Send a ping (at most 125 bytes of payload; throws RangeError over that). */
  ping(payload: Uint8Array = new Uint8Array(0)): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    const ok = this.#ws.ping(payload);
    this.#afterSend();
    return ok;
  }

  /** The next message this connection sends goes out in `count` fragments (a demonstration). */
  fragmentNext(count: number): void {
    this.#fragmentNext = count;
  }

  /**
   * Start the closing handshake (RFC 6455 §7.1.2) with an optional code and reason; throws
   * RangeError on a code that may not be sent or a reason over 123 bytes. If the peer does not
   * answer within the close timeout, the socket is dropped.
   */
  close(code?: number, reason = '', cause = 'server'): boolean {
    if (this.#ws.state !== 'OPEN') return false;
    if (!this.#ws.close(code, reason)) return false;
    this.#initiator ??= 'server';
    this.#cause ??= cause;
    this.#afterSend();
    this.#closeTimer = setTimeout(() => {
      this.#cause = 'close timeout';
      this.#ctx.logger.info(`close #${this.id} ${this.path}: no close frame from the peer within ${this.#ctx.options.closeTimeout} ms; dropping it`);
      this.#socket.destroy();
    }, this.#ctx.options.closeTimeout);
    this.#closeTimer.unref();
    return true;
  }

  /**
   * Send frames that break the protocol on purpose (the playground's demonstrations). They are
   * written as they are; the inspector marks them. Returns the rule broken.
   */
  misbehave(kind: MisbehaveKind): string {
    if (this.#ws.state !== 'OPEN') throw new Error('the connection is not open');
    const { frames, rule } = misbehaviour(kind);
    this.#socket.cork();
    try {
      this.#flush();
      for (const spec of frames) this.#sendRaw(spec, kind);
    } finally {
      this.#socket.uncork();
    }
    this.#checkBackpressure();
    this.#ctx.logger.info(`misbehave #${this.id} ${this.path}: sent ${kind} (${rule})`);
    return rule;
  }

  /** Drop the TCP connection now, without a closing handshake. */
  terminate(cause = 'terminated'): void {
    this.#cause ??= cause;
    this.#socket.destroy();
  }

  /** Fail the connection from outside: a close frame with `code`, then TCP closed. */
  abort(code: number, reason: string, cause: string): void {
    if (this.#ws.state === 'CLOSED') return;
    this.#cause ??= cause;
    this.#initiator ??= 'server';
    this.#ws.abort(code, reason);
    this.#process();
  }

  // ---- socket events -------------------------------------------------------------------------

  #onData(chunk: Uint8Array): void {
    this.#stats.bytesIn += chunk.length;
    this.#lastReceived = performance.now();
    if (this.#ws.state === 'CLOSED') return; // lingering until the peer closes TCP: discard
    this.#tap.read(chunk);
    this.#ws.receive(chunk);
    this.#process();
  }

  #onEnd(): void {
    // The peer sent FIN. If the closing handshake is done, TCP closes now; if not, it is abnormal (1006).
    if (this.#ws.state !== 'CLOSED') {
      this.#ws.receiveEof();
      this.#process();
    }
    if (!this.#tcpEnded) this.#endTcp();
  }

  #onDrain(): void {
    if (this.#readPaused && !this.#socketClosed) {
      this.#readPaused = false;
      this.#socket.resume();
    }
    if (this.#suspended) {
      this.#suspended = false;
      this.#process();
    }
    this.#callHandler('drain', () => this.#handlers.drain?.());
  }

  #onError(error: NodeJS.ErrnoException): void {
    const code = error.code ?? null;
    this.#ctx.logger.info(`error #${this.id} ${this.path}: ${code ?? ''} ${error.message}`.replace(/\s+/g, ' '));
    if (this.#watchable) {
      this.#ctx.hub.publish(this.session, () => ({
        type: 'socket-error',
        ...stamp(),
        connection: this.id,
        code,
        message: error.message,
      }));
    }
  }

  #onSocketClose(): void {
    if (this.#socketClosed) return;
    this.#socketClosed = true;
    this.#clearTimers();
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    if (this.#ws.state !== 'CLOSED') {
      this.#ws.receiveEof();
      this.#drainEventsAfterClose();
    }
    const info = this.#closeInfo ?? { code: 1006, reason: '', wasClean: false };
    const duration = performance.now() - this.openedAt;
    const s = this.#stats;
    this.#ctx.logger.info(
      `close #${this.id} ${this.path} ${this.peer} ${info.code}${info.reason !== '' ? ` ${quote(info.reason)}` : ''}` +
        ` ${info.wasClean ? 'clean' : 'not clean'}${this.#initiator ? `, closed by ${this.#initiator}` : ''}` +
        `${this.#cause !== null && this.#cause !== 'server' ? ` (${this.#cause})` : ''}` +
        ` after ${(duration / 1000).toFixed(2)} s; in ${s.framesIn} frames ${formatBytes(s.bytesIn)},` +
        ` out ${s.framesOut} frames ${formatBytes(s.bytesOut)}`,
    );
    if (this.#watchable) {
      this.#ctx.hub.publish(this.session, () => ({
        type: 'closed',
        ...stamp(),
        connection: this.id,
        code: info.code,
        reason: info.reason,
        wasClean: info.wasClean,
        initiator: this.#initiator,
        cause: this.#cause,
        duration: Math.round(duration * 1000) / 1000,
        framesIn: s.framesIn,
        framesOut: s.framesOut,
        bytesIn: s.bytesIn,
        bytesOut: s.bytesOut,
      }));
      this.#ctx.hub.removeConnection(this);
    }
    this.#callClosedHandler(info);
    this.#ctx.closed(this);
  }

  // ---- the protocol loop ---------------------------------------------------------------------

  /** Handle every event the codec has for the bytes received, writing its output after each. */
  #process(): void {
    if (this.#processing) return;
    this.#processing = true;
    const socket = this.#socket;
    socket.cork();
    try {
      for (;;) {
        // Backpressure: the peer is not reading what we write, so stop reading what it writes.
        if (this.#ws.state !== 'CLOSED' && socket.writableLength > BACKPRESSURE_BYTES && !this.#socketClosed) {
          this.#suspended = true;
          this.#pauseReading();
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
    if (this.#closeInfo !== null) this.#afterClosed();
  }

  #handle(event: ProtocolEvent): void {
    switch (event.kind) {
      case 'frame':
        this.#stats.framesIn++;
        this.#tap.frameIn(event.frame);
        break;
      case 'message':
        this.#stats.messagesIn++;
        this.#callHandler('message', () => this.#handlers.message?.(event));
        break;
      case 'ping':
        // The codec queued the pong (RFC 6455 §5.5.2); the tap shows both frames.
        break;
      case 'pong':
        // §5.5.3: a pong may be unsolicited; it needs no answer. It does prove the peer is alive.
        this.#awaitingPong = false;
        break;
      case 'close':
        this.#initiator ??= 'client';
        break;
      case 'fault': {
        const f = event.fault;
        this.#cause ??= 'fault';
        this.#initiator ??= 'server';
        this.#ctx.logger.warn(
          `fault #${this.id} ${this.path} ${this.peer}: ${f.closeCode} ${f.rule} at byte ${f.offset} (RFC 6455 §${f.rfc}): ${f.message}`,
        );
        this.#tap.fault(f);
        break;
      }
      case 'closed':
        this.#closeInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
        break;
    }
  }

  /** After the socket closed: let the codec's last events through without writing anything. */
  #drainEventsAfterClose(): void {
    for (let event = this.#ws.nextEvent(); event !== null; event = this.#ws.nextEvent()) {
      if (event.kind === 'closed') this.#closeInfo = { code: event.code, reason: event.reason, wasClean: event.wasClean };
    }
    this.#ws.takeOutgoing();
  }

  /** Write what the codec queued. */
  #flush(): void {
    const chunks = this.#ws.takeOutgoing();
    if (chunks.length === 0) return;
    this.#stats.framesOut += this.#tap.written(chunks);
    if (this.#socketClosed) return;
    const socket = this.#socket;
    for (const chunk of chunks) {
      this.#stats.bytesOut += chunk.length;
      socket.write(chunk);
    }
  }

  /** One frame outside the codec's own flow (a deliberate violation): encoded by the codec, reported raw. */
  #sendRaw(spec: FrameSpec, kind: string): void {
    this.#ws.sendFrame(spec);
    const chunks = this.#ws.takeOutgoing();
    const total = chunks.reduce((n, c) => n + c.length, 0);
    const bytes = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      bytes.set(c, at);
      at += c.length;
    }
    const payloadLength = spec.payload?.length ?? 0;
    this.#tap.writtenRaw(
      bytes,
      { opcode: spec.opcode, fin: spec.fin !== false, masked: spec.maskingKey != null, payloadLength, headerLength: total - payloadLength },
      kind,
    );
    this.#stats.framesOut++;
    this.#stats.bytesOut += total;
    if (!this.#socketClosed) this.#socket.write(bytes);
  }

  /** After a send from outside the loop: write now (one writev), then mind backpressure. */
  #afterSend(): void {
    if (this.#processing) return; // the loop flushes after each event
    const socket = this.#socket;
    socket.cork();
    try {
      this.#flush();
    } finally {
      socket.uncork();
    }
    if (this.#closeInfo !== null) {
      this.#afterClosed();
      return;
    }
    this.#checkBackpressure();
    // Messages pushed from elsewhere (a broadcast) are not paced by this peer's reads: a peer that
    // lets them pile up past twice the largest message is dropped rather than buffered for.
    const limit = 2 * this.#ctx.options.maxMessage + 1024 * 1024;
    if (this.#socket.writableLength > limit && !this.#socketClosed) {
      this.#ctx.logger.info(`drop  #${this.id} ${this.path} ${this.peer}: ${formatBytes(this.#socket.writableLength)} unsent; the peer is not reading`);
      this.terminate('not reading');
    }
  }

  #checkBackpressure(): void {
    if (this.#ws.state !== 'CLOSED' && this.#socket.writableLength > BACKPRESSURE_BYTES) this.#pauseReading();
  }

  #pauseReading(): void {
    if (this.#readPaused || this.#socketClosed) return;
    this.#readPaused = true;
    this.#socket.pause();
  }

  /**
   * The WebSocket connection is closed: the server closes TCP first (RFC 6455 §7.1.1) once its
   * writes are flushed, and keeps reading (and discarding) until the peer closes too, so the
   * peer's last bytes do not turn our FIN into a reset that could lose the close frame.
   */
  #afterClosed(): void {
    if (this.#tcpEnded) return;
    this.#clearTimers();
    this.#callClosedHandler(this.#closeInfo!);
    this.#endTcp();
  }

  #endTcp(): void {
    if (this.#tcpEnded) return;
    this.#tcpEnded = true;
    if (this.#socketClosed) return;
    if (this.#readPaused) {
      this.#readPaused = false;
      this.#socket.resume();
    }
    this.#socket.end();
    this.#lingerTimer = setTimeout(() => this.#socket.destroy(), this.#ctx.options.closeTimeout);
    this.#lingerTimer.unref();
  }

  #clearTimers(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
    this.#pingTimer = this.#idleTimer = this.#closeTimer = null;
  }

  #pingTick(): void {
    if (this.#ws.state !== 'OPEN') return;
    if (this.#awaitingPong) {
      const ms = this.#ctx.options.pingInterval;
      this.#ctx.logger.info(`drop  #${this.id} ${this.path} ${this.peer}: no pong within ${ms} ms`);
      this.abort(1001, `no pong within ${ms} ms`, 'ping timeout');
      return;
    }
    this.#awaitingPong = true;
    this.ping();
  }

  #armIdle(delay: number): void {
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const limit = this.#ctx.options.idleTimeout;
      const quiet = performance.now() - this.#lastReceived;
      if (quiet + 1 < limit) {
        this.#armIdle(limit - quiet);
        return;
      }
      if (this.#ws.state === 'OPEN') this.close(1001, 'idle timeout', 'idle timeout');
    }, delay);
    this.#idleTimer.unref();
  }

  #callHandler(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#ctx.logger.warn(`error #${this.id} ${this.path}: the endpoint's ${what} handler threw`);
      this.#internalError(error);
    }
  }

  #internalError(error: unknown): void {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    this.#ctx.logger.warn(`error #${this.id} ${this.path}: ${message}`);
    this.abort(1011, 'internal error', 'internal error');
  }

  #callClosedHandler(info: CloseInfo): void {
    if (this.#closedHandlerCalled) return;
    this.#closedHandlerCalled = true;
    try {
      this.#handlers.closed?.(info);
    } catch (error) {
      this.#ctx.logger.warn(`error #${this.id} ${this.path}: the endpoint's closed handler threw: ${String(error)}`);
    }
  }
}
