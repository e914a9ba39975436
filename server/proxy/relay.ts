/**
 * A proxied connection once the target has answered: the browser's socket and the target's,
 * relayed verbatim both ways. The relay writes each read on as it came (no copy, no re-encoding),
 * then hands it to the tap (stream-watch.ts), which decodes its own copy. It never sends a frame,
 * never answers a ping and never closes for either side: a FIN is passed on as a FIN, a reset
 * ends both.
 *
 * Backpressure both ways: when one side stops reading, writes to it stop completing, and the
 * relay stops reading the other side until 'drain', so the memory held per connection stays at
 * one read plus the socket's buffer in each direction. The server's idle timeout applies (no byte
 * either way for that long ends both sockets), and so does shutdown.
 */
import type { Socket } from 'node:net';
import type { ConnectionInfo, ClosedMessage } from '../inspector/messages.ts';
import { stamp } from '../inspector/messages.ts';
import type { InspectorSink, WatchedConnection } from '../inspector/types.ts';
import { closeLine, type Logger } from '../log.ts';
import { StreamWatch, type Direction } from './stream-watch.ts';

export interface RelayInit {
  id: number;
  session: string | null;
  peer: string;
  info: ConnectionInfo;
  client: Socket;
  upstream: Socket;
  /** The target's response head and what followed it in the same reads. */
  response: Uint8Array;
  rest: Uint8Array;
  /** What the browser sent after its request head (already forwarded with it). */
  early: Uint8Array;
  /** A WebSocket connection (a 101 that passed or not): decode frames. False: an HTTP answer, relayed raw. */
  websocket: boolean;
  /** The negotiated extensions define RSV1 (permessage-deflate). */
  rsv1: boolean;
  inspector: InspectorSink;
  logger: Logger;
  maxPayload: number;
  idleTimeout: number;
  closeTimeout: number;
  /** Both sockets are gone. */
  closed(relay: ProxiedConnection): void;
}

type Side = 'client' | 'server';

export class ProxiedConnection implements WatchedConnection {
  readonly id: number;
  readonly session: string | null;
  readonly path = '/proxy';
  readonly peer: string;
  readonly info: ConnectionInfo;
  readonly relay = true;
  readonly openedAt = performance.now();
  readonly #init: RelayInit;
  readonly #watch: Record<Direction, StreamWatch> | null;
  readonly #bytes = { in: 0, out: 0 };
  #ended: Side | 'proxy' | null = null;
  #closedSockets = 0;
  #cause: string | null = null;
  #idle: NodeJS.Timeout | null = null;
  #lastByte = performance.now();
  #linger: NodeJS.Timeout | null = null;
  #finished = false;

  constructor(init: RelayInit) {
    this.id = init.id;
    this.session = init.session;
    this.peer = init.peer;
    this.info = init.info;
    this.#init = init;
    const options = { maxPayload: init.maxPayload, rsv1: init.rsv1 };
    this.#watch = init.websocket
      ? { in: new StreamWatch(init.inspector, init.id, init.session, 'in', options), out: new StreamWatch(init.inspector, init.id, init.session, 'out', options) }
      : null;
  }

  get state(): 'OPEN' | 'CLOSING' | 'CLOSED' {
    if (this.#finished) return 'CLOSED';
    if (this.#ended !== null || this.#watch?.in.close || this.#watch?.out.close) return 'CLOSING';
    return 'OPEN';
  }

  /** Bytes written toward the browser and toward the target and not yet sent: bounded by backpressure. */
  get buffered(): { toBrowser: number; toTarget: number } {
    return { toBrowser: this.#init.client.writableLength, toTarget: this.#init.upstream.writableLength };
  }

  /** Bytes read from the browser and from the target so far (they stop growing while that side is paused). */
  get bytesRead(): { fromBrowser: number; fromTarget: number } {
    return { fromBrowser: this.#bytes.in, fromTarget: this.#bytes.out };
  }

  /** Relay the target's response, report the connection, and start both directions. */
  start(): void {
    const { client, upstream, inspector } = this.#init;
    client.setNoDelay(true);
    client.setTimeout(0);
    if (this.#watch !== null) {
      inspector.addConnection(this);
      inspector.publish(this.session, () => ({ type: 'open', ...this.info }));
    }
    this.#wire(upstream, client, 'server');
    this.#wire(client, upstream, 'client');
    client.write(this.#init.response);
    if (this.#init.rest.length > 0) this.#relayed('out', client, this.#init.rest);
    if (this.#init.early.length > 0) this.#relayed('in', upstream, this.#init.early);
    this.#armIdle(this.#init.idleTimeout);
    client.resume();
    upstream.resume();
  }

  /** Drop both sockets now (shutdown, a limit). */
  terminate(cause: string): void {
    this.#cause ??= cause;
    this.#ended ??= 'proxy';
    this.#init.client.destroy();
    this.#init.upstream.destroy();
  }

  #wire(from: Socket, to: Socket, side: Side): void {
    const direction: Direction = side === 'client' ? 'in' : 'out';
    from.on('data', (chunk: Buffer) => {
      if (to.destroyed || to.writableEnded) return; // the other side is gone: nothing to relay to
      this.#lastByte = performance.now();
      // Backpressure: a side that stops reading pauses the other (resumed on its 'drain').
      if (!to.write(chunk)) from.pause();
      this.#bytes[direction] += chunk.length;
      this.#watch?.[direction].read(chunk);
    });
    to.on('drain', () => {
      if (!from.destroyed) from.resume();
    });
    from.on('end', () => {
      this.#ended ??= side;
      this.#watch?.[direction].ended();
      if (!to.destroyed) to.end(); // pass the FIN on
    });
    from.on('error', (error: NodeJS.ErrnoException) => {
      this.#ended ??= side;
      this.#init.inspector.publish(this.session, () => ({
        type: 'socket-error',
        ...stamp(),
        connection: this.id,
        code: error.code ?? null,
        message: `${side === 'client' ? 'browser' : 'target'}: ${error.message}`,
      }));
      to.destroy();
    });
    from.on('close', () => this.#socketClosed(to));
  }

  /** Bytes that came with a head: relayed, then shown like any read. */
  #relayed(direction: Direction, to: Socket, bytes: Uint8Array): void {
    to.write(bytes);
    this.#bytes[direction] += bytes.length;
    this.#watch?.[direction].read(bytes);
  }

  #socketClosed(other: Socket): void {
    this.#closedSockets++;
    if (this.#closedSockets === 1) {
      // One side is gone: the other has the close timeout to finish (its FIN was passed on).
      this.#linger = setTimeout(() => other.destroy(), this.#init.closeTimeout);
      this.#linger.unref();
      return;
    }
    this.#finish();
  }

  /** The idle timeout: one timer, re-armed for what is left when bytes came meanwhile. */
  #armIdle(delay: number): void {
    if (this.#init.idleTimeout <= 0) return;
    this.#idle = setTimeout(() => {
      const quiet = performance.now() - this.#lastByte;
      if (quiet + 1 < this.#init.idleTimeout) {
        this.#armIdle(this.#init.idleTimeout - quiet);
        return;
      }
      this.#init.logger.info(`drop  #${this.id} /proxy ${this.peer}: no byte either way for ${this.#init.idleTimeout} ms`);
      this.terminate('idle timeout');
    }, delay);
    this.#idle.unref();
  }

  #finish(): void {
    if (this.#finished) return;
    this.#finished = true;
    if (this.#idle !== null) clearTimeout(this.#idle);
    if (this.#linger !== null) clearTimeout(this.#linger);
    const report = this.#report();
    const watch = this.#watch;
    if (watch !== null) this.#init.logger.info(closeLine(this, report));
    else this.#init.logger.info(`close #${this.id} /proxy ${this.peer}: relayed the target's HTTP answer (${this.#bytes.out} B after its head)`);
    if (watch !== null) {
      this.#closingFindings(watch);
      this.#init.inspector.publish(this.session, () => ({ type: 'closed', ...stamp(), connection: this.id, ...report }));
      this.#init.inspector.removeConnection(this);
    }
    this.#init.closed(this);
  }

  /** What only the end shows: a close never answered, or TCP closed with no close frame at all. */
  #closingFindings(watch: Record<Direction, StreamWatch>): void {
    const browserClose = watch.in.close;
    const serverClose = watch.out.close;
    if (browserClose !== null && serverClose === null && watch.out.stopped === null) {
      const { offset } = watch.out;
      if (browserClose.code !== null) watch.out.finding('close-not-answered', offset, 0, 'close-not-answered-code', { code: browserClose.code });
      else watch.out.finding('close-not-answered', offset, 0, 'close-not-answered', {});
    } else if (browserClose === null && serverClose === null && this.#ended === 'server') {
      watch.out.finding(
        'no-close-frame',
        watch.out.offset,
        0,
        'no-close-frame',
        {},
      );
    }
  }

  #report(): Omit<ClosedMessage, 'type' | 't' | 'wall' | 'connection'> {
    const watch = this.#watch;
    const first = watch === null ? null : firstClose(watch);
    return {
      code: first?.close.code ?? (first ? 1005 : 1006),
      reason: first?.close.reason ?? '',
      wasClean: watch !== null && watch.in.close !== null && watch.out.close !== null,
      initiator: first?.initiator ?? null,
      cause: this.#cause,
      duration: Math.round((performance.now() - this.openedAt) * 1000) / 1000,
      framesIn: watch?.in.frames ?? 0,
      framesOut: watch?.out.frames ?? 0,
      bytesIn: this.#bytes.in,
      bytesOut: this.#bytes.out,
      tcpClosedBy: this.#ended,
    };
  }

  // A proxied connection only relays: the inspector's commands are refused before these are reached.
  ping(): boolean {
    return false;
  }
  fragmentNext(): void {}
  close(): boolean {
    return false;
  }
  misbehave(): string {
    throw new Error('a proxied connection sends no frames of its own');
  }
  flood(): void {}
}

/** The close frame seen first, and whose it was. */
function firstClose(watch: Record<Direction, StreamWatch>): { close: NonNullable<StreamWatch['close']>; initiator: 'client' | 'server' } | null {
  const a = watch.in.close;
  const b = watch.out.close;
  if (a === null && b === null) return null;
  if (b === null || (a !== null && a.at <= b.at)) return { close: a!, initiator: 'client' };
  return { close: b, initiator: 'server' };
}
