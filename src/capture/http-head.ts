/**
 * HTTP heads as a capture holds them: found and read leniently (a student's server may end its
 * lines with a bare LF, and the browser may have accepted it), while the codec's strict parser
 * (`parseHttpHead`, RFC 9112) says what, if anything, was wrong with them.
 */
import { parseHttpHead } from '../protocol/index.ts';

/** A head longer than this is not one (servers refuse far less: 8 to 16 KiB). */
export const MAX_HEAD = 64 * 1024;

/**
 * Index just after the empty line ending a head (CR LF CR LF, or bare LFs), or -1 when none yet.
 * `from`: where to resume the search after more bytes came (two before the old end).
 */
export function findHeadEnd(bytes: Uint8Array, from = 0): number {
  for (let i = from; i < bytes.length; i++) {
    if (bytes[i] !== 0x0a) continue;
    if (bytes[i + 1] === 0x0a) return i + 2;
    if (bytes[i + 1] === 0x0d && bytes[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

/** Does this start look like an HTTP request or status line (a token, then a space)? null: too short to tell. */
export function looksLikeHttp(bytes: Uint8Array): boolean | null {
  for (let i = 0; i < Math.min(bytes.length, 24); i++) {
    const c = bytes[i]!;
    if (c === 0x20) return i > 0;
    // tchar (RFC 9110 §5.6.2), and '/' for "HTTP/1.1".
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2f || c === 0x2e || c === 0x2d || c === 0x5f;
    if (!ok) return false;
  }
  return bytes.length >= 24 ? false : null;
}

export interface Head {
  /** The head as text (bytes as Latin-1), line ends as sent. */
  text: string;
  /** Request: method, target, version; response: version, status, reason. */
  startLine: string[];
  headers: { name: string; value: string }[];
  /** What the strict parser (RFC 9112) objects to, if anything. */
  strictError: string | null;
}

export function readHead(bytes: Uint8Array): Head {
  let text = '';
  for (let i = 0; i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  const lines = text.split(/\r?\n/);
  const startLine = (lines[0] ?? '').split(' ');
  const headers: Head['headers'] = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  const strict = parseHttpHead(text);
  return { text, startLine, headers, strictError: strict.ok ? null : strict.error.message };
}

/** Every value of a header (names compared without case). */
export function headerValues(head: Head, name: string): string[] {
  const lower = name.toLowerCase();
  return head.headers.filter((h) => h.name.toLowerCase() === lower).map((h) => h.value);
}

/** The first value of a header, or null. */
export function headerValue(head: Head, name: string): string | null {
  return headerValues(head, name)[0] ?? null;
}

/** Does a comma-list header hold this token (case-insensitive)? */
export function hasToken(head: Head, name: string, token: string): boolean {
  return headerValues(head, name).some((v) => v.split(',').some((t) => t.trim().toLowerCase() === token));
}
