/**
 * What the runner needs from where it runs: the page gives it the browser's fetch, EventSource and
 * WebSocket (src/app/compare/browser-environment.ts), `npm run compare` gives it Node's fetch, an
 * event stream read over fetch, and `ws` (src/cli/compare/node-environment.ts). The sockets are
 * opened through small adapters so the browser's and Node's classes need not share a type.
 */

export interface SocketHandlers {
  open(): void;
  /** A text message. */
  message(text: string): void;
  error(reason: string): void;
  close(code: number, reason: string): void;
}

export interface SocketHandle {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface EventSourceHandlers {
  open(): void;
  /** A `message` event: its data and the stream's last event ID. */
  message(data: string, lastEventId: string): void;
  /** The stream failed (it reconnects by itself unless `fatal`). */
  error(reason: string, fatal: boolean): void;
}

export interface EventSourceHandle {
  close(): void;
}

export interface RunEnvironment {
  /** The Framescope server, `http://host:port` (the page's own origin, or the CLI's loopback server). */
  origin: string;
  fetch: typeof globalThis.fetch;
  openWebSocket(url: string, handlers: SocketHandlers): SocketHandle;
  openEventSource(url: string, handlers: EventSourceHandlers): EventSourceHandle;
  /** A monotonic clock in ms (performance.now). */
  now(): number;
}
