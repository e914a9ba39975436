/**
 * Keepalive: the server pings its peer every `pingInterval` ms, and a peer that has not answered
 * (any pong, RFC 6455 §5.5.3: "A Pong frame MAY be sent unsolicited") by the next ping is given up
 * on; a peer that sends not one byte for `idleTimeout` ms is idle. What to do then is the
 * connection's (`KeepaliveHost`): this module only keeps the clocks. 0 turns either off.
 */

export interface KeepaliveOptions {
  pingInterval: number;
  idleTimeout: number;
  /** The clock, ms (default `performance.now`). */
  now?: () => number;
}

export interface KeepaliveHost {
  /** Is the connection open? Nothing is sent or decided otherwise. */
  isOpen(): boolean;
  /** Send a ping. */
  ping(): void;
  /** No pong came back within `ms` of the last ping. */
  noPong(ms: number): void;
  /** Nothing came from the peer for `ms`. */
  idle(ms: number): void;
}

export class Keepalive {
  readonly #host: KeepaliveHost;
  readonly #pingInterval: number;
  readonly #idleTimeout: number;
  readonly #now: () => number;
  #pingTimer: NodeJS.Timeout | null = null;
  #idleTimer: NodeJS.Timeout | null = null;
  #awaitingPong = false;
  #lastReceived: number;

  constructor(host: KeepaliveHost, options: KeepaliveOptions) {
    this.#host = host;
    this.#pingInterval = options.pingInterval;
    this.#idleTimeout = options.idleTimeout;
    this.#now = options.now ?? (() => performance.now());
    this.#lastReceived = this.#now();
  }

  /** Start the clocks (the timers do not keep the process alive). */
  start(): void {
    if (this.#pingInterval > 0) {
      this.#pingTimer = setInterval(() => this.#tick(), this.#pingInterval);
      this.#pingTimer.unref();
    }
    if (this.#idleTimeout > 0) this.#armIdle(this.#idleTimeout);
  }

  /** Bytes came from the peer. */
  received(): void {
    this.#lastReceived = this.#now();
  }

  /** A pong came: the peer is alive. */
  pong(): void {
    this.#awaitingPong = false;
  }

  /** The connection is closing or closed: no more pings, no idle timeout. */
  stop(): void {
    if (this.#pingTimer !== null) clearInterval(this.#pingTimer);
    if (this.#idleTimer !== null) clearTimeout(this.#idleTimer);
    this.#pingTimer = this.#idleTimer = null;
  }

  #tick(): void {
    if (!this.#host.isOpen()) return;
    if (this.#awaitingPong) {
      this.#host.noPong(this.#pingInterval);
      return;
    }
    this.#awaitingPong = true;
    this.#host.ping();
  }

  /** One timer, re-armed for what is left when bytes came meanwhile (cheaper than a timer per read). */
  #armIdle(delay: number): void {
    this.#idleTimer = setTimeout(() => {
      this.#idleTimer = null;
      const quiet = this.#now() - this.#lastReceived;
      if (quiet + 1 < this.#idleTimeout) {
        this.#armIdle(this.#idleTimeout - quiet);
        return;
      }
      if (this.#host.isOpen()) this.#host.idle(this.#idleTimeout);
    }, delay);
    this.#idleTimer.unref();
  }
}
