/**
 * The HTTP/1.1 head of the opening handshake (RFC 9112): where it ends in the bytes read, and the
 * request or status line and header fields in it. Strings in (the head's bytes decoded as latin1),
 * values out; never throws.
 */
import { describeChar, shown, TCHAR, TOKEN, trimOws } from './fields.ts';

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
