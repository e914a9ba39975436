/**
 * The opening handshake (RFC 6455 §4): the client's HTTP/1.1 Upgrade request, the server's
 * 101 Switching Protocols response, and the `Sec-WebSocket-Accept` that proves the server read
 * the client's `Sec-WebSocket-Key`.
 *
 * Strings in, strings out: the server reads the head's bytes (`findHeadEnd` says when it has them
 * all), decodes them as latin1, and passes the text here; what `build*Response` returns is ASCII
 * (a refusal's body is UTF-8), to be written as UTF-8. SHA-1 comes from Web Crypto when the
 * platform offers it (`globalThis.crypto.subtle`), else from the small implementation below,
 * since browsers hide `crypto.subtle` from pages served over plain http from another machine.
 */

import { toHex } from './hex.ts';

/** RFC 6455 §1.3: the GUID a server appends to the client's key before hashing it. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 §4.1: the only version this codec speaks. */
export const WEBSOCKET_VERSION = '13';

// ---------------------------------------------------------------------------------------------
// Base64 (RFC 4648 §4), without Node's Buffer

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHABET_INDEX: ReadonlyMap<number, number> = new Map(Array.from(ALPHABET, (ch, i) => [ch.charCodeAt(0), i]));

/** Standard base64 with padding: base64Encode(bytes of "hello") is "aGVsbG8=". */
export function base64Encode(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const a = bytes[i]!;
    const b = bytes[i + 1];
    const c = bytes[i + 2];
    const n = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]!;
    out += b === undefined ? '=' : ALPHABET[(n >> 6) & 63]!;
    out += c === undefined ? '=' : ALPHABET[n & 63]!;
  }
  return out;
}

/**
 * Strict base64: the standard alphabet, padded to a multiple of 4 characters, no whitespace,
 * and unused bits zero (RFC 4648 §3.5), so each byte string has exactly one spelling.
 * Returns null for anything else.
 */
export function base64Decode(text: string): Uint8Array | null {
  if (text.length % 4 !== 0) return null;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((text.length / 4) * 3 - padding);
  let at = 0;
  for (let i = 0; i < text.length; i += 4) {
    const last = i + 4 === text.length;
    const sextets = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const isPad = last && j >= 4 - padding;
      const value = isPad ? 0 : ALPHABET_INDEX.get(text.charCodeAt(i + j));
      if (value === undefined) return null;
      sextets[j] = value;
    }
    const n = (sextets[0]! << 18) | (sextets[1]! << 12) | (sextets[2]! << 6) | sextets[3]!;
    // RFC 4648 §3.5: the bits left over before the padding must be zero.
    if (last && padding === 2 && (n & 0xffff) !== 0) return null;
    if (last && padding === 1 && (n & 0xff) !== 0) return null;
    out[at++] = n >> 16;
    if (at < out.length) out[at++] = (n >> 8) & 0xff;
    if (at < out.length) out[at++] = n & 0xff;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// SHA-1 and Sec-WebSocket-Accept

/**
 * SHA-1 (FIPS 180-4) in plain TypeScript, for when Web Crypto is not there (an insecure context
 * in a browser). `computeAccept` prefers `crypto.subtle.digest('SHA-1', ...)`.
 */
export function sha1(data: Uint8Array): Uint8Array {
  const blocks = Math.ceil((data.length + 9) / 64);
  const message = new Uint8Array(blocks * 64);
  message.set(data);
  message[data.length] = 0x80;
  const view = new DataView(message.buffer);
  const bits = data.length * 8;
  view.setUint32(message.length - 8, Math.floor(bits / 0x1_0000_0000));
  view.setUint32(message.length - 4, bits >>> 0);

  let h0 = 0x67452301;
  let h1 = 0xefcdab89;
  let h2 = 0x98badcfe;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0;
  const w = new Int32Array(80);
  for (let block = 0; block < message.length; block += 64) {
    for (let t = 0; t < 16; t++) w[t] = view.getInt32(block + t * 4);
    for (let t = 16; t < 80; t++) {
      const x = w[t - 3]! ^ w[t - 8]! ^ w[t - 14]! ^ w[t - 16]!;
      w[t] = (x << 1) | (x >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6;
      }
      const temp = (((a << 5) | (a >>> 27)) + f + e + k + w[t]!) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = temp;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  const digest = new Uint8Array(20);
  const out = new DataView(digest.buffer);
  [h0, h1, h2, h3, h4].forEach((h, i) => out.setInt32(i * 4, h));
  return digest;
}

async function sha1Digest(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const subtle = (globalThis as { crypto?: { subtle?: Crypto['subtle'] } }).crypto?.subtle;
  if (subtle !== undefined) return new Uint8Array(await subtle.digest('SHA-1', data));
  return sha1(data);
}

/** HTTP's optional whitespace (RFC 9110 §5.6.3): spaces and tabs, nothing else. */
function trimOws(value: string): string {
  return value.replace(/^[ \t]+|[ \t]+$/g, '');
}

/** The accept computation, step by step, for the page to show. */
export interface AcceptSteps {
  /** The key as the client sent it, without surrounding whitespace (RFC 6455 §4.2.2). */
  key: string;
  guid: string;
  /** key + GUID, the string that is hashed. */
  concatenated: string;
  /** SHA-1 of `concatenated`, 40 lowercase hex digits. */
  sha1Hex: string;
  /** base64 of the 20 SHA-1 bytes: the `Sec-WebSocket-Accept` value. */
  accept: string;
}

/**
 * RFC 6455 §4.2.2 step 5.4: "concatenate this [key] with the Globally Unique Identifier ... take
 * the SHA-1 hash of this concatenated value to obtain a 20-byte value and base64-encode" it.
 */
export async function acceptSteps(key: string): Promise<AcceptSteps> {
  // RFC 6455 §4.2.2: the key is used "minus any leading and trailing whitespace".
  const trimmed = trimOws(key);
  const concatenated = trimmed + WEBSOCKET_GUID;
  const digest = await sha1Digest(new TextEncoder().encode(concatenated));
  return { key: trimmed, guid: WEBSOCKET_GUID, concatenated, sha1Hex: toHex(digest), accept: base64Encode(digest) };
}

/** The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2). */
export async function computeAccept(key: string): Promise<string> {
  return (await acceptSteps(key)).accept;
}

/** RFC 6455 §4.1: "a randomly selected 16-byte value that has been base64-encoded", from Web Crypto. */
export function generateKey(): string {
  const nonce = new Uint8Array(16);
  globalThis.crypto.getRandomValues(nonce);
  return base64Encode(nonce);
}

// ---------------------------------------------------------------------------------------------
// The HTTP/1.1 head

export interface HttpHeader {
  /** The field name as sent (compare lowercased). */
  name: string;
  /** The value without surrounding whitespace. */
  value: string;
  /** 1-based line of the head it was on. */
  line: number;
}

interface HttpHeadCommon {
  /** "1.1", as node:http's `httpVersion`. */
  httpVersion: string;
  /** Every header line in order, names as sent. */
  headerList: HttpHeader[];
  /**
   * Lowercase name to value, like node:http's `req.headers`, except that a field sent more than
   * once keeps each value, in order, as an array (RFC 9110 §5.3: they combine as a comma list).
   */
  headers: Record<string, string | string[]>;
  /** Index in the text just after the empty line that ends the head (or text.length without one). */
  end: number;
  /** Whether the head ended with its empty line (CRLF CRLF); false when the text stopped first. */
  complete: boolean;
}

export interface HttpRequestHead extends HttpHeadCommon {
  kind: 'request';
  method: string;
  target: string;
}

export interface HttpResponseHead extends HttpHeadCommon {
  kind: 'response';
  status: number;
  /** The reason phrase, such as "Switching Protocols" (may be empty). */
  reason: string;
}

export type HttpHead = HttpRequestHead | HttpResponseHead;

export interface HttpHeadError {
  message: string;
  /** 1-based line and column, and the index in the text, of the problem. */
  line: number;
  column: number;
  index: number;
}

export type ParseHttpHeadResult = { ok: true; head: HttpHead } | { ok: false; error: HttpHeadError };

/** RFC 9110 §5.6.2: token = 1*tchar. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const HTTP_VERSION = /^HTTP\/(\d)\.(\d)$/;

/**
 * Index just after the first CR LF CR LF in `bytes` (the end of an HTTP head), or -1 if there is
 * none yet. `from` lets a caller that keeps appending resume the search: pass the previous
 * length minus 3.
 */
export function findHeadEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from); i + 3 < bytes.length; i++) {
    if (bytes[i + 3] !== 0x0a) continue; // the cheapest test first: most bytes are not LF
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a && bytes[i + 2] === 0x0d) return i + 4;
  }
  return -1;
}

/**
 * Parse an HTTP/1.1 request or response head: the start line, then header lines, each ended by
 * CR LF, up to the empty line (RFC 9112 §2.1). Text after the empty line is not read (`end` says
 * where it starts). Never throws: anything else is an error naming the line.
 *
 * Strict where RFC 9112 lets a server be: a bare LF or CR ends nothing (§2.2), a line that starts
 * with whitespace (obs-fold) is refused (§5.2), as is whitespace before a header's colon (§5.1).
 * Empty lines before the start line are skipped (§2.2).
 */
export function parseHttpHead(text: string): ParseHttpHeadResult {
  const fail = (index: number, line: number, lineStart: number, message: string): ParseHttpHeadResult => ({
    ok: false,
    error: { message, line, column: index - lineStart + 1, index },
  });

  let pos = 0;
  let lineNo = 1;
  // RFC 9112 §2.2: a server "SHOULD ignore at least one empty line (CRLF) received prior to the request-line".
  while (text.startsWith('\r\n', pos)) {
    pos += 2;
    lineNo++;
  }
  if (pos >= text.length) return fail(pos, lineNo, pos, 'the head is empty: it should start with a request line or a status line');

  let start: Omit<HttpRequestHead, keyof HttpHeadCommon> | Omit<HttpResponseHead, keyof HttpHeadCommon> | null = null;
  let httpVersion = '';
  const headerList: HttpHeader[] = [];
  let complete = false;

  while (pos < text.length) {
    // One line: up to CR LF; a CR or LF on its own is an error.
    const lineStart = pos;
    let eol = pos;
    let hasBreak = false;
    for (; eol < text.length; eol++) {
      const c = text.charCodeAt(eol);
      if (c === 0x0d && text.charCodeAt(eol + 1) === 0x0a) {
        hasBreak = true;
        break;
      }
      if (c === 0x0a) {
        return fail(eol, lineNo, lineStart, `line ${lineNo} ends with a bare LF (\\n): HTTP/1.1 lines end with CR LF (\\r\\n) (RFC 9112 §2.2)`);
      }
      if (c === 0x0d) {
        return fail(eol, lineNo, lineStart, `line ${lineNo} has a CR (\\r) that is not followed by LF (\\n): HTTP/1.1 lines end with CR LF (RFC 9112 §2.2)`);
      }
    }
    const line = text.slice(lineStart, eol);
    pos = hasBreak ? eol + 2 : eol;

    if (start === null) {
      const parsed = parseStartLine(line);
      if (typeof parsed === 'string') return fail(lineStart, lineNo, lineStart, `line ${lineNo}: ${parsed}`);
      if ('column' in parsed) return fail(lineStart + parsed.column - 1, lineNo, lineStart, `line ${lineNo}, column ${parsed.column}: ${parsed.message}`);
      ({ start, httpVersion } = parsed);
      lineNo++;
      continue;
    }

    if (line === '') {
      complete = hasBreak;
      break;
    }
    const c0 = line.charCodeAt(0);
    if (c0 === 0x20 || c0 === 0x09) {
      return fail(
        lineStart,
        lineNo,
        lineStart,
        `line ${lineNo} starts with whitespace: continuing a header on the next line (obs-fold) is not allowed (RFC 9112 §5.2)`,
      );
    }
    const colon = line.indexOf(':');
    if (colon === -1) {
      return fail(lineStart, lineNo, lineStart, `line ${lineNo} has no ':': a header line is 'Name: value'; got ${shown(line)}`);
    }
    const name = line.slice(0, colon);
    if (name === '') return fail(lineStart, lineNo, lineStart, `line ${lineNo} has no header name before its ':'`);
    if (/[ \t]$/.test(name)) {
      return fail(
        lineStart + name.search(/[ \t]+$/),
        lineNo,
        lineStart,
        `line ${lineNo}: no whitespace is allowed between the header name and its ':' (RFC 9112 §5.1)`,
      );
    }
    if (!TOKEN.test(name)) {
      const bad = Array.from(name).findIndex((ch) => !TCHAR.test(ch));
      const at = lineStart + Array.from(name).slice(0, bad).join('').length;
      return fail(at, lineNo, lineStart, `line ${lineNo}: the header name ${shown(name)} has a character that is not allowed in a name, ${describeChar(name.codePointAt(at - lineStart) ?? 0)}`);
    }
    const value = trimOws(line.slice(colon + 1));
    // RFC 9110 §5.5: field values are visible characters, spaces and tabs; controls are refused.
    const control = line.slice(colon + 1).search(/[\x00-\x08\x0a-\x1f\x7f]/);
    if (control !== -1) {
      const at = lineStart + colon + 1 + control;
      return fail(at, lineNo, lineStart, `line ${lineNo}: the value of ${name} has a control character, ${describeChar(text.charCodeAt(at))}, which HTTP does not allow (RFC 9110 §5.5)`);
    }
    headerList.push({ name, value, line: lineNo });
    lineNo++;
  }

  if (start === null) return fail(0, 1, 0, 'the head is empty');
  const headers: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const { name, value } of headerList) {
    const key = name.toLowerCase();
    const before = headers[key];
    headers[key] = before === undefined ? value : Array.isArray(before) ? [...before, value] : [before, value];
  }
  return { ok: true, head: { ...start, httpVersion, headerList, headers, end: pos, complete } as HttpHead };
}

type StartLine =
  | { start: Omit<HttpRequestHead, keyof HttpHeadCommon> | Omit<HttpResponseHead, keyof HttpHeadCommon>; httpVersion: string }
  | { column: number; message: string }
  | string;

/** A request line (RFC 9112 §3) or a status line (§4). */
function parseStartLine(line: string): StartLine {
  const expected = "an HTTP head starts with a request line such as 'GET /echo HTTP/1.1' or a status line such as 'HTTP/1.1 101 Switching Protocols'";
  if (line.startsWith('HTTP/')) {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ]
    const m = /^(HTTP\/\d\.\d) (\d{3})(?: ([^\x00-\x08\x0a-\x1f\x7f]*))?$/.exec(line);
    if (m === null) return `a status line is 'HTTP/1.1', a space, a three-digit status code, a space and a reason; got ${shown(line)}`;
    const version = HTTP_VERSION.exec(m[1]!)!;
    return {
      start: { kind: 'response', status: Number(m[2]), reason: m[3] ?? '' },
      httpVersion: `${version[1]}.${version[2]}`,
    };
  }
  const parts = line.split(' ');
  if (parts.length !== 3) {
    const first = line.codePointAt(0) ?? 0;
    if (!TCHAR.test(String.fromCodePoint(first))) return `${expected}; this line starts with ${describeChar(first)}`;
    return `${expected}, three parts one space apart; got ${parts.length === 1 ? 'one part' : `${parts.length} parts`}: ${shown(line)}`;
  }
  const [method, target, version] = parts as [string, string, string];
  if (!TOKEN.test(method)) {
    const bad = Array.from(method).findIndex((ch) => !TCHAR.test(ch));
    const column = Array.from(method).slice(0, bad).join('').length + 1;
    return { column, message: `the method ${shown(method)} has a character that is not allowed in a method name, ${describeChar(method.codePointAt(column - 1) ?? 0)}` };
  }
  if (target === '' || /[\x00-\x20\x7f]/.test(target)) {
    return { column: method.length + 2, message: `the request target ${shown(target)} must be a path such as /echo, with no spaces or control characters` };
  }
  const v = HTTP_VERSION.exec(version);
  if (v === null) {
    return { column: method.length + target.length + 3, message: `the request line must end with the HTTP version, such as HTTP/1.1; got ${shown(version)}` };
  }
  return { start: { kind: 'request', method, target }, httpVersion: `${v[1]}.${v[2]}` };
}

/** A value quoted for a message: control characters escaped, long values cut. */
function shown(value: string, max = 60): string {
  const cut = value.length > max ? `${value.slice(0, max)}\u2026` : value;
  const escaped = cut.replace(/[\x00-\x1f\x7f-\x9f'\\]/g, (ch) => {
    if (ch === "'" || ch === '\\') return `\\${ch}`;
    return `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
  });
  return `'${escaped}'`;
}

function describeChar(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  if (cp < 0x21 || (cp >= 0x7f && cp <= 0xa0)) return code;
  return `'${String.fromCodePoint(cp)}' (${code})`;
}

/** The values of a header in a node-style record: none, one, or (sent more than once) several. */
function fieldValues(headers: Record<string, string | string[] | undefined>, name: string): string[] {
  const value = headers[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

/** A header's value, a repeated header's values joined as a comma list (RFC 9110 §5.3); undefined if absent. */
export function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const values = fieldValues(headers, name.toLowerCase());
  return values.length === 0 ? undefined : values.join(', ');
}

/**
 * The elements of a comma-separated list (RFC 9110 §5.6.1), trimmed, empty ones dropped. Commas
 * inside a quoted string (an extension parameter's value) do not split.
 */
export function splitList(value: string): string[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!;
    if (quoted && ch === '\\') {
      current += ch + (value[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  out.push(current);
  return out.map(trimOws).filter((element) => element !== '');
}

function hasToken(values: string[], token: string): boolean {
  return values.some((value) => splitList(value).some((element) => element.toLowerCase() === token));
}

/** The extension name of an offer such as "permessage-deflate; client_max_window_bits". */
function extensionName(offer: string): string {
  return trimOws(offer.split(';')[0] ?? '').toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// The server's side: validate the request, build the answer

/** What `validateUpgradeRequest` reads: node:http's `req` has these, and so does a parsed request head. */
export interface UpgradeRequest {
  method: string;
  /** "1.1" (as node:http gives it) or "HTTP/1.1". */
  httpVersion: string;
  /** Lowercase names, like node:http's `req.headers`. */
  headers: Record<string, string | string[] | undefined>;
}

export type UpgradeRequestVerdict =
  | { ok: true; key: string; protocols: string[]; extensions: string[] }
  | { ok: false; status: 400 | 426; reason: string; headers?: Record<string, string> };

function refuse(reason: string): UpgradeRequestVerdict {
  return { ok: false, status: 400, reason };
}

function isHttp11OrHigher(version: string): boolean {
  const m = /^(?:HTTP\/)?(\d+)\.(\d+)$/.exec(version);
  if (m === null) return false;
  const major = Number(m[1]);
  return major > 1 || (major === 1 && Number(m[2]) >= 1);
}

/**
 * Check a client's opening handshake as RFC 6455 §4.2.1 lists it, in its order, except that the
 * version is checked before the key (so an old client hears which version to speak).
 *
 *   - a GET (else 400), HTTP/1.1 or higher (else 400), one non-empty Host (§4.1, else 400)
 *   - Upgrade naming websocket, Connection naming Upgrade, case-insensitively (else 400)
 *   - Sec-WebSocket-Version: 13; missing or anything else is 426 with Sec-WebSocket-Version: 13 (§4.4)
 *   - one Sec-WebSocket-Key that is base64 of 16 bytes (else 400)
 *   - Sec-WebSocket-Protocol, if sent: unique tokens (§4.1, else 400)
 *
 * On success, the key (trimmed), the subprotocols offered, and the extension offers in order.
 * The Origin is not checked here: that is the server's policy (§4.2.2, §10.2).
 */
export function validateUpgradeRequest(req: UpgradeRequest): UpgradeRequestVerdict {
  const { method, httpVersion, headers } = req;

  // RFC 6455 §4.2.1 item 1: "An HTTP/1.1 or higher GET request".
  if (method !== 'GET') {
    return refuse(`The opening handshake must be a GET request (RFC 6455 §4.2.1); got ${shown(method, 20)}.`);
  }
  if (!isHttp11OrHigher(httpVersion)) {
    return refuse(`The opening handshake needs HTTP/1.1 or higher (RFC 6455 §4.2.1); got HTTP/${shown(httpVersion.replace(/^HTTP\//, ''), 20).slice(1, -1)}.`);
  }

  // RFC 6455 §4.1 item 4 and §4.2.1 item 2: a Host header with the server's authority.
  const host = fieldValues(headers, 'host');
  if (host.length === 0 || trimOws(host[0]!) === '') {
    return refuse('The request has no Host header; every WebSocket handshake must send one (RFC 6455 §4.1, §4.2.1).');
  }
  if (host.length > 1) return refuse('The request has more than one Host header; it must have exactly one (RFC 9112 §3.2).');

  // RFC 6455 §4.2.1 item 3: "An |Upgrade| header field containing the value "websocket"".
  const upgrade = fieldValues(headers, 'upgrade');
  if (upgrade.length === 0) {
    return refuse("The request has no Upgrade header; a WebSocket handshake sends 'Upgrade: websocket' (RFC 6455 §4.2.1).");
  }
  if (!hasToken(upgrade, 'websocket')) {
    return refuse(`The Upgrade header must name websocket (RFC 6455 §4.2.1); got ${shown(upgrade.join(', '))}.`);
  }

  // RFC 6455 §4.2.1 item 4: "A |Connection| header field that includes the token "Upgrade"".
  const connection = fieldValues(headers, 'connection');
  if (connection.length === 0) {
    return refuse("The request has no Connection header; a WebSocket handshake sends 'Connection: Upgrade' (RFC 6455 §4.2.1).");
  }
  if (!hasToken(connection, 'upgrade')) {
    return refuse(`The Connection header must include the token Upgrade (RFC 6455 §4.2.1); got ${shown(connection.join(', '))}.`);
  }

  // RFC 6455 §4.2.1 item 6 and §4.4: a version the server does not speak gets 426 and the versions it does.
  const version = fieldValues(headers, 'sec-websocket-version');
  const upgradeRequired = { 'Sec-WebSocket-Version': WEBSOCKET_VERSION };
  if (version.length === 0) {
    return {
      ok: false,
      status: 426,
      reason: 'The request has no Sec-WebSocket-Version header; this server speaks WebSocket version 13 (RFC 6455 §4.2.1, §4.4).',
      headers: upgradeRequired,
    };
  }
  const asked = trimOws(version.join(', '));
  if (asked !== WEBSOCKET_VERSION) {
    return {
      ok: false,
      status: 426,
      reason: `This server speaks WebSocket version 13; the request asked for version ${shown(asked, 20)} (RFC 6455 §4.4).`,
      headers: upgradeRequired,
    };
  }

  // RFC 6455 §4.2.1 item 5: "a base64-encoded value that, when decoded, is 16 bytes in length".
  const keys = fieldValues(headers, 'sec-websocket-key');
  if (keys.length === 0) {
    return refuse('The request has no Sec-WebSocket-Key header; a client sends 16 random bytes in base64 (RFC 6455 §4.1, §4.2.1).');
  }
  if (keys.length > 1) return refuse(`The request has ${keys.length} Sec-WebSocket-Key headers; it must have exactly one (RFC 6455 §4.2.1).`);
  const key = trimOws(keys[0]!);
  const nonce = base64Decode(key);
  if (nonce === null || nonce.length !== 16) {
    const why =
      nonce !== null
        ? `which decodes to ${nonce.length} byte${nonce.length === 1 ? '' : 's'}`
        : /^[A-Za-z0-9+/]{22}==$/.test(key)
          ? 'whose last character carries bits that must be zero, so it is not canonical base64 (RFC 4648 §3.5)'
          : 'which is not base64';
    return refuse(`Sec-WebSocket-Key must be 16 random bytes in base64 (24 characters); got ${shown(key, 40)}, ${why} (RFC 6455 §4.2.1).`);
  }

  // RFC 6455 §4.1 item 10: subprotocols are tokens, "all ... unique strings".
  const protocols = splitList(fieldValues(headers, 'sec-websocket-protocol').join(','));
  const seen = new Set<string>();
  for (const protocol of protocols) {
    if (!TOKEN.test(protocol)) {
      return refuse(`Sec-WebSocket-Protocol lists ${shown(protocol, 40)}, which is not a token: a subprotocol name has no spaces or separators (RFC 6455 §4.1).`);
    }
    if (seen.has(protocol)) return refuse(`Sec-WebSocket-Protocol lists ${shown(protocol, 40)} twice; each subprotocol may be offered once (RFC 6455 §4.1).`);
    seen.add(protocol);
  }

  // RFC 6455 §9.1: each extension offer is a token, then optional parameters after ';'.
  const extensions = splitList(fieldValues(headers, 'sec-websocket-extensions').join(','));
  for (const offer of extensions) {
    if (!TOKEN.test(extensionName(offer))) {
      return refuse(`Sec-WebSocket-Extensions has ${shown(offer, 40)}, which does not start with an extension name (RFC 6455 §9.1).`);
    }
  }

  return { ok: true, key, protocols, extensions };
}

function checkHeaderValue(what: string, value: string): void {
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(value)) throw new TypeError(`${what} must not contain control characters (CR, LF, ...): ${JSON.stringify(value)}`);
}

/**
 * The server's 101 response head (RFC 6455 §4.2.2 step 5), CR LF line endings and the empty line
 * that ends it. `protocol` is the one subprotocol chosen from the client's list, if any;
 * `extensions` the accepted extensions, if any.
 */
export function buildUpgradeResponse(opts: { accept: string; protocol?: string | null; extensions?: string | readonly string[] }): string {
  const { accept, protocol } = opts;
  const extensions = typeof opts.extensions === 'string' ? [opts.extensions] : [...(opts.extensions ?? [])];
  checkHeaderValue('accept', accept);
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    // RFC 6455 §4.2.2 step 5.2-5.3: "Upgrade: websocket" and "Connection: Upgrade".
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
  ];
  if (protocol != null && protocol !== '') {
    checkHeaderValue('protocol', protocol);
    lines.push(`Sec-WebSocket-Protocol: ${protocol}`);
  }
  if (extensions.length > 0) {
    extensions.forEach((e) => checkHeaderValue('extensions', e));
    lines.push(`Sec-WebSocket-Extensions: ${extensions.join(', ')}`);
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}

const REASON_PHRASES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  408: 'Request Timeout',
  413: 'Content Too Large',
  414: 'URI Too Long',
  426: 'Upgrade Required',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  503: 'Service Unavailable',
  505: 'HTTP Version Not Supported',
};

/** The standard reason phrase for a status code ("Upgrade Required"), or "Error" for one not listed. */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? (status === 101 ? 'Switching Protocols' : 'Error');
}

/**
 * A complete HTTP/1.1 refusal: status line, `Connection: close`, a UTF-8 text/plain body holding
 * `reason` (and a newline), its `Content-Length` in bytes, and any extra `headers` (such as
 * `Sec-WebSocket-Version: 13` for a 426); an extra header replaces a default of the same name.
 * Write the string as UTF-8, then close the connection.
 */
export function buildRefusalResponse(status: number, reason: string, headers: Record<string, string> = {}): string {
  if (!Number.isInteger(status) || status < 400 || status > 599) {
    throw new RangeError(`buildRefusalResponse: a refusal has a 4xx or 5xx status; got ${status}`);
  }
  const body = `${reason}\n`;
  const fields = new Map<string, [string, string]>([
    ['connection', ['Connection', 'close']],
    ['content-type', ['Content-Type', 'text/plain; charset=utf-8']],
    ['content-length', ['Content-Length', String(new TextEncoder().encode(body).length)]],
  ]);
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN.test(name)) throw new TypeError(`buildRefusalResponse: ${JSON.stringify(name)} is not a header name`);
    checkHeaderValue(name, value);
    fields.set(name.toLowerCase(), [name, value]);
  }
  const lines = [`HTTP/1.1 ${status} ${reasonPhrase(status)}`, ...Array.from(fields.values(), ([name, value]) => `${name}: ${value}`)];
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

// ---------------------------------------------------------------------------------------------
// The client's side: validate the server's response

export type UpgradeResponseVerdict =
  | { ok: true; protocol: string | null; extensions: string[] }
  | { ok: false; reason: string };

/**
 * Check a server's response head as RFC 6455 §4.1 ("the client MUST validate the server's
 * response as follows") lists it: status 101; `Upgrade: websocket`; `Connection` including
 * Upgrade; the right `Sec-WebSocket-Accept` for `key`; no extension and no subprotocol that the
 * client did not offer (`opts`). Any failure means the client must fail the WebSocket connection.
 */
export async function validateUpgradeResponse(
  head: string,
  key: string,
  opts: { protocols?: readonly string[]; extensions?: readonly string[] } = {},
): Promise<UpgradeResponseVerdict> {
  const parsed = parseHttpHead(head);
  if (!parsed.ok) return { ok: false, reason: `The response is not a valid HTTP head: ${parsed.error.message}.` };
  const response = parsed.head;
  if (response.kind !== 'response') {
    return { ok: false, reason: `Expected a status line such as 'HTTP/1.1 101 Switching Protocols'; got a request (${response.method} ${shown(response.target, 40)}).` };
  }
  // RFC 6455 §4.1: "If the status code received from the server is not 101, the client handles the
  // response per HTTP procedures" - the WebSocket handshake has not happened.
  if (response.status !== 101) {
    const phrase = response.reason === '' ? '' : ` ${shown(response.reason, 40).slice(1, -1)}`;
    return { ok: false, reason: `The server answered ${response.status}${phrase} instead of 101 Switching Protocols (RFC 6455 §4.1).` };
  }
  if (!isHttp11OrHigher(response.httpVersion)) {
    return { ok: false, reason: `A 101 response must be HTTP/1.1 or higher; got HTTP/${response.httpVersion}.` };
  }
  const { headers } = response;

  // RFC 6455 §4.1 item 2: "If the response lacks an |Upgrade| header field or the |Upgrade| header
  // field contains a value that is not an ASCII case-insensitive match for the value "websocket"".
  const upgrade = fieldValues(headers, 'upgrade');
  if (upgrade.length === 0) return { ok: false, reason: 'The response has no Upgrade header; it must say Upgrade: websocket (RFC 6455 §4.1).' };
  if (upgrade.length > 1 || upgrade[0]!.toLowerCase() !== 'websocket') {
    return { ok: false, reason: `The response's Upgrade header must be websocket (RFC 6455 §4.1); got ${shown(upgrade.join(', '))}.` };
  }

  // RFC 6455 §4.1 item 3: Connection must contain "a token that is an ASCII case-insensitive match for the value "Upgrade"".
  const connection = fieldValues(headers, 'connection');
  if (connection.length === 0) return { ok: false, reason: 'The response has no Connection header; it must say Connection: Upgrade (RFC 6455 §4.1).' };
  if (!hasToken(connection, 'upgrade')) {
    return { ok: false, reason: `The response's Connection header must include Upgrade (RFC 6455 §4.1); got ${shown(connection.join(', '))}.` };
  }

  // RFC 6455 §4.1 item 4: the accept must be "the base64-encoded SHA-1 of the concatenation of the
  // |Sec-WebSocket-Key| (as a string, not base64-decoded) with the string "258EAFA5-...".
  const accepts = fieldValues(headers, 'sec-websocket-accept');
  if (accepts.length === 0) return { ok: false, reason: 'The response has no Sec-WebSocket-Accept header (RFC 6455 §4.1).' };
  if (accepts.length > 1) return { ok: false, reason: 'The response has more than one Sec-WebSocket-Accept header (RFC 6455 §4.1).' };
  const expected = await computeAccept(key);
  if (accepts[0] !== expected) {
    return {
      ok: false,
      reason:
        `Sec-WebSocket-Accept is ${shown(accepts[0]!, 40)}, but the key ${shown(trimOws(key), 40)} gives ${shown(expected)}:` +
        ` base64 of the SHA-1 of the key followed by ${WEBSOCKET_GUID} (RFC 6455 §4.1).`,
    };
  }

  // RFC 6455 §4.1 item 5: no extension "that was not present in the client's handshake".
  const offered = new Set((opts.extensions ?? []).flatMap((offer) => splitList(offer)).map(extensionName));
  const extensions = splitList(fieldValues(headers, 'sec-websocket-extensions').join(','));
  for (const extension of extensions) {
    if (!offered.has(extensionName(extension))) {
      return { ok: false, reason: `The server chose the extension ${shown(extensionName(extension), 40)}, which the client did not offer (RFC 6455 §4.1).` };
    }
  }

  // RFC 6455 §4.1 item 6: no subprotocol "that was not present in the client's handshake".
  const protocolValues = fieldValues(headers, 'sec-websocket-protocol');
  let protocol: string | null = null;
  if (protocolValues.length > 0) {
    const chosen = splitList(protocolValues.join(','));
    if (chosen.length !== 1) {
      return { ok: false, reason: `The server must choose one subprotocol; its Sec-WebSocket-Protocol says ${shown(protocolValues.join(', '))} (RFC 6455 §4.1).` };
    }
    protocol = chosen[0]!;
    if (!(opts.protocols ?? []).includes(protocol)) {
      return { ok: false, reason: `The server chose the subprotocol ${shown(protocol, 40)}, which the client did not offer (RFC 6455 §4.1).` };
    }
  }

  return { ok: true, protocol, extensions };
}
