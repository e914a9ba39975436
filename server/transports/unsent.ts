/**
 * The bytes the comparison has written to its clients' sockets that they have not read yet: poll
 * answers and event streams together. node:http keeps a response in memory until the client
 * reads it, for as long as the socket stays open; a client that asks again and again on new
 * connections and never reads would make the server hold every answer. So:
 *
 * - the total is bounded (`maxUnsentBytes`): a poll answer that does not fit is refused (503,
 *   nothing acknowledged, the client asks again); an event stream whose next write does not fit
 *   is dropped (its client reconnects with Last-Event-ID);
 * - a socket that takes none of its waiting bytes for `stallMs` is destroyed, which gives them
 *   back, so clients that stopped reading cannot keep the room from those that read.
 *
 * Sockets are watched from a write until their waiting bytes are gone or they close. Progress is
 * seen as the kernel takes bytes, which it does in steps of about half its send buffer (a few
 * MiB on loopback): a client reading ~100 KB/s or more is never taken for one that stopped.
 */
import type { Socket } from 'node:net';
import type { Logger } from '../log.ts';

export interface UnsentLimits {
  maxUnsentBytes: number;
  stallMs: number;
  now: () => number;
}

interface Watched {
  /** What the socket carries, for the log ("GET /compare/short-polling/poll run=R"). */
  what: string;
  /** The socket's progress (progressOf) when last seen moving. */
  progress: string;
  since: number;
}

export class UnsentBytes {
  readonly max: number;
  readonly #stallMs: number;
  readonly #now: () => number;
  readonly #logger: Logger;
  readonly #watched = new Map<Socket, Watched>();
  #timer: NodeJS.Timeout | null = null;
  /** Sockets destroyed because their client took nothing for `stallMs`. */
  stalled = 0;

  constructor(limits: UnsentLimits, logger: Logger) {
    this.max = limits.maxUnsentBytes;
    this.#stallMs = limits.stallMs;
    this.#now = limits.now;
    this.#logger = logger;
  }

  /** Bytes waiting in every watched socket (sockets that sent everything are let go). */
  get total(): number {
    let total = 0;
    for (const socket of this.#watched.keys()) {
      if (socket.destroyed || socket.writableLength === 0) this.#watched.delete(socket);
      else total += socket.writableLength;
    }
    return total;
  }

  /** Sockets with bytes waiting. */
  get sockets(): number {
    return this.#watched.size;
  }

  /** Would `bytes` more fit in the bound? When nothing waits, anything fits (so the total stays under the bound plus one write). */
  fits(bytes: number): boolean {
    const total = this.total;
    return total === 0 || total + bytes <= this.max;
  }

  /** Something was just written to `socket`: watch it until it is sent or the socket closes. */
  watch(socket: Socket, what: string): void {
    if (socket.destroyed || socket.writableLength === 0 || this.#watched.has(socket)) return;
    // No 'close' listener (a stream is watched again after each time it caught up): a destroyed
    // socket is let go by the next sweep or total.
    this.#watched.set(socket, { what, progress: progressOf(socket), since: this.#now() });
    if (this.#timer === null) {
      this.#timer = setInterval(() => this.sweep(), Math.max(50, Math.floor(this.#stallMs / 4)));
      this.#timer.unref();
    }
  }

  /** Destroy every socket that took none of its waiting bytes for `stallMs`. */
  sweep(): void {
    const now = this.#now();
    for (const [socket, watched] of this.#watched) {
      if (socket.destroyed || socket.writableLength === 0) {
        this.#watched.delete(socket);
        continue;
      }
      const progress = progressOf(socket);
      if (progress !== watched.progress) {
        watched.progress = progress;
        watched.since = now;
      } else if (now - watched.since >= this.#stallMs) {
        this.stalled++;
        this.#logger.info(`drop  ${watched.what}: ${socket.writableLength} bytes unsent for ${((now - watched.since) / 1000).toFixed(1)} s; the client is not reading`);
        this.#watched.delete(socket);
        socket.destroy();
      }
    }
    if (this.#watched.size === 0) this.close();
  }

  /** Stop the sweeps (the server is closing; nothing is watched). */
  close(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }
}

/**
 * How far the socket is with what it was given: its writable length, which changes only when a
 * whole write completes, and libuv's write queue (what the kernel has not taken of the write under
 * way), which shows a reading client's progress inside one large answer. Any change is progress.
 */
function progressOf(socket: Socket): string {
  const queued = (socket as { _handle?: { writeQueueSize?: unknown } | null })._handle?.writeQueueSize;
  return `${socket.writableLength} ${typeof queued === 'number' ? queued : ''}`;
}
