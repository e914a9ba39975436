/**
 * The Framescope capture file (docs/capture-format.md): a saved session as JSON, versioned. It
 * holds what the inspector tap reported (docs/inspector.md), grouped by connection: the handshake
 * request and response, then the connection's events in the order the server reported them, each
 * exactly as the inspector sent it without its `connection` (and `wall` optional: it follows from
 * the connection's `t` and `wall`). A page reopens it by feeding the events back; the CLI and the
 * importer read its frames; `captureToPcapng` turns it into a file Wireshark opens.
 */
import type {
  ClosedMessage,
  DroppedMessage,
  FaultMessage,
  FindingMessage,
  FrameMessage,
  HandshakeRequest,
  HandshakeResponse,
  ProxyInfo,
  ReadMessage,
  SocketErrorMessage,
} from '../wire/inspector.ts';

export const CAPTURE_FORMAT = 'framescope-capture';
export const CAPTURE_VERSION = 1;

/** An inspector message as a capture keeps it: no `connection` (the event's place says it), `wall` optional. */
type Event<M> = Omit<M, 'connection' | 'wall'> & { wall?: number };

export type ReadEvent = Event<ReadMessage>;
export type FrameEvent = Event<FrameMessage>;
export type FaultEvent = Event<FaultMessage>;
export type ClosedEvent = Event<ClosedMessage>;
export type SocketErrorEvent = Event<SocketErrorMessage>;
/** A connection through `/proxy`: what the proxy noticed beyond one frame's fault. */
export type FindingEvent = Event<FindingMessage>;
/** Inspector messages the server skipped or the page lost here: what follows on this connection may have gaps. */
export type DroppedEvent = Event<DroppedMessage>;

export type CaptureEvent = ReadEvent | FrameEvent | FaultEvent | FindingEvent | ClosedEvent | SocketErrorEvent | DroppedEvent;

export interface CaptureConnection {
  /** The server's connection number; null for a handshake the server refused (no connection opened). */
  connection: number | null;
  path: string;
  session: string | null;
  /** The client's address and port as the server saw them: "127.0.0.1:55748", "[::1]:55748". */
  client: string;
  /**
   * The server's own address and port, when known ("127.0.0.1:8008"). When null, the port is
   * taken from the request's Host header and the address is the loopback of the client's family.
   */
  server: string | null;
  /** When the server answered the handshake: its monotonic clock (ms), and the same instant as Unix epoch ms. */
  t: number;
  wall: number;
  request: HandshakeRequest;
  response: HandshakeResponse;
  /** For a refused handshake: the reason the server gave. */
  refusal?: string;
  /**
   * A connection through `/proxy` (docs/inspector.md): the target and its 101 checked step by step.
   * Its server-to-client bytes are the target's, relayed unchanged; `read` and `fault` events with
   * `direction: "out"` are about them.
   */
  proxy?: ProxyInfo;
  /** What happened on the connection after the handshake, in the order the server reported it. */
  events: CaptureEvent[];
}

export interface CaptureFile {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  /** When it was saved, Unix epoch ms; null if not said. */
  savedAt: number | null;
  /** A name the user gave it. */
  name: string | null;
  /** What made it: "playground", "chat", "cli", "pcapng import", ... */
  source: string | null;
  connections: CaptureConnection[];
}

/** Whose bytes an event is about: a read or fault without `direction` is the client's. */
export function eventDirection(event: CaptureEvent): 'in' | 'out' | null {
  switch (event.type) {
    case 'frame':
    case 'finding':
      return event.direction;
    case 'read':
    case 'fault':
      return event.direction ?? 'in';
    default:
      return null;
  }
}

/** The events of one connection's one direction, sorted by offset (a saved file need not be). */
export function framesOf(connection: CaptureConnection, direction: 'in' | 'out'): FrameEvent[] {
  const out = connection.events.filter((e): e is FrameEvent => e.type === 'frame' && e.direction === direction);
  return out.sort((a, b) => a.offset - b.offset);
}

/** An event's time as Unix epoch ms: its own `wall`, or the connection's wall clock plus the time since the handshake. */
export function wallOf(connection: CaptureConnection, event: { t: number; wall?: number }): number {
  return event.wall ?? connection.wall + (event.t - connection.t);
}

/** The request head as the client sent it, rebuilt from the inspector's lines (whitespace around each colon normalized). */
export function requestHead(request: HandshakeRequest): string {
  const lines = [`${request.method} ${request.url} HTTP/${request.httpVersion}`, ...request.headers];
  return `${lines.join('\r\n')}\r\n\r\n`;
}
