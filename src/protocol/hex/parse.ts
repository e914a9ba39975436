/**
 * `parseHex`: read bytes that a student pasted in any common hex notation (they may be mixed):
 *
 *   - bare hex, with or without separators:        818537fa   81 85 37 fa   81:85:37:fa   81-85
 *   - 0x lists and C / JS / Python arrays:         0x81, 0x85   unsigned char f[] = { 0x81 };  [0x81, 0x85]
 *   - escapes, bare or in a quoted string:          \x81\x85   "\x81\x85"   b'\x81\x857\xfa'
 *   - dumps, read by their columns:                 xxd, hexdump -C, Wireshark "Copy as Hex Dump"
 *
 * Rules worth knowing:
 *   - Bare hex is read in pairs within each group of digits: "8185 37fa" is fine, "8 18 5" is an
 *     error at the first group with an odd number of digits, since no digit may pair across a space.
 *   - Every number is hex, with or without 0x: "{ 12, 13 }" is 0x12 0x13. "0x5" is one byte (as in C).
 *   - In a quoted string with backslash escapes, other printable characters stand for themselves
 *     (Python's b'\x81\x857' is 81 85 37); a quoted string with no backslash is read as hex digits.
 *   - Dumps: see dump.ts. Code around the data: see code.ts.
 *
 * A problem is a value all the way: each notation's reader returns where it stopped or the
 * `HexError` that stopped it, and `parseHex` returns `{ ok: false, error }` naming the line and
 * column. It never throws.
 */
import { readBare, readPrefixed } from './bare.ts';
import { CODE_0, CODE_9, CR, isBlankCode, isHexCode, isWordCode, LF } from './chars.ts';
import { CodeSkipper, PUNCTUATION } from './code.ts';
import { HexText, isError, type Family, type Read } from './context.ts';
import { endDump, readDumpLine } from './dump.ts';
import { readEscape, readString } from './escapes.ts';
import type { HexFormat, ParseHexResult } from './types.ts';

export function parseHex(text: string): ParseHexResult {
  try {
    return read(text);
  } catch (e) {
    // Not a problem with the input (those are values): a bug here. parseHex promises not to throw.
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { problem: 'unreadable', message: `could not read this input (${message})`, line: 1, column: 1, index: 0, length: 0 } };
  }
}

function read(text: string): ParseHexResult {
  const t = new HexText(text);
  const code = new CodeSkipper(t);
  let i = 0;
  let atLineStart = true;
  while (i < t.n) {
    if (atLineStart) {
      atLineStart = false;
      const end = readDumpLine(t, i);
      if (isError(end)) return { ok: false, error: end };
      if (end !== -1) {
        i = end;
        continue;
      }
    }
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) {
      i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
      atLineStart = true;
      continue;
    }
    if (isBlankCode(c)) {
      i++;
      continue;
    }
    // Something other than a dump line: a dump in progress ends here.
    const unfinished = endDump(t);
    if (unfinished) return { ok: false, error: unfinished };
    const next = token(t, code, i);
    if (isError(next)) return { ok: false, error: next };
    i = next;
  }
  const unfinished = endDump(t);
  if (unfinished) return { ok: false, error: unfinished };
  return { ok: true, bytes: t.out.result(), format: formatOf(t), warnings: t.warnings };
}

/** Read one token of non-dump text starting at `i` (not blank, not a line break). */
function token(t: HexText, code: CodeSkipper, i: number): Read {
  const text = t.text;
  const ch = text[i]!;
  const c = text.charCodeAt(i);
  const next = text[i + 1];

  const comment = code.comment(i);
  if (comment !== -1) return comment;
  if (ch === '<') {
    const end = code.nodeBuffer(i);
    if (end !== -1) return end;
  }
  if (PUNCTUATION.has(ch)) {
    if (ch === '{' || ch === '}') t.arraySyntax = true;
    return i + 1;
  }
  if (ch === '"' || ch === "'" || ch === '`') return readString(t, i);
  if (ch === '\\') return readEscape(t, i, t.n, false);
  if (ch === '0' && (next === 'x' || next === 'X')) return readPrefixed(t, i);
  if (c >= CODE_0 && c <= CODE_9) return readBare(t, i, t.n);
  if (isWordCode(c)) {
    const skipped = code.wordNotData(i);
    if (skipped !== -1) return skipped;
    if (isHexCode(c)) return readBare(t, i, t.n);
  }
  return t.unexpected(i);
}

/** The notation found: one family, or 'mixed', or 'empty'. */
function formatOf(t: HexText): HexFormat {
  const families = t.families;
  if (families.size === 0) return 'empty';
  if (families.size > 1) return 'mixed';
  const only = families.values().next().value as Family;
  switch (only) {
    case 'bare':
      return t.bareShareLine ? 'spaced' : 'plain';
    case '0x':
      return t.arraySyntax ? 'c-array' : '0x-list';
    case 'escape':
      return 'escaped';
    default:
      return only;
  }
}
