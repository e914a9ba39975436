/**
 * The JSON formats of Framescope's own endpoints, shared by server/ and src/app/; documented in
 * docs/inspector.md and docs/chat-protocol.md. Pure types and constants: no DOM, no Node, no
 * imports from src/app/ or server/.
 *
 * This file: the inspector tap (`/inspect`), the messages it sends (server -> subscriber) and
 * accepts (subscriber -> server). Every message is one JSON text message. Bytes are lowercase hex
 * strings without separators. Times: `t` is the server's monotonic clock in ms (performance.now(),
 * fractional) and `wall` the same instant as Unix epoch ms (performance.timeOrigin + t).
 */

export interface Stamp {
  t: number;
  wall: number;
}

export interface HandshakeRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** "Name: value" lines, names as the client spelled them, in the order it sent them. */
  headers: string[];
}

export interface HandshakeResponse {
  status: number;
  /** The response head exactly as written, CRLFs included. */
  head: string;
}

/** A connection the subscriber may watch: the `open` message without its `type`. */
export interface ConnectionInfo extends Stamp {
  connection: number;
  path: string;
  session: string | null;
  peer: string;
  request: HandshakeRequest;
  response: HandshakeResponse;
}

export interface HelloMessage extends Stamp {
  type: 'hello';
  /** The subscriber's session, or null when it watches every connection (`?all`, class mode). */
  session: string | null;
  all: boolean;
  classMode: boolean;
  limits: {
    queueCount: number;
    queueBytes: number;
    maxFrameBytes: number;
    /** Traffic messages (`read`, `frame`) per second at most, 0: no limit. */
    rateMessages: number;
    /** Frame bytes reported per second at most, 0: no limit. */
    rateBytes: number;
    maxPayload: number;
    maxMessage: number;
  };
  /** Connections already open that this subscriber may watch. */
  connections: ConnectionInfo[];
}

export interface OpenMessage extends ConnectionInfo {
  type: 'open';
}

export interface RefusedMessage extends Stamp {
  type: 'refused';
  path: string;
  session: string | null;
  peer: string;
  status: number;
  reason: string;
  request: HandshakeRequest;
  response: HandshakeResponse;
}

export interface ReadMessage extends Stamp {
  type: 'read';
  connection: number;
  /** Stream offset (bytes received on this connection after the handshake) of the read's first byte. */
  offset: number;
  size: number;
  /** Positions in this read (0..size) where a frame ended, so the next one began. */
  boundaries: number[];
}

export interface FrameMessage extends Stamp {
  type: 'frame';
  connection: number;
  direction: 'in' | 'out';
  /** Stream offset of the frame's first byte, in its direction. */
  offset: number;
  /** The frame's size on the wire (header + payload). */
  size: number;
  opcode: number;
  fin: boolean;
  masked: boolean;
  payloadLength: number;
  headerLength: number;
  /** The frame as on the wire (masked when it was), in full unless `truncated`. */
  bytes: string;
  truncated: boolean;
  /** Set on frames the server sent on purpose to break the protocol (`misbehave`). */
  misbehave?: string;
}

export interface FaultMessage extends Stamp {
  type: 'fault';
  connection: number;
  rule: string;
  closeCode: number;
  offset: number;
  length: number;
  rfc: string;
  message: string;
  /** Stream offset where the faulty frame starts, and its bytes received so far (capped). */
  frameOffset: number;
  bytes: string;
}

export interface ClosedMessage extends Stamp {
  type: 'closed';
  connection: number;
  code: number;
  reason: string;
  wasClean: boolean;
  /** Who sent the first close frame: 'client', 'server', or null if none was exchanged. */
  initiator: 'client' | 'server' | null;
  /** Why the server ended it, when it did: "fault", "ping timeout", "idle timeout", "close timeout", "shutdown", "command". */
  cause: string | null;
  duration: number;
  framesIn: number;
  framesOut: number;
  bytesIn: number;
  bytesOut: number;
}

export interface SocketErrorMessage extends Stamp {
  type: 'socket-error';
  connection: number;
  code: string | null;
  message: string;
}

export interface DroppedMessage extends Stamp {
  type: 'dropped';
  count: number;
  /**
   * "queue": the subscriber fell behind and its queue was full; "rate": the connections sent more
   * than the subscriber's budget (`limits.rateMessages`, `limits.rateBytes`), so the server skipped
   * them to keep the echo fast.
   */
  reason: 'queue' | 'rate';
}

export interface AckMessage extends Stamp {
  type: 'ack';
  id: string | number | null;
  connection: number;
  action: string;
  detail: string;
}

export interface ErrorMessage extends Stamp {
  type: 'error';
  id: string | number | null;
  connection: number | null;
  action: string | null;
  message: string;
}

/**
 * Progress of a `flood` command: the server sends `count` text messages on a connection as fast as
 * the peer reads them. Sent to the subscriber that asked, about ten times a second and once at the
 * end (`done`), outside the budget.
 */
export interface FloodMessage extends Stamp {
  type: 'flood';
  /** The command's `id`. */
  id: string | number | null;
  connection: number;
  count: number;
  sent: number;
  /** Bytes written to the socket and not yet sent (Node's writableLength): the server's bufferedAmount. */
  unsent: number;
  /** The most it held unsent. */
  maxUnsent: number;
  /** Times the server stopped writing until the socket drained (the peer was not reading fast enough). */
  waits: number;
  /** ms since the flood began. */
  elapsed: number;
  /** null while running; why it ended: every message sent, the connection closed, or another flood replaced it. */
  done: null | 'sent' | 'closed' | 'stopped';
}

export type InspectorMessage =
  | HelloMessage
  | OpenMessage
  | RefusedMessage
  | ReadMessage
  | FrameMessage
  | FaultMessage
  | ClosedMessage
  | SocketErrorMessage
  | DroppedMessage
  | AckMessage
  | ErrorMessage
  | FloodMessage;

export const MISBEHAVE_KINDS = [
  'masked-frame',
  'rsv1',
  'reserved-opcode',
  'invalid-utf8',
  'long-control',
  'fragmented-ping',
] as const;
export type MisbehaveKind = (typeof MISBEHAVE_KINDS)[number];

/** A demonstration a subscriber asks of the server, for one of the connections it may watch. */
export type CommandAction =
  | { action: 'ping'; payload?: string }
  | { action: 'fragment-next'; count: number }
  | { action: 'close'; code?: number; reason?: string }
  | { action: 'misbehave'; kind: MisbehaveKind }
  | { action: 'flood'; count: number; size?: number };

/** Most messages one `flood` command may ask for, and the largest size of each. */
export const MAX_FLOOD_COUNT = 1_000_000;
export const MAX_FLOOD_SIZE = 65_536;

/** What a subscriber sends. */
export type Command = { type: 'command'; id?: string | number; connection: number } & CommandAction;
