/**
 * Ending TCP, the server's side, as the codec says (in the manner of python-websockets'
 * `data_to_send()` ending in b"" and `close_expected()`): the connection keeps no flags of its own.
 *
 * - `takeEof()` true: end our side now. For a server that is as soon as the WebSocket connection
 *   is closed or failed (RFC 6455 §7.1.1: "The underlying TCP connection, in most normal cases,
 *   SHOULD be closed first by the server"), or once the peer ended its side.
 * - `closeExpected()` true: from the first Close frame (either side's, or a fault's) until TCP is
 *   closed, the peer owes its Close frame or its end of TCP. One close timer runs for all of it;
 *   if it fires, the socket is dropped and the codec told that TCP is gone (`receiveEof()`).
 */
import type { Socket } from 'node:net';

export class TcpTeardown {
  readonly #socket: Socket;
  /** Milliseconds the peer has, from the first Close frame, to finish the close and end TCP. */
  readonly #timeout: number;
  #timer: NodeJS.Timeout | null = null;

  constructor(socket: Socket, timeout: number) {
    this.#socket = socket;
    this.#timeout = timeout;
  }

  /**
   * `takeEof()` said so: FIN once the writes queued are flushed. Reading resumes (paused or not),
   * to discard what the peer still sends, so its last bytes do not turn our FIN into a reset that
   * could lose the close frame.
   */
  end(): void {
    const socket = this.#socket;
    if (socket.destroyed) return;
    socket.resume();
    socket.end();
  }

  /** `closeExpected()` holds: start the close timer, once; `onTimeout` drops the connection. */
  expectClose(onTimeout: () => void): void {
    if (this.#timer !== null || this.#socket.destroyed) return;
    this.#timer = setTimeout(onTimeout, this.#timeout);
    this.#timer.unref();
  }

  /** TCP is closed: no timer any more. */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
