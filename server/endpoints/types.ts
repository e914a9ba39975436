/**
 * What an endpoint is: a path's behaviour once a WebSocket connection is open. Endpoints stay
 * small (echo echoes; chat runs a room); the connection (server/connection.ts) does the protocol
 * work through src/protocol: ping/pong, the closing handshake, timeouts, limits, backpressure.
 *
 * An endpoint sees its connection as an `EndpointConnection`, the part of `ServerConnection` it
 * may use; nothing here imports the connection itself.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { MessageEvent, ReadyState, SubprotocolChoice } from '../../src/protocol/index.ts';
import type { HandshakeRequest } from '../../src/wire/inspector.ts';

/** The upgrade request as an endpoint sees it before accepting it. */
export interface UpgradeRequest {
  /** The path without the query, such as "/echo". */
  path: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** `?session=` from the URL (validated), or null. */
  session: string | null;
  /** "address:port" of the peer. */
  peer: string;
}

/** An HTTP status and a reason a person can read (it becomes the response body). */
export interface Refusal {
  status: number;
  reason: string;
}

/** How the connection was closed, as RFC 6455 §7.1.5/§7.1.6 name it. */
export interface CloseInfo {
  /** The WebSocket Connection Close Code: the code received (1005 when none, 1006 when no close frame). */
  code: number;
  reason: string;
  /** Both close frames were exchanged. */
  wasClean: boolean;
}

/** What an endpoint does with one connection's events. Every member is optional. */
export interface ConnectionHandlers {
  /** A whole message arrived (fragments already joined; text is valid UTF-8). */
  message?(message: MessageEvent): void;
  /** The connection is closed (called once, when TCP is gone or going). */
  closed?(info: CloseInfo): void;
  /** The socket drained what was written to it (for endpoints that pace their own output). */
  drain?(): void;
}

/** What an endpoint may do with its connection (`ServerConnection` implements it). */
export interface EndpointConnection {
  readonly id: number;
  /** The path it was opened on, such as "/echo". */
  readonly path: string;
  /** `?session=` from its URL, or null. */
  readonly session: string | null;
  /** "address:port" of the peer. */
  readonly peer: string;
  /** The subprotocol the server chose, or null. */
  readonly protocol: string | null;
  /**
   * The readyState: OPEN; CLOSING from the first Close frame (either side's) or a failure until the
   * TCP connection is closed; then CLOSED (RFC 6455 §7.1.4). Only OPEN sends messages.
   */
  readonly state: ReadyState;
  /** Bytes written to the socket and not yet sent. */
  readonly bufferedAmount: number;
  /** The opening handshake as it crossed the socket: the request's lines as received, the 101's head as written. */
  readonly info: { readonly request: HandshakeRequest; readonly response: { readonly head: string } };
  /** Bytes read from and written to the socket since the handshake, frame headers and control frames included. */
  readonly stats: Readonly<{ bytesIn: number; bytesOut: number }>;
  /** Replace the handlers `open()` returned. */
  setHandlers(handlers: ConnectionHandlers): void;
  /** Send a message: text (`binary` false; `data` must be UTF-8) or binary. False when not OPEN. */
  sendMessage(data: Uint8Array, binary: boolean): boolean;
  sendText(text: string): boolean;
  /** A ping with at most 125 bytes of payload (RangeError over that). */
  ping(payload?: Uint8Array): boolean;
  /**
   * Start the closing handshake (RFC 6455 §7.1.2); `cause` says why, for the log. Throws RangeError
   * on a code that may not be sent or a reason over 123 bytes.
   */
  close(code?: number, reason?: string, cause?: string): boolean;
  /** Fail the connection: a close frame with `code`, then TCP closed. */
  abort(code: number, reason: string, cause: string): void;
  /** Drop TCP now, without a closing handshake. */
  terminate(cause?: string): void;
  /** Run `write` so that what it sends goes out in one write. */
  corked(write: () => void): void;
}

export interface Endpoint {
  /** One line: what it does (shown in the 404 body and the log). */
  description: string;
  /** Refuse a request before upgrading it (a missing parameter, a policy). Return null to accept. */
  check?(request: UpgradeRequest): Refusal | null;
  /**
   * Pick one of the subprotocols the client offered (RFC 6455 §4.2.2 /subprotocol/), or null to
   * answer with none; or the whole negotiation (chosen and why), which the inspector reports to
   * the page. Default: none.
   */
  selectProtocol?(offered: readonly string[], request: UpgradeRequest): string | null | SubprotocolChoice;
  /** Exempt this endpoint's connections from the idle timeout (listeners that never send). */
  noIdleTimeout?: boolean;
  /**
   * For an endpoint that knows its users' names (the chat room's nicknames): the server passes
   * `report` once, and the endpoint calls it with a connection's session and the name it took, so the
   * teacher's view (class mode) shows students by name.
   */
  names?(report: (session: string, name: string) => void): void;
  /** The connection is open. Return its handlers (or register them later with `connection.setHandlers`). */
  open(connection: EndpointConnection, request: UpgradeRequest): ConnectionHandlers | void;
}
