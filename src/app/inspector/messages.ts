/**
 * The messages of the server's inspector tap (`/inspect`), as the page reads them. The server
 * documents them in docs/inspector.md (and types them in server/inspector/messages.ts, which the
 * app may not import). Every message is one JSON text message; bytes are lowercase hex without
 * separators; `t` is the server's monotonic clock in ms and `wall` the same instant in epoch ms.
 *
 * `parseInspectorMessage` checks each message's shape before the page trusts it: a message from a
 * newer or older server that does not fit is reported, never a crash.
 */

export interface Stamp {
  t: number;
  wall: number;
}

export interface HandshakeRequest {
  method: string;
  url: string;
  httpVersion: string;
  /** "Name: value" lines as the client sent them. */
  headers: string[];
}

export interface HandshakeResponse {
  status: number;
  /** The response head exactly as written, CRLFs included. */
  head: string;
}

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
  session: string | null;
  all: boolean;
  classMode: boolean;
  limits: { queueCount: number; queueBytes: number; maxFrameBytes: number; maxPayload: number; maxMessage: number };
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
  /** Stream offset (bytes received after the handshake) of the read's first byte. */
  offset: number;
  size: number;
  /** Positions in this read (0..size) where a frame ended. */
  boundaries: number[];
}

export interface FrameMessage extends Stamp {
  type: 'frame';
  connection: number;
  /** 'in': client to server; 'out': server to client. */
  direction: 'in' | 'out';
  offset: number;
  size: number;
  opcode: number;
  fin: boolean;
  masked: boolean;
  payloadLength: number;
  headerLength: number;
  /** The frame as on the wire, hex; in full unless `truncated`. */
  bytes: string;
  truncated: boolean;
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
  frameOffset: number;
  bytes: string;
}

export interface ClosedMessage extends Stamp {
  type: 'closed';
  connection: number;
  code: number;
  reason: string;
  wasClean: boolean;
  initiator: 'client' | 'server' | null;
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
  /** "queue": the page fell behind; "rate": over the page's budget of events per second (older servers: absent). */
  reason?: 'queue' | 'rate';
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
  | ErrorMessage;

export const MISBEHAVE_KINDS = [
  'masked-frame',
  'rsv1',
  'reserved-opcode',
  'invalid-utf8',
  'long-control',
  'fragmented-ping',
] as const;
export type MisbehaveKind = (typeof MISBEHAVE_KINDS)[number];

/** A demonstration the page asks of the server, for one of the connections it watches. */
export type CommandAction =
  | { action: 'ping'; payload?: string }
  | { action: 'fragment-next'; count: number }
  | { action: 'close'; code?: number; reason?: string }
  | { action: 'misbehave'; kind: MisbehaveKind };

export type Command = { type: 'command'; id?: string | number; connection: number } & CommandAction;

/** `unknown`: a message type this page does not know (a newer server); docs/inspector.md says to ignore it. */
export type ParseResult = { ok: true; message: InspectorMessage } | { ok: false; error: string; unknown?: boolean };

type Json = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isInteger(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const hex: Check = (v) => typeof v === 'string' && v.length % 2 === 0 && /^[0-9a-f]*$/.test(v);
const nullable = (check: Check): Check => (v) => v === null || check(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const oneOf = (...values: unknown[]): Check => (v) => values.includes(v);
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);
const shape = (fields: Record<string, Check>): Check => (v) => isObject(v) && problem(v, fields) === null;

const stampFields = { t: num, wall: num };
const request = shape({ method: str, url: str, httpVersion: str, headers: arrayOf(str) });
const response = shape({ status: int, head: str });
const connectionFields = { ...stampFields, connection: int, path: str, session: nullable(str), peer: str, request, response };
const limits = shape({ queueCount: num, queueBytes: num, maxFrameBytes: num, maxPayload: num, maxMessage: num });

const FIELDS: Record<InspectorMessage['type'], Record<string, Check>> = {
  hello: { ...stampFields, session: nullable(str), all: bool, classMode: bool, limits, connections: arrayOf(shape(connectionFields)) },
  open: connectionFields,
  refused: { ...stampFields, path: str, session: nullable(str), peer: str, status: int, reason: str, request, response },
  read: { ...stampFields, connection: int, offset: int, size: int, boundaries: arrayOf(int) },
  frame: {
    ...stampFields,
    connection: int,
    direction: oneOf('in', 'out'),
    offset: int,
    size: int,
    opcode: int,
    fin: bool,
    masked: bool,
    payloadLength: int,
    headerLength: int,
    bytes: hex,
    truncated: bool,
    misbehave: optional(str),
  },
  fault: {
    ...stampFields,
    connection: int,
    rule: str,
    closeCode: int,
    offset: int,
    length: int,
    rfc: str,
    message: str,
    frameOffset: int,
    bytes: hex,
  },
  closed: {
    ...stampFields,
    connection: int,
    code: int,
    reason: str,
    wasClean: bool,
    initiator: oneOf('client', 'server', null),
    cause: nullable(str),
    duration: num,
    framesIn: int,
    framesOut: int,
    bytesIn: int,
    bytesOut: int,
  },
  'socket-error': { ...stampFields, connection: int, code: nullable(str), message: str },
  dropped: { ...stampFields, count: int, reason: optional(str) },
  ack: { ...stampFields, id: nullable(oneOfIdTypes()), connection: int, action: str, detail: str },
  error: { ...stampFields, id: nullable(oneOfIdTypes()), connection: nullable(int), action: nullable(str), message: str },
};

function oneOfIdTypes(): Check {
  return (v) => typeof v === 'string' || num(v);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function problem(value: Json, fields: Record<string, Check>): string | null {
  for (const [name, check] of Object.entries(fields)) {
    if (!check(value[name])) return name;
  }
  return null;
}

/** Reads one message from `/inspect`. Unknown types and misshapen fields are errors, not exceptions. */
export function parseInspectorMessage(text: string): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: `not JSON: ${text.slice(0, 60)}` };
  }
  if (!isObject(value)) return { ok: false, error: 'not a JSON object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    return { ok: false, error: `unknown message type ${JSON.stringify(type)}`, unknown: typeof type === 'string' };
  }
  const bad = problem(value, FIELDS[type as InspectorMessage['type']]);
  if (bad !== null) return { ok: false, error: `${type} message with a missing or malformed "${bad}"` };
  return { ok: true, message: value as unknown as InspectorMessage };
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i;

/** Lowercase hex without separators (as the tap sends bytes) to bytes. Assumes `hex` was checked. */
export function bytesFromHex(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < out.length; i++) {
    out[i] = (NIBBLE[hex.charCodeAt(2 * i)]! << 4) | NIBBLE[hex.charCodeAt(2 * i + 1)]!;
  }
  return out;
}

/** Splits a handshake head (`GET / HTTP/1.1\r\nName: value\r\n…\r\n\r\n`) into its start line and headers. */
export function splitHead(head: string): { startLine: string; headers: { name: string; value: string }[] } {
  const lines = head.split(/\r?\n/).filter((line) => line !== '');
  const [startLine = '', ...rest] = lines;
  return { startLine, headers: rest.map(splitHeaderLine) };
}

/** "Name: value" to its parts (the value trimmed, as HTTP reads it). */
export function splitHeaderLine(line: string): { name: string; value: string } {
  const colon = line.indexOf(':');
  if (colon === -1) return { name: line, value: '' };
  return { name: line.slice(0, colon), value: line.slice(colon + 1).trim() };
}

/** The first header with this name (case-insensitive), or null. */
export function headerValue(headers: readonly { name: string; value: string }[], name: string): string | null {
  const lower = name.toLowerCase();
  return headers.find((h) => h.name.toLowerCase() === lower)?.value ?? null;
}

/**
 * The page's number for a connection, from the request target it sent (`GET /echo?session=…&conn=3`):
 * the playground adds `conn=<timeline number>` so the tap's report can be matched to its timeline.
 */
export function connNumberFromTarget(target: string): number | null {
  const query = target.indexOf('?');
  if (query === -1) return null;
  const conn = new URLSearchParams(target.slice(query + 1)).get('conn');
  if (conn === null || !/^\d+$/.test(conn)) return null;
  return Number(conn);
}
