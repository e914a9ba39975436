/**
 * Reading and writing the capture JSON (format.ts, docs/capture-format.md). The reader checks
 * every field it relies on and says what is wrong and where: the path of the value, and its line
 * and column in the text. It never throws. Event types it does not know (from a later version of
 * the page) are left out with a warning, as the inspector's readers ignore what they do not know.
 */
import { bytesOfHex } from './bytes.ts';
import { CAPTURE_FORMAT, CAPTURE_VERSION, type CaptureConnection, type CaptureEvent, type CaptureFile } from './format.ts';
import { lineColumn, locate, pathText, type JsonPath } from './json-locate.ts';

export interface CaptureFormatError {
  message: string;
  /** "connections[0].events[3].bytes", or "" for the text itself (a JSON syntax error). */
  path: string;
  line: number;
  column: number;
  index: number;
}

export type ParseCaptureResult =
  | { ok: true; capture: CaptureFile; warnings: string[] }
  | { ok: false; error: CaptureFormatError };

class Invalid {
  constructor(readonly path: JsonPath, readonly message: string) {}
}

type Json = Record<string, unknown>;

export function parseCapture(text: string): ParseCaptureResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const position = /position (\d+)/.exec(message);
    const at = position ? lineColumn(text, Number(position[1])) : lineColumn(text, text.length);
    // V8 says where ("… in JSON at position 67 (line 2 column 1)"); the error carries the line and column itself.
    const what = message.replace(/\s*(?:in JSON )?at position \d+(?:\s*\(line \d+ column \d+\))?/, '');
    return { ok: false, error: { message: `not valid JSON: ${what}`, path: '', ...at } };
  }
  const warnings: string[] = [];
  try {
    return { ok: true, capture: captureFile(value, warnings), warnings };
  } catch (err) {
    if (!(err instanceof Invalid)) throw err;
    const at = locate(text, err.path);
    const path = pathText(err.path);
    return { ok: false, error: { message: `${path}: ${err.message}`, path, ...at } };
  }
}

/** The capture as JSON text: the outline indented, one event a line (a long session stays readable and diffable). */
export function serializeCapture(capture: CaptureFile): string {
  const { connections, ...top } = capture;
  const head = JSON.stringify(top, null, 2).slice(0, -2);
  const conns = connections.map((c) => {
    const { events, ...rest } = c;
    const body = JSON.stringify(rest, null, 2).slice(0, -2).replace(/\n/g, '\n    ');
    const lines = events.map((e) => `        ${JSON.stringify(e)}`).join(',\n');
    return `    ${body},\n      "events": [${events.length > 0 ? `\n${lines}\n      ` : ''}]\n    }`;
  });
  return `${head},\n  "connections": [${conns.length > 0 ? `\n${conns.join(',\n')}\n  ` : ''}]\n}\n`;
}

// ---- the checks ----------------------------------------------------------------------------

function captureFile(v: unknown, warnings: string[]): CaptureFile {
  const o = object(v, []);
  if (o.format !== CAPTURE_FORMAT) {
    throw new Invalid(['format'], `this is not a Framescope capture: "format" should be "${CAPTURE_FORMAT}"${o.format === undefined ? ' and is missing' : `, not ${JSON.stringify(o.format)}`}`);
  }
  if (o.version !== CAPTURE_VERSION) {
    const newer = typeof o.version === 'number' && o.version > CAPTURE_VERSION;
    throw new Invalid(['version'], newer
      ? `this capture is format version ${o.version}, from a newer Framescope; this one reads version ${CAPTURE_VERSION}`
      : `"version" should be ${CAPTURE_VERSION}, not ${JSON.stringify(o.version)}`);
  }
  const connections = array(o.connections, ['connections']).map((c, i) => connection(c, ['connections', i], warnings));
  return {
    ...o,
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    savedAt: optional(o.savedAt, ['savedAt'], num, null),
    name: optional(o.name, ['name'], str, null),
    source: optional(o.source, ['source'], str, null),
    connections,
  };
}

function connection(v: unknown, path: JsonPath, warnings: string[]): CaptureConnection {
  const o = object(v, path);
  const at = (key: string): JsonPath => [...path, key];
  const request = object(o.request, at('request'));
  const response = object(o.response, at('response'));
  const client = str(o.client, at('client'));
  if (!/^(\[[0-9a-fA-F:.]+\]|[^:\s]+):\d{1,5}$/.test(client)) throw new Invalid(at('client'), `expected "host:port" (or "[v6 address]:port"), not ${JSON.stringify(client)}`);
  const events: CaptureEvent[] = [];
  array(o.events, at('events')).forEach((e, i) => {
    const event = captureEvent(e, [...path, 'events', i]);
    if (event === null) warnings.push(`${pathText([...path, 'events', i])}: an event of type ${JSON.stringify((e as Json).type)} is not one this version knows; left out`);
    else events.push(event);
  });
  const connectionId = o.connection === null ? null : int(o.connection, at('connection'));
  return {
    ...o,
    connection: connectionId,
    path: str(o.path, at('path')),
    session: optional(o.session, at('session'), str, null),
    client,
    server: optional(o.server, at('server'), str, null),
    t: num(o.t, at('t')),
    wall: num(o.wall, at('wall')),
    request: {
      ...request,
      method: str(request.method, [...path, 'request', 'method']),
      url: str(request.url, [...path, 'request', 'url']),
      httpVersion: str(request.httpVersion, [...path, 'request', 'httpVersion']),
      headers: array(request.headers, [...path, 'request', 'headers']).map((h, i) => str(h, [...path, 'request', 'headers', i])),
    },
    response: { ...response, status: int(response.status, [...path, 'response', 'status']), head: str(response.head, [...path, 'response', 'head']) },
    ...(o.refusal !== undefined ? { refusal: str(o.refusal, at('refusal')) } : {}),
    events,
  } as CaptureConnection;
}

/** One event, checked; null for a type this version does not know. */
function captureEvent(v: unknown, path: JsonPath): CaptureEvent | null {
  const o = object(v, path);
  const at = (key: string): JsonPath => [...path, key];
  num(o.t, at('t'));
  if (o.wall !== undefined) num(o.wall, at('wall'));
  switch (o.type) {
    case 'read': {
      direction(o.direction, at('direction'), true);
      offset(o.offset, at('offset'));
      const size = offset(o.size, at('size'));
      array(o.boundaries, at('boundaries')).forEach((b, i) => offset(b, [...path, 'boundaries', i]));
      if (o.bytes !== undefined && hex(o.bytes, at('bytes')) > size) throw new Invalid(at('bytes'), `holds more bytes than the read's size (${size})`);
      break;
    }
    case 'frame': {
      direction(o.direction, at('direction'), false);
      offset(o.offset, at('offset'));
      const size = offset(o.size, at('size'));
      const bytes = hex(o.bytes, at('bytes'));
      if (bytes > size) throw new Invalid(at('bytes'), `holds ${bytes} bytes, more than the frame's size (${size})`);
      if (typeof o.truncated !== 'boolean') throw new Invalid(at('truncated'), 'expected true or false');
      if (!o.truncated && bytes !== size) throw new Invalid(at('bytes'), `holds ${bytes} bytes but the frame's size is ${size} and "truncated" is false`);
      for (const key of ['opcode', 'payloadLength', 'headerLength']) offset(o[key], at(key));
      for (const key of ['fin', 'masked']) if (typeof o[key] !== 'boolean') throw new Invalid(at(key), 'expected true or false');
      break;
    }
    case 'fault':
      direction(o.direction, at('direction'), true);
      for (const key of ['rule', 'rfc', 'message']) str(o[key], at(key));
      for (const key of ['closeCode', 'offset', 'length', 'frameOffset']) offset(o[key], at(key));
      hex(o.bytes, at('bytes'));
      break;
    case 'finding':
      direction(o.direction, at('direction'), false);
      for (const key of ['rule', 'rfc', 'message']) str(o[key], at(key));
      if (o.level !== 'fault' && o.level !== 'warning' && o.level !== 'info') throw new Invalid(at('level'), 'expected "fault", "warning" or "info"');
      for (const key of ['offset', 'length']) offset(o[key], at(key));
      break;
    case 'closed':
      int(o.code, at('code'));
      str(o.reason, at('reason'));
      if (typeof o.wasClean !== 'boolean') throw new Invalid(at('wasClean'), 'expected true or false');
      if (o.initiator !== null && o.initiator !== 'client' && o.initiator !== 'server') throw new Invalid(at('initiator'), 'expected "client", "server" or null');
      break;
    case 'socket-error':
      str(o.message, at('message'));
      break;
    case 'dropped':
      offset(o.count, at('count'));
      break;
    default:
      if (typeof o.type !== 'string') throw new Invalid(at('type'), 'every event needs a "type" (read, frame, fault, finding, closed, socket-error, dropped)');
      return null;
  }
  return o as unknown as CaptureEvent;
}

/** "in" (the client's bytes) or "out" (the server's, or a proxied target's); `optional`: may be left out (then "in"). */
function direction(v: unknown, path: JsonPath, optional: boolean): void {
  if (optional && v === undefined) return;
  if (v !== 'in' && v !== 'out') throw new Invalid(path, `expected "in" or "out", not ${describe(v)}`);
}

function object(v: unknown, path: JsonPath): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(path, `expected an object, not ${describe(v)}`);
  return v as Json;
}

function array(v: unknown, path: JsonPath): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(path, `expected an array, not ${describe(v)}`);
  return v;
}

function str(v: unknown, path: JsonPath): string {
  if (typeof v !== 'string') throw new Invalid(path, `expected a string, not ${describe(v)}`);
  return v;
}

function num(v: unknown, path: JsonPath): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(path, `expected a number, not ${describe(v)}`);
  return v;
}

function int(v: unknown, path: JsonPath): number {
  if (!Number.isSafeInteger(v)) throw new Invalid(path, `expected a whole number, not ${describe(v)}`);
  return v as number;
}

function offset(v: unknown, path: JsonPath): number {
  const n = int(v, path);
  if (n < 0) throw new Invalid(path, `expected a number of 0 or more, not ${n}`);
  return n;
}

/** Hex without separators; its length in bytes. */
function hex(v: unknown, path: JsonPath): number {
  const text = str(v, path);
  if (bytesOfHex(text) === null) throw new Invalid(path, 'expected hex digits without separators, two a byte');
  return text.length / 2;
}

function optional<T>(v: unknown, path: JsonPath, check: (v: unknown, path: JsonPath) => T, fallback: T): T {
  return v === undefined || v === null ? fallback : check(v, path);
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing (it is missing)';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  const text = JSON.stringify(v);
  return `${typeof v} ${text.length > 40 ? `${text.slice(0, 40)}\u2026` : text}`;
}
