/**
 * Handshake timeouts (slowloris): a client that connects and sends half a request head, or
 * nothing, is answered 408 and dropped after `handshakeTimeout`; node:http's own guards cover later
 * requests on a kept-alive connection. Malformed or oversized request heads get 400 or 431.
 */
import type { ServerOptions } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { buildRefusalResponse } from '../../src/protocol/index.ts';
import { endWith, toBytes } from './respond.ts';

/** node:http's own request-head timeouts, for a server we create. */
export function httpTimeouts(handshakeTimeout: number): ServerOptions {
  return {
    headersTimeout: handshakeTimeout,
    requestTimeout: Math.max(handshakeTimeout, 30_000),
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(handshakeTimeout / 2))),
  };
}

/** node:http's 'clientError': a malformed or timed-out request head. Answer if the socket can still take it. */
export function answerClientError(error: NodeJS.ErrnoException, duplex: Duplex): void {
  const socket = duplex as Socket;
  if (!socket.writable || socket.destroyed) {
    socket.destroy();
    return;
  }
  const code = error.code ?? '';
  const [status, reason] =
    code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'ERR_HTTP_HEADERS_TIMEOUT'
      ? [408, 'The request head did not arrive in time.']
      : code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request head is too large.']
        : [400, 'The request could not be parsed as HTTP/1.1.'];
  endWith(socket, toBytes(buildRefusalResponse(status, reason)));
}

/** The first request head on each connection must be complete within the timeout. */
export class HandshakeGuard {
  readonly #timeout: number;
  readonly #timers = new WeakMap<Socket, NodeJS.Timeout>();

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** A client connected: start its clock. */
  watch(socket: Socket): void {
    const timer = setTimeout(() => {
      this.#timers.delete(socket);
      endWith(socket, toBytes(buildRefusalResponse(408, `No complete request head within ${this.#timeout} ms.`)));
    }, this.#timeout);
    timer.unref();
    this.#timers.set(socket, timer);
    socket.once('close', () => this.clear(socket));
  }

  /** Its request head arrived (a request or an upgrade), or it closed. */
  clear(socket: Socket): void {
    const timer = this.#timers.get(socket);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.#timers.delete(socket);
  }
}
