/**
 * A WebSocket that comes back: it opens a socket, and when that one closes it waits (exponential
 * backoff with jitter, backoff.ts) and opens another, until it is stopped. It knows nothing of
 * the chat: its owner reads `readyState` and the reconnect, and hears what happens through
 * `ReconnectHandlers` (the chat turns those into its status sentence and the room's state).
 */
import * as m from '../../paraglide/messages.js';
import { openSocket, readyStateName, type CloseSummary, type CreateSocket, type PageSocket, type ReadyState } from '../socket/socket';
import { backoffDelay } from './backoff';

/** What the reconnecting socket needs from the world (fakes in tests). */
export interface ReconnectEnvironment {
  createSocket: CreateSocket;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /** In [0, 1), for the backoff's jitter. */
  random(): number;
}

/**
 * - `offline`: no socket and not trying (not started, stopped, or given up);
 * - `connecting`: preparing, or a socket is CONNECTING;
 * - `open`: the socket opened (it stays `open` while CLOSING, until its close event);
 * - `waiting`: the socket closed and the next attempt is scheduled.
 */
export type LinkState = 'offline' | 'connecting' | 'open' | 'waiting';

export interface Reconnect {
  /** 1 for the first attempt after a loss, 2 for the next, … */
  attempt: number;
  /** Milliseconds until it. */
  delay: number;
}

/** What follows a close event. */
export type AfterClose =
  /** The next attempt is scheduled; `opened` says whether the socket that closed had opened. */
  | ({ next: 'retry'; opened: boolean } & Reconnect)
  /** `stop()` closed it: no more attempts. */
  | { next: 'stopped' }
  /** `retry(close)` said no: no more attempts. */
  | { next: 'gave-up' };

export interface ReconnectHandlers {
  /** `prepare` is about to run (only when there is one). */
  preparing?(): void;
  /** A socket is being created: `attempt` is 0 for the first, else the attempt number. */
  connecting(attempt: number): void;
  /** The browser refused to create the socket (a URL it rejects): no attempts follow. */
  refused(message: string): void;
  open(): void;
  message(data: string | ArrayBuffer): void;
  closed(close: CloseSummary, after: AfterClose): void;
}

export interface ReconnectOptions {
  /**
   * Runs before each attempt; the socket opens when it settles (the chat opens its inspector
   * tap there, so the tap sees the handshake and the first frames).
   */
  prepare?: (() => Promise<unknown>) | null;
  /** Whether to try again after `close` (default: always). */
  retry?: (close: CloseSummary) => boolean;
}

export class ReconnectingSocket {
  /** Where it connects, or null when there is nowhere to connect (then `start()` does nothing). */
  readonly url: string | null;

  #readyState = $state<number | null>(null);
  #link = $state<LinkState>('offline');
  #reconnect = $state.raw<Reconnect | null>(null);
  #lastClose = $state.raw<CloseSummary | null>(null);
  #connections = $state(0);

  readonly #env: ReconnectEnvironment;
  readonly #handlers: ReconnectHandlers;
  readonly #prepare: (() => Promise<unknown>) | null;
  readonly #retry: (close: CloseSummary) => boolean;
  #socket: PageSocket | null = null;
  #detach: (() => void) | null = null;
  #cancelTimer: (() => void) | null = null;
  /** Attempts since the owner last called `settled()`. */
  #attempt = 0;
  #opened = false;
  #stopping = false;
  /** Counts attempts; a `prepare` that settles after a newer attempt (or a stop) is ignored. */
  #generation = 0;

  constructor(url: string | null, env: ReconnectEnvironment, handlers: ReconnectHandlers, options: ReconnectOptions = {}) {
    this.url = url;
    this.#env = env;
    this.#handlers = handlers;
    this.#prepare = options.prepare ?? null;
    this.#retry = options.retry ?? (() => true);
  }

  /** The socket's readyState (0–3) as last seen, or null before the first socket. */
  get readyState(): number | null {
    return this.#readyState;
  }

  get readyStateName(): ReadyState | 'none' {
    return readyStateName(this.#readyState);
  }

  get link(): LinkState {
    return this.#link;
  }

  /** The scheduled attempt while `waiting`, else null. */
  get reconnect(): Reconnect | null {
    return this.#reconnect;
  }

  get lastClose(): CloseSummary | null {
    return this.#lastClose;
  }

  /** How many sockets were created (1 at first; more after reconnects). */
  get connections(): number {
    return this.#connections;
  }

  /** Failed attempts since the last `settled()` (0 on a first connection). */
  get attempt(): number {
    return this.#attempt;
  }

  /** The socket is OPEN right now (asked of the socket itself; not reactive). */
  isOpen(): boolean {
    return this.#socket?.readyState === 1;
  }

  /** Opens the connection (again, after a stop). */
  start(): void {
    if (!this.url) return;
    this.#stopping = false;
    this.#attempt = 0;
    this.#open();
  }

  /** The owner's own greeting succeeded on this socket: the next loss starts the backoff afresh. */
  settled(): void {
    this.#attempt = 0;
  }

  /** Sends on an OPEN socket; false when there is none. */
  send(text: string): boolean {
    const socket = this.#socket;
    if (!socket || socket.readyState !== 1) return false;
    socket.send(text);
    return true;
  }

  /**
   * Closes with `code` and `reason` and makes no more attempts. True when a socket is closing (its
   * close event follows, as `closed(…, { next: 'stopped' })`); false when there was none to close.
   */
  stop(code: number, reason: string): boolean {
    this.#cancelReconnect();
    this.#generation += 1;
    this.#stopping = true;
    const socket = this.#socket;
    if (socket && socket.readyState <= 1) {
      socket.close(code, reason);
      this.#readyState = socket.readyState;
      return true;
    }
    this.#link = 'offline';
    return false;
  }

  /** Skips the rest of the backoff wait. */
  reconnectNow(): void {
    if (this.#link !== 'waiting') return;
    this.#cancelReconnect();
    this.#open();
  }

  /** For the page going away: close quietly, cancel timers, report nothing more. */
  destroy(): void {
    this.#cancelReconnect();
    this.#generation += 1;
    this.#stopping = true;
    const socket = this.#socket;
    this.#detach?.();
    this.#detach = null;
    this.#socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, m.chat_close_page_closed());
  }

  #open(): void {
    if (!this.url) return;
    this.#reconnect = null;
    const generation = ++this.#generation;
    if (!this.#prepare) {
      this.#connect(this.url);
      return;
    }
    const url = this.url;
    this.#link = 'connecting';
    this.#handlers.preparing?.();
    void this.#prepare()
      .catch(() => false)
      .then(() => {
        if (generation === this.#generation && !this.#stopping) this.#connect(url);
      });
  }

  #connect(url: string): void {
    const opened = openSocket(
      url,
      {
        open: (socket) => {
          this.#opened = true;
          this.#readyState = socket.readyState;
          this.#link = 'open';
          this.#handlers.open();
        },
        message: (data, socket) => {
          this.#readyState = socket.readyState;
          // The chat opens with binaryType 'arraybuffer' (openSocket's default): never a Blob.
          if (typeof data === 'string' || data instanceof ArrayBuffer) this.#handlers.message(data);
        },
        error: (socket) => {
          this.#readyState = socket.readyState;
        },
        close: (close, socket) => this.#closed(socket, close),
      },
      this.#env.createSocket,
    );
    if (!opened.ok) {
      this.#link = 'offline';
      this.#handlers.refused(opened.message);
      return;
    }
    this.#socket = opened.socket;
    this.#detach = opened.detach;
    this.#opened = false;
    this.#connections += 1;
    this.#readyState = opened.socket.readyState;
    this.#link = 'connecting';
    this.#handlers.connecting(this.#attempt);
  }

  #closed(socket: PageSocket, close: CloseSummary): void {
    // A socket's story ends with its close event: nothing it does later reaches the owner.
    this.#detach?.();
    this.#detach = null;
    this.#socket = null;
    this.#readyState = socket.readyState;
    this.#lastClose = close;
    const opened = this.#opened;
    this.#opened = false;
    if (this.#stopping || !this.#retry(close)) {
      this.#link = 'offline';
      this.#handlers.closed(close, { next: this.#stopping ? 'stopped' : 'gave-up' });
      return;
    }
    this.#attempt += 1;
    const delay = backoffDelay(this.#attempt, () => this.#env.random());
    const reconnect = { attempt: this.#attempt, delay };
    this.#reconnect = reconnect;
    this.#link = 'waiting';
    this.#cancelTimer = this.#env.setTimer(() => {
      this.#cancelTimer = null;
      this.#open();
    }, delay);
    this.#handlers.closed(close, { next: 'retry', opened, ...reconnect });
  }

  #cancelReconnect(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#reconnect = null;
  }
}
