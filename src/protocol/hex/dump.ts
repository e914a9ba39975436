/**
 * Dumps, read by their columns: xxd ("00000000: 8185 37fa  ..7."), hexdump -C
 * ("00000000  81 85  |..|") and Wireshark's "Copy as Hex Dump" ("0000   81 85   .."). A dump line
 * is recognized by its structure (an offset column, then byte columns), and only its byte columns
 * are read: the text column is ignored whatever it holds, even text such as "cafe".
 *
 * A dump's byte columns end at a gap of two or more spaces (hexdump -C and Wireshark: except the
 * two-space gap after the 8th byte, and at most 16 bytes a line). A hexdump / Wireshark line with
 * no dump line before it must have an offset that is a multiple of 8 or a |text| column, so
 * "8185  37 fa" stays bare hex. A "*" line (repeat the line above) is expanded up to the next
 * offset. Offsets that do not follow on give a warning, never an error.
 */
import { isBlankCode, hexValue, isHexCode } from './chars.ts';
import { isError, type DumpKind, type HexText, type Read } from './context.ts';
import type { HexError } from './types.ts';
import { DUMP_LINE_MAX } from './write.ts';

/** A `*` line in a dump can stand for at most this many bytes (hexdump's "same as above"). */
const MAX_REPEAT = 16 * 1024 * 1024;

/** Width of the blank run at `k` (a tab counts as a wide gap); 0 at a line end. */
function gap(t: HexText, k: number, lineEnd: number): number {
  let width = 0;
  while (k < lineEnd) {
    const c = t.text.charCodeAt(k);
    if (!isBlankCode(c)) break;
    width += c === 0x09 ? 4 : 1;
    k++;
  }
  return width;
}

function skipBlanks(t: HexText, k: number, lineEnd: number): number {
  while (k < lineEnd && isBlankCode(t.text.charCodeAt(k))) k++;
  return k;
}

/** Is there a byte column (exactly two hex digits, then a blank or the line end) at `k`? */
function byteColumnAt(t: HexText, k: number, lineEnd: number): boolean {
  const text = t.text;
  return k + 1 < lineEnd && isHexCode(text.charCodeAt(k)) && isHexCode(text.charCodeAt(k + 1)) && (k + 2 === lineEnd || isBlankCode(text.charCodeAt(k + 2)));
}

/** Does the line end with hexdump -C's |text| column? */
function hasBarColumn(t: HexText, from: number, lineEnd: number): boolean {
  let end = lineEnd;
  while (end > from && isBlankCode(t.text.charCodeAt(end - 1))) end--;
  if (end <= from || t.text[end - 1] !== '|') return false;
  return t.text.slice(from, end - 1).indexOf(' |') !== -1;
}

/**
 * If the line at `start` is a dump line (or a "*" or a bare offset inside a dump), read it and
 * return the index of its line break; -1 when it is not one (it is read as ordinary hex).
 */
export function readDumpLine(t: HexText, start: number): Read {
  const text = t.text;
  const lineEnd = t.lineEnd(start);
  let p = skipBlanks(t, start, lineEnd);
  if (p === lineEnd) return -1;

  // hexdump's and xxd -a's "*": the line above repeats until the next offset.
  if (text[p] === '*' && t.dump !== null && skipBlanks(t, p + 1, lineEnd) === lineEnd) {
    t.dump.pendingRepeat ??= p;
    return lineEnd;
  }

  const offsetStart = p;
  p = t.hexRun(p, lineEnd);
  const offsetDigits = p - offsetStart;
  if (offsetDigits < 4 || offsetDigits > 16) return -1;
  const offset = parseInt(text.slice(offsetStart, p), 16);

  // A bare offset ends a hexdump -C dump: the total length.
  if (skipBlanks(t, p, lineEnd) === lineEnd) {
    if (t.dump === null) return -1;
    const f = followOffset(t, offset, offsetStart, offsetDigits);
    if (f) return f;
    t.dump.expectedOffset = offset;
    t.dump.lastLine = new Uint8Array(0);
    return lineEnd;
  }

  let kind: DumpKind;
  const columns: number[] = [];
  if (text[p] === ':' && p + 1 < lineEnd && isBlankCode(text.charCodeAt(p + 1))) {
    kind = 'xxd';
    const end = xxdColumns(t, skipBlanks(t, p + 1, lineEnd), lineEnd, columns);
    if (isError(end)) return end;
    if (end === -1) return -1;
  } else {
    const width = gap(t, p, lineEnd);
    const first = skipBlanks(t, p, lineEnd);
    if (width < 2 || !byteColumnAt(t, first, lineEnd)) return -1;
    // Without a dump before it or a |text| column, a first line must start at a multiple of 8,
    // so that hex typed in groups ("8185  37 fa") is not taken for an offset and bytes.
    if (t.dump === null && offset % 8 !== 0 && !hasBarColumn(t, first, lineEnd)) return -1;
    const tail = byteColumns(t, first, lineEnd, columns);
    if (isError(tail)) return tail;
    const asciiAt = skipBlanks(t, tail, lineEnd);
    if (asciiAt < lineEnd && text[asciiAt] === '|') kind = 'hexdump';
    else if (asciiAt === lineEnd && t.dump !== null && t.dump.kind !== 'xxd') kind = t.dump.kind;
    else kind = asciiAt === lineEnd && offsetDigits === 8 && width === 2 ? 'hexdump' : 'wireshark';
  }

  // Expand a pending "*" before this line's bytes, then take the line.
  if (t.dump !== null) {
    const f = followOffset(t, offset, offsetStart, offsetDigits);
    if (f) return f;
  }
  const bytes = Uint8Array.from(columns);
  t.out.pushAll(bytes);
  t.families.add(kind);
  t.dump = { kind, expectedOffset: offset + bytes.length, lastLine: bytes, pendingRepeat: null };
  return lineEnd;
}

/** xxd's groups (8185 37fa ...), each an even number of digits, one space apart. Returns where they end, -1 if none. */
function xxdColumns(t: HexText, p: number, lineEnd: number, columns: number[]): Read {
  const text = t.text;
  for (;;) {
    const start = p;
    p = t.hexRun(p, lineEnd);
    if (p === start || (p < lineEnd && !isBlankCode(text.charCodeAt(p)))) {
      if (columns.length === 0) return -1;
      return t.unexpected(p, 'an xxd line has groups of hex digits one space apart, then two spaces before its text column');
    }
    if ((p - start) % 2 !== 0) return t.oddGroup(start, p);
    for (let k = start; k < p; k += 2) columns.push((hexValue(text.charCodeAt(k)) << 4) | hexValue(text.charCodeAt(k + 1)));
    const width = gap(t, p, lineEnd);
    // The line end, or the gap of two or more spaces before the text column.
    if (width !== 1 || p + 1 === lineEnd) return p;
    p++;
  }
}

/** hexdump -C / Wireshark byte columns (81 85 ...), at most 16. Returns where they end. */
function byteColumns(t: HexText, p: number, lineEnd: number, columns: number[]): Read {
  const text = t.text;
  for (;;) {
    if (!byteColumnAt(t, p, lineEnd)) {
      const runEnd = t.hexRun(p, lineEnd);
      if (runEnd > p && (runEnd === lineEnd || isBlankCode(text.charCodeAt(runEnd)))) {
        if ((runEnd - p) % 2 !== 0) return t.oddGroup(p, runEnd);
        return t.problem(
          'dump-column-not-a-byte',
          p,
          runEnd - p,
          `'${text.slice(p, runEnd)}' is not one byte: the byte columns of a dump line hold two hex digits each, one space apart`,
        );
      }
      return t.unexpected(runEnd, 'the byte columns of a dump line hold two hex digits each, one space apart');
    }
    columns.push((hexValue(text.charCodeAt(p)) << 4) | hexValue(text.charCodeAt(p + 1)));
    p += 2;
    if (columns.length === DUMP_LINE_MAX) return p;
    const width = gap(t, p, lineEnd);
    if (width === 1 && p + 1 < lineEnd) {
      p++;
      continue;
    }
    // The extra space after the 8th byte, when another byte column follows it.
    if (width === 2 && columns.length === 8 && text.charCodeAt(p) === 0x20 && byteColumnAt(t, p + 2, lineEnd)) {
      p += 2;
      continue;
    }
    return p;
  }
}

/** Check (or, after a "*", fill up to) the offset of a dump line. */
function followOffset(t: HexText, offset: number, offsetStart: number, offsetDigits: number): HexError | null {
  const dump = t.dump;
  if (dump === null) return null;
  const shown = t.text.slice(offsetStart, offsetStart + offsetDigits);
  if (dump.pendingRepeat !== null) {
    const star = dump.pendingRepeat;
    dump.pendingRepeat = null;
    const missing = offset - dump.expectedOffset;
    const line = dump.lastLine;
    if (missing <= 0 || line.length === 0) {
      t.warn('repeat-of-nothing', star, 1, `the '*' repeats nothing: the next offset (${shown}) leaves no gap to fill`);
      return null;
    }
    if (missing > MAX_REPEAT) {
      return t.problem(
        'repeat-too-long',
        star,
        1,
        `the '*' would repeat the line above ${missing} bytes' worth, up to offset ${shown}; this page takes at most ${MAX_REPEAT} bytes from one '*'`,
      );
    }
    if (missing % line.length !== 0) {
      t.warn('repeat-cut-short', offsetStart, offsetDigits, `offset ${shown} does not fall a whole number of lines after the '*' (${t.where(star)}); the repeat was cut short`);
    }
    for (let k = 0; k < missing; k++) t.out.push(line[k % line.length]!);
    return null;
  }
  if (offset !== dump.expectedOffset && offset !== 0) {
    const expected = dump.expectedOffset.toString(16).padStart(offsetDigits, '0');
    t.warn('offset-does-not-follow', offsetStart, offsetDigits, `the offset ${shown} should be ${expected} after the line above: a line may be missing or repeated`);
  }
  return null;
}

/** The dump in progress ends (another kind of line, or the end of the text). */
export function endDump(t: HexText): HexError | null {
  const star = t.dump?.pendingRepeat;
  t.dump = null;
  if (star === undefined || star === null) return null;
  return t.problem('repeat-without-offset', star, 1, `the '*' means "the line above repeats", but no offset follows it to say how far`);
}
