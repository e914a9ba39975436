/**
 * The page's WebSocket, as every part of the app uses it: the slice of the browser's `WebSocket`
 * the pages touch (a FakeSocket in tests), opening one without an exception, and its four events
 * with typed handlers. The playground's connection, the chat's reconnecting socket and the
 * inspector client all open their sockets here.
 *
 * The readyState words are the WebSocket API's (WHATWG WebSockets), not the codec's connection
 * states: the page only ever sees what the browser reports.
 */
import { closeCodeInfo } from '../../protocol';

/** The part of the browser's WebSocket the app uses. */
export interface PageSocket extends EventTarget {
  readonly readyState: number;
  readonly bufferedAmount: number;
  readonly protocol: string;
  readonly extensions: string;
  binaryType: BinaryType;
  send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
}

/** `protocols`: the subprotocols to offer (`new WebSocket(url, protocols)`, RFC 6455 §4.1 Sec-WebSocket-Protocol). */
export type CreateSocket = (url: string, protocols?: readonly string[]) => PageSocket;

export const createBrowserSocket: CreateSocket = (url, protocols) => (protocols && protocols.length > 0 ? new WebSocket(url, [...protocols]) : new WebSocket(url));

/** How the page opens a socket: the subprotocols it offers, and what binary messages arrive as. */
export interface SocketOptions {
  protocols?: readonly string[];
  binaryType?: BinaryType;
}

/** readyState's values by name: CONNECTING 0, OPEN 1, CLOSING 2, CLOSED 3 (WHATWG WebSockets). */
export const READY_STATES = ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED'] as const;

export type ReadyState = (typeof READY_STATES)[number];

/** "CONNECTING" … "CLOSED" for a readyState number; 'none' before there is a socket. */
export function readyStateName(value: number | null): ReadyState | 'none' {
  return value === null ? 'none' : (READY_STATES[value] ?? 'CLOSED');
}

/** What a close event says. */
export interface CloseSummary {
  code: number;
  reason: string;
  wasClean: boolean;
}

/** "1006 Abnormal Closure" or "1001 Going Away: server shutting down". */
export function describeClose(code: number, reason: string): string {
  const words = `${code} ${closeCodeInfo(code).name}`;
  return reason ? `${words}: ${reason}` : words;
}

/** The socket's events, typed. Binary messages arrive as ArrayBuffer, or as Blob when binaryType is 'blob'. */
export interface SocketHandlers {
  open?(socket: PageSocket): void;
  message?(data: string | ArrayBuffer | Blob, socket: PageSocket): void;
  error?(socket: PageSocket): void;
  close?(close: CloseSummary, socket: PageSocket): void;
}

export type OpenedSocket =
  | {
      ok: true;
      socket: PageSocket;
      /** Stops calling the handlers (the socket itself is left as it is). */
      detach(): void;
    }
  | { ok: false; message: string };

/**
 * Opens a WebSocket to `url` and listens to its events. The constructor throws a SyntaxError for a
 * URL the browser refuses (not ws: or wss:, a #fragment, a bad port): that comes back as a value.
 */
export function openSocket(url: string, handlers: SocketHandlers, create: CreateSocket = createBrowserSocket, options: SocketOptions = {}): OpenedSocket {
  let socket: PageSocket;
  try {
    socket = options.protocols && options.protocols.length > 0 ? create(url, options.protocols) : create(url);
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  socket.binaryType = options.binaryType ?? 'arraybuffer';
  const listeners: [string, (event: Event) => void][] = [
    ['open', () => handlers.open?.(socket)],
    ['message', (event) => handlers.message?.((event as MessageEvent<string | ArrayBuffer | Blob>).data, socket)],
    ['error', () => handlers.error?.(socket)],
    [
      'close',
      (event) => {
        const { code, reason, wasClean } = event as CloseEvent;
        handlers.close?.({ code, reason, wasClean }, socket);
      },
    ],
  ];
  for (const [type, listener] of listeners) socket.addEventListener(type, listener);
  return {
    ok: true,
    socket,
    detach: () => {
      for (const [type, listener] of listeners) socket.removeEventListener(type, listener);
    },
  };
}
