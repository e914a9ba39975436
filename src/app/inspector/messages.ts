/**
 * The messages of the server's inspector tap (`/inspect`), as the page reads them. They are
 * documented in docs/inspector.md and typed in src/wire/inspector.ts, shared with the server.
 * Every message is one JSON text message; bytes are lowercase hex without separators; `t` is the
 * server's monotonic clock in ms and `wall` the same instant in epoch ms.
 *
 * `parseInspectorMessage` checks each message's shape before the page trusts it: a message from a
 * newer or older server that does not fit is reported, never a crash.
 */

import { allocatePooled, FAULT_RULES, type FaultDetails, type FaultRule } from '../../protocol';
import type * as Wire from '../../wire/inspector';
import * as m from '../../paraglide/messages.js';

// The message types are shared with the server (src/wire/inspector.ts); the page reads two of
// them more leniently, for servers older than the fields they carry.
export type {
  AckMessage,
  BroadcastAckMessage,
  BroadcastCommand,
  NameCommand,
  StudentInfo,
  StudentMessage,
  ClosedMessage,
  Command,
  CommandAction,
  ConnectionInfo,
  DeflateNegotiation,
  ErrorMessage,
  FaultMessage,
  FloodMessage,
  FindingMessage,
  FrameMessage,
  HandshakeRequest,
  HandshakeResponse,
  InflatedMessage,
  MisbehaveKind,
  ProxyHandshakeStep,
  ProxyInfo,
  ProxyRefusal,
  OpenMessage,
  ReadMessage,
  RefusedMessage,
  SocketErrorMessage,
  Stamp,
  SubprotocolNegotiation,
} from '../../wire/inspector';
export { MAX_FLOOD_COUNT, MAX_FLOOD_SIZE, MISBEHAVE_KINDS } from '../../wire/inspector';

type WireLimits = Wire.HelloMessage['limits'];

/** `hello` as the page reads it: the rate limits may be absent (older servers); it does not check them. */
export interface HelloMessage extends Omit<Wire.HelloMessage, 'limits'> {
  limits: Omit<WireLimits, 'rateMessages' | 'rateBytes'> & Partial<Pick<WireLimits, 'rateMessages' | 'rateBytes'>>;
}

/** `dropped` as the page reads it: `reason` may be absent (older servers). */
export interface DroppedMessage extends Omit<Wire.DroppedMessage, 'reason'> {
  reason?: Wire.DroppedMessage['reason'];
}

export type InspectorMessage =
  | Exclude<Wire.InspectorMessage, Wire.HelloMessage | Wire.DroppedMessage>
  | HelloMessage
  | DroppedMessage;

/** `unknown`: a message type this page does not know (a newer server); docs/inspector.md says to ignore it. */
export type ParseResult = { ok: true; message: InspectorMessage } | { ok: false; error: string; unknown?: boolean };

type Json = Record<string, unknown>;
type Check = (value: unknown) => boolean;

const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const int: Check = (v) => Number.isInteger(v);
const str: Check = (v) => typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const HEX = /^[0-9a-f]*$/;
const hex: Check = (v) => typeof v === 'string' && v.length % 2 === 0 && HEX.test(v);
const nullable = (check: Check): Check => (v) => v === null || check(v);
const optional = (check: Check): Check => (v) => v === undefined || check(v);
const oneOf = (...values: unknown[]): Check => (v) => values.includes(v);
const arrayOf = (check: Check): Check => (v) => Array.isArray(v) && v.every(check);
const shape = (fields: Record<string, Check>): Check => (v) => isObject(v) && problem(v, fields) === null;

const stampFields = { t: num, wall: num };
const request = shape({ method: str, url: str, httpVersion: str, headers: arrayOf(str) });
const response = shape({ status: int, head: str });
const deflate = shape({ wanted: bool, why: str, offers: arrayOf(shape({ offer: str, accepted: bool, reasons: arrayOf(str) })), response: nullable(str), threshold: num });
const subprotocol = shape({ offered: arrayOf(str), supported: arrayOf(str), chosen: nullable(str), why: str });
const connectionFields = { ...stampFields, connection: int, path: str, session: nullable(str), peer: str, request, response, deflate: optional(deflate), subprotocol: optional(subprotocol) };
const limits = shape({ queueCount: num, queueBytes: num, maxFrameBytes: num, maxPayload: num, maxMessage: num });
const studentFields = { session: str, number: int, nickname: nullable(str), name: nullable(str), pages: int };

const FIELDS: Record<InspectorMessage['type'], Record<string, Check>> = {
  hello: {
    ...stampFields,
    session: nullable(str),
    all: bool,
    classMode: bool,
    limits,
    connections: arrayOf(shape(connectionFields)),
    students: optional(arrayOf(shape(studentFields))),
  },
  student: { ...stampFields, ...studentFields },
  'broadcast-ack': {
    ...stampFields,
    id: nullable(oneOfIdTypes()),
    action: str,
    connections: arrayOf(int),
    skipped: arrayOf(shape({ connection: int, reason: str })),
    detail: str,
  },
  open: connectionFields,
  refused: { ...stampFields, path: str, session: nullable(str), peer: str, status: int, reason: str, request, response },
  read: { ...stampFields, connection: int, direction: optional(oneOf('in', 'out')), offset: int, size: int, boundaries: arrayOf(int), bytes: optional(hex) },
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
  inflated: {
    ...stampFields,
    connection: int,
    direction: oneOf('in', 'out'),
    offset: int,
    binary: bool,
    wireLength: int,
    length: int,
    data: hex,
    truncated: bool,
  },
  fault: {
    ...stampFields,
    connection: int,
    direction: optional(oneOf('in', 'out')),
    rule: oneOf(...FAULT_RULES),
    closeCode: oneOf(1002, 1007, 1009),
    offset: int,
    length: int,
    rfc: str,
    // Its fields are checked against the rule's in `faultDetailProblem`.
    detail: isObject,
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
  finding: {
    ...stampFields,
    connection: int,
    direction: oneOf('in', 'out'),
    rule: str,
    level: oneOf('fault', 'warning', 'info'),
    offset: int,
    length: int,
    rfc: str,
    message: str,
  },
  'socket-error': { ...stampFields, connection: int, code: nullable(str), message: str },
  dropped: { ...stampFields, count: int, reason: optional(str) },
  ack: { ...stampFields, id: nullable(oneOfIdTypes()), connection: int, action: str, detail: str },
  error: { ...stampFields, id: nullable(oneOfIdTypes()), connection: nullable(int), action: nullable(str), message: str },
  flood: {
    ...stampFields,
    id: nullable(oneOfIdTypes()),
    connection: int,
    count: int,
    sent: int,
    unsent: int,
    maxUnsent: int,
    waits: int,
    elapsed: num,
    done: oneOf(null, 'sent', 'closed', 'stopped'),
  },
};

const RSV_BITS: readonly unknown[] = ['RSV1', 'RSV2', 'RSV3'];
const opcode: Check = (v) => int(v) && (v as number) >= 0 && (v as number) <= 0xf;
const byte: Check = (v) => int(v) && (v as number) >= 0 && (v as number) <= 0xff;
/** An offset into bytes (of a payload, of inflated text): never negative. */
const offset: Check = (v) => int(v) && (v as number) >= 0;

/**
 * What each rule's `detail` holds (`FaultDetails` in src/protocol/fault.ts), so a page can build
 * the fault's sentence from `rule` and `detail` alone. Typed by rule: a rule added to the codec
 * does not compile here until its fields are.
 */
const DETAIL_FIELDS: { readonly [R in FaultRule]: Record<keyof FaultDetails[R], Check> } = {
  'rsv-without-extension': { bits: (v) => Array.isArray(v) && v.length > 0 && v.every((bit) => RSV_BITS.includes(bit)) },
  'rsv1-not-first-frame': { opcode },
  'reserved-opcode': { opcode },
  'fragmented-control-frame': { opcode },
  'mask-required': {},
  'mask-forbidden': {},
  'control-frame-too-long': { opcode, lengthField: oneOf(126, 127) },
  'unexpected-continuation': {},
  'expected-continuation': { opcode },
  'close-payload-one-byte': {},
  'non-minimal-length': { length: int, lengthForm: oneOf(16, 64) },
  'length-msb-set': {},
  'payload-too-large': { length: num, limit: num },
  'message-too-large': { length: num, limit: num },
  'invalid-close-code': { code: int },
  'invalid-utf8': { in: oneOf('text', 'close-reason'), byte: nullable(byte), payloadOffset: nullable(int) },
  'inflate-failed': { reason: str },
  'inflated-too-large': { limit: num },
  'inflated-invalid-utf8': { byte: nullable(byte), at: offset },
};

/** A fault message whose `detail` lacks a field its `rule` needs: the field's name, else null. */
function faultDetailProblem(value: Json): string | null {
  const field = problem(value.detail as Json, DETAIL_FIELDS[value.rule as FaultRule]);
  return field === null ? null : `detail.${field}`;
}

function oneOfIdTypes(): Check {
  return (v) => typeof v === 'string' || num(v);
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each type's fields as a list, made once: checking a message allocates nothing. */
const FIELD_LISTS = new Map<Record<string, Check>, readonly (readonly [string, Check])[]>();

function problem(value: Json, fields: Record<string, Check>): string | null {
  let list = FIELD_LISTS.get(fields);
  if (list === undefined) {
    list = Object.entries(fields);
    FIELD_LISTS.set(fields, list);
  }
  for (let i = 0; i < list.length; i++) {
    const [name, check] = list[i]!;
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
    return { ok: false, error: m.inspector_not_json({ text: text.slice(0, 60) }) };
  }
  return checkInspectorMessage(value);
}

/** Checks one parsed value as an inspector message (an element of a batch, or a whole message). */
export function checkInspectorMessage(value: unknown): ParseResult {
  if (!isObject(value)) return { ok: false, error: m.inspector_not_object() };
  const type = value.type;
  if (typeof type !== 'string' || !Object.hasOwn(FIELDS, type)) {
    return { ok: false, error: m.inspector_unknown_type({ type: String(JSON.stringify(type)) }), unknown: typeof type === 'string' };
  }
  const bad = problem(value, FIELDS[type as InspectorMessage['type']]) ?? (type === 'fault' ? faultDetailProblem(value) : null);
  if (bad !== null) return { ok: false, error: m.inspector_malformed_field({ type, field: bad }) };
  return { ok: true, message: value as unknown as InspectorMessage };
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++) NIBBLE[48 + i] = i;
for (let i = 0; i < 6; i++) NIBBLE[97 + i] = 10 + i;

/**
 * Lowercase hex without separators (as the tap sends bytes) to bytes. Assumes `hex` was checked.
 * Small frames get views of a shared slab (the codec's pool): 100,000 captured frames are then a
 * few hundred ArrayBuffers, not 100,000, which the garbage collector would visit one by one.
 */
export function bytesFromHex(hex: string): Uint8Array {
  const out = allocatePooled(hex.length >>> 1);
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
