/**
 * The endpoint's handlers for one connection, called so that an endpoint that throws fails its
 * own connection (1011) and never the server; `closed` is called once.
 */
import type { CloseInfo, ConnectionHandlers } from '../endpoints/types.ts';
import type { MessageEvent } from '../../src/protocol/index.ts';

export interface HandlerHost {
  /** Log a warning (prefixed by the caller with the connection). */
  warn(text: string): void;
  /** The endpoint threw: fail the connection. */
  failed(error: unknown): void;
}

export class EndpointHandlers {
  readonly #host: HandlerHost;
  #handlers: ConnectionHandlers = {};
  #closedCalled = false;

  constructor(host: HandlerHost) {
    this.#host = host;
  }

  set(handlers: ConnectionHandlers): void {
    this.#handlers = handlers;
  }

  message(message: MessageEvent): void {
    this.#call('message', () => this.#handlers.message?.(message));
  }

  drain(): void {
    this.#call('drain', () => this.#handlers.drain?.());
  }

  /** The connection is closed: called once, whatever calls it again. */
  closed(info: CloseInfo): void {
    if (this.#closedCalled) return;
    this.#closedCalled = true;
    try {
      this.#handlers.closed?.(info);
    } catch (error) {
      this.#host.warn(`the endpoint's closed handler threw: ${String(error)}`);
    }
  }

  #call(what: string, call: () => void): void {
    try {
      call();
    } catch (error) {
      this.#host.warn(`the endpoint's ${what} handler threw`);
      this.#host.failed(error);
    }
  }
}
