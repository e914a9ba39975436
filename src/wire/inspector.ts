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
import type { FaultCloseCode, FaultDetails, FaultRule } from '../protocol/index.ts';

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

/** What the server did with the permessage-deflate offers of one handshake (RFC 7692 §5). */
export interface DeflateNegotiation {
  /** Did the server negotiate permessage-deflate for this connection at all? */
  wanted: boolean;
  /** Why (the server's flag, or the URL's `?deflate`). */
  why: string;
  /**
   * Which sentence `why` is ("url-on", "url-off", "flag-on", "flag-off"), and whether "the client
   * offered no extension" follows it, for a page to tell it in its reader's language. When
   * `wanted` is false every offer's reason is the one "compression is off" sentence.
   */
  whyId?: string;
  whyNoOffer?: boolean;
  /** Each element of the client's Sec-WebSocket-Extensions, in order, and what became of it. */
  offers: { offer: string; accepted: boolean; reasons: string[] }[];
  /** The element the 101 carries, or null when none was accepted. */
  response: string | null;
  /** Messages shorter than this go uncompressed (RSV1 0). */
  threshold: number;
}

/** A connection the subscriber may watch: the `open` message without its `type`. */
export interface ConnectionInfo extends Stamp {
  connection: number;
  path: string;
  session: string | null;
  peer: string;
  request: HandshakeRequest;
  /** For a proxied connection: the target's response head, as it was received and relayed. */
  response: HandshakeResponse;
  /** permessage-deflate's negotiation (absent from servers that predate it). */
  deflate?: DeflateNegotiation;
  /** Set on a connection through `/proxy`: the target, and its 101 checked step by step. */
  proxy?: ProxyInfo;
  /** The subprotocol negotiation (RFC 6455 §4.2.2): offered, spoken, chosen and why (absent where the endpoint has no list). */
  subprotocol?: SubprotocolNegotiation;
}

/** What the server did with the client's Sec-WebSocket-Protocol. */
export interface SubprotocolNegotiation {
  offered: string[];
  supported: string[];
  /** What the 101 names, or null; a demonstration may name one the client did not offer. */
  chosen: string | null;
  why: string;
  /** Which sentence `why` is, and its values (SUBPROTOCOL_WHY_ENGLISH in src/protocol/handshake/subprotocol.ts). */
  whyId?: string;
  whyValues?: Record<string, string>;
}

/** One step of a target's 101, checked by the proxy as RFC 6455 §4.1 lists them. */
export interface ProxyHandshakeStep {
  step: 'http-head' | 'status-line' | 'upgrade' | 'connection' | 'accept' | 'extensions' | 'protocol';
  /** True: passed; false: a browser fails the connection here; null: not checked. */
  ok: boolean | null;
  rfc: string;
  expected: string;
  got: string | null;
  /** Which sentence `message` is, and its values, for a page to tell it in its reader's language. */
  id?: string;
  values?: Record<string, string>;
  message: string;
}

/** What `/proxy` adds to a proxied connection's `open`. */
export interface ProxyInfo {
  /** The target as the page asked for it, such as "ws://127.0.0.1:9001/chat". */
  target: string;
  /** The address and port the proxy connected to, resolved once ("127.0.0.1:9001", "[::1]:9001"). */
  address: string;
  /** The request as forwarded: the browser's, with only the request target and Host rewritten. */
  forwarded: HandshakeRequest;
  steps: ProxyHandshakeStep[];
  /** Every step passed: a browser opens the connection. */
  ok: boolean;
}

/** Why `/proxy` did not open a connection, on its `refused` message. */
export interface ProxyRefusal {
  /** The target, when it could be read from the request. */
  target: string | null;
  /** The address the proxy connected to or tried, or null (refused before). */
  address: string | null;
  /**
   * "policy": the target is not allowed (403) or not a ws:// URL (400); "limit": the server is
   * full (503); "connect": TCP to the target failed (502); "timeout": no complete response head
   * within the handshake timeout (504); "not-http": the target answered with bytes that are not
   * HTTP (502); "closed": the target closed the connection before its response head ended (502);
   * "response": the target answered with a status other than 101, relayed to the browser as it was.
   */
  stage: 'policy' | 'limit' | 'connect' | 'timeout' | 'not-http' | 'closed' | 'response';
  /** What the target sent, hex (at most 1 KiB). */
  received: string;
  /** The target's head checked step by step ("response" only). */
  steps?: ProxyHandshakeStep[];
  /** Which reason the refusal's `reason` is, and its values, for a page to tell it in its reader's language. */
  reasonId?: string;
  reasonValues?: Record<string, string>;
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
  /** The teacher's view (`?all`, class mode): the students known so far. */
  students?: StudentInfo[];
}

/**
 * A student, as the teacher's view (`?all`) knows one: a session token (one page's tab), numbered
 * in the order the server first saw it, with the names the student gave.
 */
export interface StudentInfo {
  session: string;
  /** 1, 2, 3, … in the order the server first saw this session: "student 3" when it has no name. */
  number: number;
  /** The chat room's nickname of this session's newest chat connection, or null. */
  nickname: string | null;
  /** The name the student typed on the playground (`{"type":"name"}`), or null. */
  name: string | null;
  /** How many of this session's `/inspect` sockets (its pages) are open now. */
  pages: number;
}

/** A student appeared or changed (a name, a page opened or closed): to `?all` subscribers only. */
export interface StudentMessage extends Stamp, StudentInfo {
  type: 'student';
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
  /** Set when `/proxy` refused or the target failed the handshake. */
  proxy?: ProxyRefusal;
}

export interface ReadMessage extends Stamp {
  type: 'read';
  connection: number;
  /**
   * Whose bytes: "in" (absent), client to server, as the server (or the proxy) read them from the
   * client; "out", a proxied target's bytes, as the proxy read them from the target.
   */
  direction?: 'in' | 'out';
  /** Stream offset (bytes received on this connection after the handshake) of the read's first byte. */
  offset: number;
  size: number;
  /** Positions in this read (0..size) where a frame ended, so the next one began. */
  boundaries: number[];
  /** Proxied connections, after decoding stopped in this direction: the read's bytes, hex (at most `maxFrameBytes`). */
  bytes?: string;
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

/**
 * A compressed message (permessage-deflate, RSV1 on its first frame), reported once whole: its
 * size on the wire and its bytes inflated. For `in`, after its frames; for `out`, with them.
 */
export interface InflatedMessage extends Stamp {
  type: 'inflated';
  connection: number;
  direction: 'in' | 'out';
  /** Stream offset of the message's first frame (the one with RSV1), in its direction. */
  offset: number;
  binary: boolean;
  /** Payload bytes on the wire, all frames together (compressed, tail removed). */
  wireLength: number;
  /** Bytes once inflated. */
  length: number;
  /** The inflated bytes, in full unless `truncated` (then the first `limits.maxFrameBytes`). */
  data: string;
  truncated: boolean;
}

/**
 * The codec's fault of rule `R` (src/protocol/fault.ts), and the frame it was found in. `rule` and
 * `detail` are all a page needs to tell the fault in any language (`FAULTS[rule]` has the rest);
 * `message` is the codec's English sentence.
 */
export interface FaultMessageOf<R extends FaultRule> extends Stamp {
  type: 'fault';
  connection: number;
  /** Whose bytes broke the rule: "in" (absent), the client's; "out", a proxied target's. */
  direction?: 'in' | 'out';
  /** One of `FAULT_RULES`. */
  rule: R;
  closeCode: FaultCloseCode;
  /** Stream offset of the first byte at fault, and how many bytes are. */
  offset: number;
  length: number;
  rfc: string;
  /** The values of this fault (`FaultDetails[rule]`: `{ opcode }`, `{ length, limit }`, ...). */
  detail: FaultDetails[R];
  message: string;
  /** Stream offset where the faulty frame starts, and its bytes received so far (capped). */
  frameOffset: number;
  bytes: string;
}

/** A fault message of any rule; `rule` tells which, and narrows `detail`. */
export type FaultMessage = { [R in FaultRule]: FaultMessageOf<R> }[FaultRule];

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
  /** Proxied connections: who ended TCP first, "client" (the browser), "server" (the target), or "proxy" (a limit, a shutdown). */
  tcpClosedBy?: 'client' | 'server' | 'proxy' | null;
}

/**
 * What the proxy noticed in a proxied connection's bytes that is not one frame's fault: bytes after
 * a close frame, a close never answered, TCP closed without a close frame or mid-frame, frames
 * split or merged across TCP reads, and where it stopped decoding a direction and why.
 */
export interface FindingMessage extends Stamp {
  type: 'finding';
  connection: number;
  direction: 'in' | 'out';
  /** A stable id: see `PROXY_FINDING_RULES`. */
  rule: string;
  /** "fault": breaks a MUST; "warning": an abnormal end; "info": worth seeing, not wrong. */
  level: 'fault' | 'warning' | 'info';
  /** Stream offset (in `direction`) of the first byte concerned, and how many. */
  offset: number;
  length: number;
  /** RFC 6455 section. */
  rfc: string;
  /** Which sentence `message` is, and its numbers, for a page to tell it in its reader's language. */
  sentence?: string;
  values?: Record<string, number>;
  /** The sentence in English (logs, CLI, a page without the sentence in its catalogue). */
  message: string;
}

export const PROXY_FINDING_RULES = [
  'bytes-after-close',
  'close-not-answered',
  'no-close-frame',
  'ended-mid-frame',
  'frame-split',
  'frames-merged',
  'decoding-stopped',
] as const;
export type ProxyFindingRule = (typeof PROXY_FINDING_RULES)[number];

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
  /** Which sentence `detail` is, and its values, for a page to tell it in its reader's language. */
  detailId?: string;
  detailValues?: Record<string, string | number>;
}

export interface ErrorMessage extends Stamp {
  type: 'error';
  id: string | number | null;
  connection: number | null;
  action: string | null;
  message: string;
}

/** The answer to a `broadcast`: which connections the demonstration went to, and which were skipped. */
export interface BroadcastAckMessage extends Stamp {
  type: 'broadcast-ack';
  id: string | number | null;
  action: string;
  /** The connections it acted on, by the server's id. */
  connections: number[];
  /** Open `/echo` connections it could not act on, and why (a proxied one, one already closing). */
  skipped: { connection: number; reason: string }[];
  detail: string;
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
  | StudentMessage
  | BroadcastAckMessage
  | OpenMessage
  | RefusedMessage
  | ReadMessage
  | FrameMessage
  | InflatedMessage
  | FaultMessage
  | FindingMessage
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
  | {
      action: 'fragment-next';
      count: number;
      /** Send a ping after the first fragment: a control frame between fragments (RFC 6455 §5.4). */
      ping?: boolean;
    }
  | { action: 'close'; code?: number; reason?: string }
  | { action: 'misbehave'; kind: MisbehaveKind }
  | { action: 'flood'; count: number; size?: number };

/** Most messages one `flood` command may ask for, and the largest size of each. */
export const MAX_FLOOD_COUNT = 1_000_000;
export const MAX_FLOOD_SIZE = 65_536;

/** What a subscriber sends. */
export type Command = { type: 'command'; id?: string | number; connection: number } & CommandAction;

/** The teacher's view (`?all`) only: one demonstration to every open `/echo` connection at once. */
export type BroadcastCommand = { type: 'broadcast'; id?: string | number } & CommandAction;

/** A student's page names its session for the teacher's view (1 to 40 characters). */
export interface NameCommand {
  type: 'name';
  name: string;
}

/** The longest name a student may give, in characters (code points). */
export const MAX_STUDENT_NAME = 40;
