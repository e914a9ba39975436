/**
 * Ending TCP, the server's side: RFC 6455 §7.1.1, "The underlying TCP connection, in most normal
 * cases, SHOULD be closed first by the server", and a peer that does not answer our close frame is
 * not waited for forever.
 *
 * Today the connection decides when from the codec's `closed` event and these flags. Issue 13
 * gives the codec an end-of-stream output and a "close expected" signal (as python-websockets'
 * `data_to_send()` ending with b"" and `close_expected()`); then `end()` is called on that output
 * and `expectClose()` on that signal, and the `ended` / `gone` bookkeeping below goes. This module
 * is kept apart so that change lands in one place.
 */
import type { Socket } from 'node:net';

export class TcpTeardown {
  readonly #socket: Socket;
  /** Milliseconds for the peer to answer our close frame, and then to close TCP after our FIN. */
  readonly #timeout: number;
  #ended = false;
  #gone = false;
  #closeTimer: NodeJS.Timeout | null = null;
  #lingerTimer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, timeout: number) {
    this.#socket = socket;
    this.#timeout = timeout;
  }

  /** Our FIN was sent (or the socket is gone): TCP is ending. */
  get ended(): boolean {
    return this.#ended;
  }

  /** The socket closed: nothing can be written any more. */
  get gone(): boolean {
    return this.#gone;
  }

  /**
   * Our close frame is out: the peer has the timeout to answer with its own; if it does not,
   * `onTimeout()` runs (it says why) and the socket is dropped.
   */
  expectClose(onTimeout: () => void): void {
    if (this.#closeTimer !== null || this.#gone) return;
    this.#closeTimer = setTimeout(() => {
      onTimeout();
      this.#socket.destroy();
    }, this.#timeout);
    this.#closeTimer.unref();
  }

  /**
   * The WebSocket connection is closed: the server closes TCP first (§7.1.1) once its writes are
   * flushed, and keeps reading (and discarding) until the peer closes too, so the peer's last bytes
   * do not turn our FIN into a reset that could lose the close frame; a peer that lingers past the
   * timeout is dropped. Returns false when TCP was already ending.
   */
  end(): boolean {
    this.#stopCloseTimer();
    if (this.#ended) return false;
    this.#ended = true;
    if (this.#gone) return true;
    this.#socket.resume();
    this.#socket.end();
    this.#lingerTimer = setTimeout(() => this.#socket.destroy(), this.#timeout);
    this.#lingerTimer.unref();
    return true;
  }

  /** The socket emitted 'close'. Returns false the second time. */
  closed(): boolean {
    if (this.#gone) return false;
    this.#gone = true;
    this.#stopCloseTimer();
    if (this.#lingerTimer !== null) clearTimeout(this.#lingerTimer);
    this.#lingerTimer = null;
    return true;
  }

  #stopCloseTimer(): void {
    if (this.#closeTimer !== null) clearTimeout(this.#closeTimer);
    this.#closeTimer = null;
  }
}
