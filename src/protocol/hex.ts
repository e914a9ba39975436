/**
 * Hex in and out, for the decoder page and the CLI: read bytes that a student pasted in any common
 * hex notation, and write bytes back in each of those notations.
 *
 * Read (`parseHex`):
 *   - bare hex, with or without separators:        818537fa   81 85 37 fa   81:85:37:fa   81-85
 *   - 0x lists and C / JS / Python arrays:         0x81, 0x85   unsigned char f[] = { 0x81 };  [0x81, 0x85]
 *   - escapes, bare or in a quoted string:          \x81\x85   "\x81\x85"   b'\x81\x857\xfa'
 *   - dumps, read by their columns:                 xxd, hexdump -C, Wireshark "Copy as Hex Dump"
 *
 * A dump line is recognized by its structure (an offset column, then byte columns), and only its
 * byte columns are read: the ASCII column is ignored whatever it holds, even text such as "cafe".
 * Failure is a value that names the line and column (and the string index, for marking the spot);
 * `parseHex` never throws.
 *
 * Write: `toHex`, `formatHex` (one function per notation above, each read back by `parseHex`) and
 * `formatHexDump` (`hexdump -C` style).
 */

/** The notations `formatHex` writes. */
export type HexOutputFormat = 'plain' | 'spaced' | '0x-list' | 'c-array' | 'escaped' | 'hexdump';

/** The notation `parseHex` found: one of the above, a dump kind, several at once, or nothing. */
export type HexFormat = HexOutputFormat | 'xxd' | 'wireshark' | 'mixed' | 'empty';

/** Where and what: 1-based line and column (in characters), and the string index and length for a UI. */
export interface HexError {
  message: string;
  line: number;
  column: number;
  /** Index in the parsed string (UTF-16 code units) of the first character at fault. */
  index: number;
  /** How many code units from `index` are at fault (at least 1, except at the end of the text). */
  length: number;
}

/** Something worth showing that did not stop the parse, such as a dump offset that does not follow on. */
export type HexWarning = HexError;

export type ParseHexResult =
  | { ok: true; bytes: Uint8Array; format: HexFormat; warnings: HexWarning[] }
  | { ok: false; error: HexError };

/** The formats `formatHex` offers, in the order a "every hex format" view would list them. */
export const HEX_OUTPUT_FORMATS: readonly HexOutputFormat[] = ['spaced', 'plain', '0x-list', 'c-array', 'escaped', 'hexdump'];

/** A `*` line in a dump can stand for at most this many bytes (hexdump's "same as above"). */
const MAX_REPEAT = 16 * 1024 * 1024;
/** hexdump -C and Wireshark put at most 16 bytes on a line; anything after the 16th is the ASCII column. */
const DUMP_LINE_MAX = 16;

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function pairOf(byte: number): string {
  return HEX_PAIRS[byte & 0xff]!;
}

// ---------------------------------------------------------------------------------------------
// Writing

/** Lowercase hex, two digits a byte, `sep` between bytes: toHex([0x81, 0x85], ' ') is "81 85". */
export function toHex(bytes: Uint8Array, sep = ''): string {
  const parts = new Array<string>(bytes.length);
  for (let i = 0; i < bytes.length; i++) parts[i] = pairOf(bytes[i]!);
  return parts.join(sep);
}

/**
 * A dump in the style of `hexdump -C`:
 *
 *   00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58                 |..7.!=..MQX|
 *
 * `offset` is added to the offset column (for a slice of a longer stream); `width` (1-16, default 16)
 * is the number of bytes a line, with the extra space after the 8th as hexdump puts it. Printable
 * ASCII (0x20-0x7e) shows as itself in the right-hand column, anything else as '.'. Lines end with
 * "\n", with none after the last; no bytes give "".
 */
export function formatHexDump(bytes: Uint8Array, opts: { offset?: number; width?: number } = {}): string {
  const width = opts.width ?? 16;
  const offset = opts.offset ?? 0;
  if (!Number.isInteger(width) || width < 1 || width > DUMP_LINE_MAX) {
    throw new RangeError(`formatHexDump: width must be an integer from 1 to ${DUMP_LINE_MAX}; got ${width}`);
  }
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new RangeError(`formatHexDump: offset must be a non-negative integer; got ${offset}`);
  }
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += width) {
    let columns = '';
    let text = '';
    for (let j = 0; j < width; j++) {
      const byte = bytes[start + j];
      columns += byte === undefined ? '   ' : `${pairOf(byte)} `;
      if (j === 7 && width > 8) columns += ' ';
      if (byte !== undefined) text += byte >= 0x20 && byte <= 0x7e ? String.fromCharCode(byte) : '.';
    }
    const where = (offset + start).toString(16).padStart(8, '0');
    lines.push(`${where}  ${columns} |${text}|`);
  }
  return lines.join('\n');
}

/**
 * The bytes in one notation; `parseHex` reads each back to the same bytes.
 *
 *   spaced   81 85 37 fa
 *   plain    818537fa
 *   0x-list  0x81, 0x85, 0x37, 0xfa
 *   c-array  unsigned char frame[] = {\n  0x81, 0x85, 0x37, 0xfa\n};   (12 a line, as `xxd -i`)
 *   escaped  \x81\x85\x37\xfa
 *   hexdump  see formatHexDump
 */
export function formatHex(bytes: Uint8Array, format: HexOutputFormat): string {
  switch (format) {
    case 'spaced':
      return toHex(bytes, ' ');
    case 'plain':
      return toHex(bytes);
    case '0x-list':
      return Array.from(bytes, (b) => `0x${pairOf(b)}`).join(', ');
    case 'c-array': {
      const rows: string[] = [];
      for (let start = 0; start < bytes.length; start += 12) {
        rows.push(`  ${Array.from(bytes.subarray(start, start + 12), (b) => `0x${pairOf(b)}`).join(', ')}`);
      }
      return rows.length === 0 ? 'unsigned char frame[] = {};' : `unsigned char frame[] = {\n${rows.join(',\n')}\n};`;
    }
    case 'escaped':
      return Array.from(bytes, (b) => `\\x${pairOf(b)}`).join('');
    case 'hexdump':
      return formatHexDump(bytes);
    default: {
      const never: never = format;
      throw new TypeError(`formatHex: unknown format ${String(never)}`);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Reading

/**
 * Read pasted hex in any of the notations listed at the top of this file (they may be mixed).
 * Never throws: an unreadable input gives `{ ok: false, error }` naming the line and column.
 *
 * Rules worth knowing:
 *   - Bare hex is read in pairs within each group of digits: "8185 37fa" is fine, "8 18 5" is an
 *     error at the first group with an odd number of digits, since no digit may pair across a space.
 *   - Every number is hex, with or without 0x: "{ 12, 13 }" is 0x12 0x13. "0x5" is one byte (as in C).
 *   - In a quoted string with backslash escapes, other printable characters stand for themselves
 *     (Python's b'\x81\x857' is 81 85 37); a quoted string with no backslash is read as hex digits.
 *   - Dumps: xxd ("00000000: 8185 37fa  ..7."), hexdump -C ("00000000  81 85  |..|") and Wireshark
 *     ("0000   81 85   .."). A dump's byte columns end at a gap of two or more spaces (hexdump -C
 *     and Wireshark: except the two-space gap after the 8th byte, and at most 16 bytes a line);
 *     the rest of the line is ignored. A hexdump / Wireshark line with no dump line before it must
 *     have an offset that is a multiple of 8 or a |text| column, so "8185  37 fa" stays bare hex.
 *     A "*" line (repeat the line above) is expanded up to the next offset. Offsets that do not
 *     follow on give a warning, never an error.
 *   - Code around the data is skipped: a declaration up to its '=', a decimal `..._len = 11;`
 *     statement, call names before '(' (`new Uint8Array(`), // /* # comments, Node's <Buffer ...>.
 */
export function parseHex(text: string): ParseHexResult {
  try {
    return new HexReader(text).read();
  } catch (e) {
    if (e instanceof HexReadError) return { ok: false, error: e.error };
    // Not expected; parseHex promises never to throw, so say so instead.
    const message = e instanceof Error ? e.message : String(e);
    return { ok: false, error: { message: `could not read this input (${message})`, line: 1, column: 1, index: 0, length: 0 } };
  }
}

class HexReadError extends Error {
  constructor(readonly error: HexError) {
    super(error.message);
  }
}

/** A growable byte buffer. */
class ByteSink {
  #buf = new Uint8Array(64);
  length = 0;

  push(byte: number): void {
    if (this.length === this.#buf.length) this.#grow(1);
    this.#buf[this.length++] = byte;
  }

  pushAll(bytes: ArrayLike<number>): void {
    if (this.length + bytes.length > this.#buf.length) this.#grow(bytes.length);
    for (let i = 0; i < bytes.length; i++) this.#buf[this.length++] = bytes[i]!;
  }

  #grow(extra: number): void {
    const next = new Uint8Array(Math.max(this.#buf.length * 2, this.length + extra));
    next.set(this.#buf.subarray(0, this.length));
    this.#buf = next;
  }

  result(): Uint8Array {
    return this.#buf.slice(0, this.length);
  }
}

type Family = 'bare' | '0x' | 'escape' | 'xxd' | 'hexdump' | 'wireshark';
type DumpKind = 'xxd' | 'hexdump' | 'wireshark';

/** What the reader remembers across the lines of one dump. */
interface DumpContext {
  kind: DumpKind;
  /** The offset the next line should have: this line's offset plus its byte count. */
  expectedOffset: number;
  /** The bytes of the last line, for a following "*" line. */
  lastLine: Uint8Array;
  /** Index of a "*" line waiting for the next offset to say how far it repeats. */
  pendingRepeat: number | null;
}

const CODE_0 = 0x30;
const CODE_9 = 0x39;
const LF = 0x0a;
const CR = 0x0d;

function isHexCode(c: number): boolean {
  return (c >= CODE_0 && c <= CODE_9) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

function hexValue(c: number): number {
  if (c <= CODE_9) return c - CODE_0;
  return (c | 0x20) - 0x61 + 10;
}

/** Whitespace other than a line break (space, tab, no-break space, BOM, ...). */
function isBlankCode(c: number): boolean {
  if (c === 0x20 || c === 0x09) return true;
  if (c < 0x80) return c === 0x0b || c === 0x0c;
  return (
    c === 0xa0 ||
    c === 0xfeff ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000
  );
}

/** A character that continues a word: a letter, a digit, '_' or '$'. */
function isWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= CODE_0 && c <= CODE_9) || c === 0x5f || c === 0x24;
}

/** Characters that may sit between bytes outside a dump: separators and the brackets of arrays. */
const PUNCTUATION = new Set([',', ':', '-', ';', '(', ')', '[', ']', '<', '>', '{', '}']);

/** `char name[] =`, `const frame =`, `frame =`: a declaration before the data (no `==`). */
const DECLARATION_FORBIDDEN = /[;{}"'`\\/#=\r\n]/g;
/** `unsigned int frame_len = 11;` after a declaration: a decimal length, not data (as `xxd -i` prints). */
const SCALAR_STATEMENT = /[^\S\r\n]*[0-9]+[uUlL]*[^\S\r\n]*;/y;
/** `new Uint8Array(`, `bytes(`, `Buffer.from(`: a call around the data. */
const CALL_NAME = /(?:new[^\S\r\n]+)?[A-Za-z_$][\w$]*(?:[^\S\r\n]*\.[^\S\r\n]*[A-Za-z_$][\w$]*)*[^\S\r\n]*(?=\()/y;
/** Python's bytes prefix: b'...' */
const BYTES_PREFIX = /[bB](?=["'])/y;
/** Node's `<Buffer 81 85>` */
const NODE_BUFFER = /<Buffer\b/y;

/** Finds the next match of a global regex at or after a position, remembering the answer. */
class NextFinder {
  #from = -1;
  #found = -1;

  constructor(
    readonly text: string,
    readonly re: RegExp,
  ) {}

  /** Index of the next match at or after `from`, or text.length if none. Calls should not go backwards much. */
  find(from: number): number {
    if (this.#from !== -1 && from >= this.#from && from <= this.#found) return this.#found;
    this.re.lastIndex = from;
    const m = this.re.exec(this.text);
    this.#from = from;
    this.#found = m === null ? this.text.length : m.index;
    return this.#found;
  }
}

class HexReader {
  readonly #text: string;
  readonly #n: number;
  readonly #lineStarts: number[] = [0];
  readonly #out = new ByteSink();
  readonly #warnings: HexWarning[] = [];
  readonly #families = new Set<Family>();
  /** Brackets or a declaration were seen: a 0x list is then a C (or JS) array. */
  #arraySyntax = false;
  /** Line of the last bare group, and whether two bare groups ever shared a line. */
  #lastBareLine = 0;
  #bareShareLine = false;
  #dump: DumpContext | null = null;
  readonly #nextEquals: NextFinder;
  readonly #nextForbidden: NextFinder;

  constructor(text: string) {
    this.#text = text;
    this.#n = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) this.#lineStarts.push(i + 1);
    }
    this.#nextEquals = new NextFinder(text, /=/g);
    this.#nextForbidden = new NextFinder(text, DECLARATION_FORBIDDEN);
  }

  read(): ParseHexResult {
    const text = this.#text;
    let i = 0;
    let atLineStart = true;
    while (i < this.#n) {
      if (atLineStart) {
        atLineStart = false;
        const end = this.#dumpLine(i);
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
      this.#endDump();
      i = this.#token(i);
    }
    this.#endDump();
    return { ok: true, bytes: this.#out.result(), format: this.#format(), warnings: this.#warnings };
  }

  // --- positions and messages ---------------------------------------------------------------

  /** 1-based line of an index (a binary search: cheap enough to call for every group). */
  #lineOf(index: number): number {
    let lo = 0;
    let hi = this.#lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.#lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  #locate(index: number): { line: number; column: number } {
    const line = this.#lineOf(index);
    const start = this.#lineStarts[line - 1]!;
    // Columns count characters (code points), as an editor does; a surrogate pair is one column.
    let column = 1;
    for (let k = start; k < index; k++) {
      const c = this.#text.charCodeAt(k);
      if (c < 0xdc00 || c > 0xdfff || k === start || !isHighSurrogate(this.#text.charCodeAt(k - 1))) column++;
    }
    return { line, column };
  }

  #where(index: number): string {
    const { line, column } = this.#locate(index);
    return `line ${line}, column ${column}`;
  }

  #problem(index: number, length: number, message: string): HexError {
    const { line, column } = this.#locate(index);
    return { message, line, column, index, length };
  }

  #fail(index: number, length: number, message: string): never {
    throw new HexReadError(this.#problem(index, length, message));
  }

  #warn(index: number, length: number, message: string): void {
    this.#warnings.push(this.#problem(index, length, message));
  }

  #lineEnd(from: number): number {
    let k = from;
    while (k < this.#n) {
      const c = this.#text.charCodeAt(k);
      if (c === LF || c === CR) break;
      k++;
    }
    return k;
  }

  #unexpected(index: number, hint = 'hex bytes are written with the digits 0-9 and a-f'): never {
    const cp = this.#text.codePointAt(index) ?? 0;
    const length = cp > 0xffff ? 2 : 1;
    this.#fail(index, length, `unexpected character ${describeChar(cp)} at ${this.#where(index)}: ${hint}`);
  }

  // --- bare hex, 0x, escapes ----------------------------------------------------------------

  /** Read one token of non-dump text starting at `i` (not blank, not a line break); return where it ends. */
  #token(i: number): number {
    const text = this.#text;
    const ch = text[i]!;
    const c = text.charCodeAt(i);
    const next = text[i + 1];

    if (ch === '/' && next === '/') return this.#lineEnd(i);
    if (ch === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) this.#fail(i, 2, `the comment that opens at ${this.#where(i)} with /* is never closed with */`);
      return close + 2;
    }
    if (ch === '#') return this.#lineEnd(i);
    if (ch === '<') {
      NODE_BUFFER.lastIndex = i;
      if (NODE_BUFFER.test(text)) return NODE_BUFFER.lastIndex;
    }
    if (PUNCTUATION.has(ch)) {
      if (ch === '{' || ch === '}') this.#arraySyntax = true;
      return i + 1;
    }
    if (ch === '"' || ch === "'" || ch === '`') return this.#string(i);
    if (ch === '\\') return this.#escape(i, this.#n, false);
    if (ch === '0' && (next === 'x' || next === 'X')) return this.#prefixed(i);
    if (c >= CODE_0 && c <= CODE_9) return this.#bare(i, this.#n);
    if (isWordCode(c)) {
      const skipped = this.#wordNotData(i);
      if (skipped !== -1) return skipped;
      if (isHexCode(c)) return this.#bare(i, this.#n);
    }
    this.#unexpected(i);
  }

  /**
   * Words that surround data in code: a declaration up to its `=` (and a whole scalar statement
   * such as `unsigned int frame_len = 11;`), a call name before `(`, Python's b'' prefix.
   * Returns where the skipped text ends, or -1 when the word is not one of these.
   */
  #wordNotData(i: number): number {
    const text = this.#text;
    const equals = this.#nextEquals.find(i);
    if (equals < this.#n && text[equals + 1] !== '=' && this.#nextForbidden.find(i) === equals) {
      this.#arraySyntax = true;
      SCALAR_STATEMENT.lastIndex = equals + 1;
      return SCALAR_STATEMENT.test(text) ? SCALAR_STATEMENT.lastIndex : equals + 1;
    }
    CALL_NAME.lastIndex = i;
    if (CALL_NAME.test(text)) return CALL_NAME.lastIndex;
    BYTES_PREFIX.lastIndex = i;
    if (BYTES_PREFIX.test(text)) return BYTES_PREFIX.lastIndex;
    return -1;
  }

  /** Digits from `i` while hex and before `limit`; returns the end. */
  #hexRun(i: number, limit: number): number {
    let k = i;
    while (k < limit && isHexCode(this.#text.charCodeAt(k))) k++;
    return k;
  }

  /** After a group of digits: a letter or '_' glued to it is a stray character, not a separator. */
  #checkGroupEnd(end: number, limit: number): void {
    if (end >= limit) return;
    const c = this.#text.charCodeAt(end);
    if (isWordCode(c) || (c >= 0x80 && !isBlankCode(c))) this.#unexpected(end);
  }

  #pushDigits(start: number, end: number): void {
    const text = this.#text;
    for (let k = start; k + 1 < end; k += 2) {
      this.#out.push((hexValue(text.charCodeAt(k)) << 4) | hexValue(text.charCodeAt(k + 1)));
    }
  }

  #oddGroup(start: number, end: number, shownFrom = start): never {
    const text = this.#text;
    const group = text.slice(shownFrom, end);
    const last = end - 1;
    const hint = this.#hexdumpWithoutC(start, end);
    if (end - start === 1) {
      this.#fail(
        last,
        1,
        `the hex digit '${text[last]}' at ${this.#where(last)} has no partner: each byte is two hex digits` +
          ` (write 0${text[last]} for a byte with the value ${hexValue(text.charCodeAt(last))})${hint}`,
      );
    }
    this.#fail(
      last,
      1,
      `'${group}' at ${this.#where(shownFrom)} has an odd number of hex digits (${end - start}): each byte is two` +
        ` digits, so the last digit '${text[last]}' (${this.#where(last)}) has no partner${hint}`,
    );
  }

  /** A hint when an odd group is the 7-digit offset of `hexdump` or `od` without -C. */
  #hexdumpWithoutC(start: number, end: number): string {
    if (end - start !== 7) return '';
    const lineStart = this.#lineStarts[this.#lineOf(start) - 1]!;
    if (this.#text.slice(lineStart, start).trim() !== '') return '';
    return (
      '. This looks like the output of hexdump or od without -C, whose 16-bit words are byte-swapped:' +
      ' use hexdump -C or xxd instead'
    );
  }

  /** A bare group of hex digits such as 81 or 818537fa, read in pairs. */
  #bare(i: number, limit: number): number {
    const end = this.#hexRun(i, limit);
    this.#checkGroupEnd(end, limit);
    if ((end - i) % 2 !== 0) this.#oddGroup(i, end);
    this.#pushDigits(i, end);
    const line = this.#lineOf(i);
    if (this.#families.has('bare') && line === this.#lastBareLine) this.#bareShareLine = true;
    this.#lastBareLine = line;
    this.#families.add('bare');
    return end;
  }

  /** 0x81, 0X81, 0x5 (one byte, as in C), 0x818537fa (bytes in order). */
  #prefixed(i: number): number {
    const start = i + 2;
    const end = this.#hexRun(start, this.#n);
    if (end === start) {
      this.#fail(i, 2, `'${this.#text.slice(i, i + 2)}' at ${this.#where(i)} must be followed by hex digits, as in 0x81`);
    }
    this.#checkGroupEnd(end, this.#n);
    const digits = end - start;
    if (digits === 1) this.#out.push(hexValue(this.#text.charCodeAt(start)));
    else if (digits % 2 !== 0) this.#oddGroup(start, end, i);
    else this.#pushDigits(start, end);
    this.#families.add('0x');
    return end;
  }

  /**
   * A backslash escape at `i`, before `limit`. Outside a string only \xHH is understood; inside a
   * string (`inString`) also the usual C / Python / JS escapes. Pushes the byte, returns the end.
   */
  #escape(i: number, limit: number, inString: boolean): number {
    const text = this.#text;
    const kind = i + 1 < limit ? text[i + 1]! : '';
    this.#families.add('escape');
    if (kind === 'x' || kind === 'X') {
      if (i + 3 < limit && isHexCode(text.charCodeAt(i + 2)) && isHexCode(text.charCodeAt(i + 3))) {
        this.#out.push((hexValue(text.charCodeAt(i + 2)) << 4) | hexValue(text.charCodeAt(i + 3)));
        return i + 4;
      }
      const shown = text.slice(i, i + 2 + (isHexCode(text.charCodeAt(i + 2)) && i + 2 < limit ? 1 : 0));
      this.#fail(i, shown.length, `the escape '${shown}' at ${this.#where(i)} needs two hex digits after \\x, as in \\x81`);
    }
    if (!inString) {
      this.#unexpected(i, 'outside a quoted string only \\x escapes such as \\x81 are understood');
    }
    const simple = SIMPLE_ESCAPES[kind];
    if (simple !== undefined) {
      this.#out.push(simple);
      return i + 2;
    }
    if (kind >= '0' && kind <= '7') {
      let k = i + 1;
      let value = 0;
      while (k < limit && k < i + 4 && text[k]! >= '0' && text[k]! <= '7') value = value * 8 + (text.charCodeAt(k++) - CODE_0);
      if (value > 0xff) this.#fail(i, k - i, `the octal escape '${text.slice(i, k)}' at ${this.#where(i)} is more than a byte (0-377)`);
      this.#out.push(value);
      return k;
    }
    const shown = text.slice(i, Math.min(limit, i + 2));
    this.#fail(i, shown.length, `the escape '${shown}' at ${this.#where(i)} is not understood here: write the byte as \\xHH, as in \\x81`);
  }

  /**
   * A quoted string on one line. With a backslash in it, it is a string literal: escapes, and
   * printable ASCII standing for itself. Without one, its contents are hex ("81 85").
   */
  #string(i: number): number {
    const text = this.#text;
    const quote = text[i]!;
    let close = -1;
    let literal = false;
    for (let k = i + 1; k < this.#n; k++) {
      const ch = text[k];
      if (ch === '\n' || ch === '\r') break;
      if (ch === '\\') {
        literal = true;
        if (text[k + 1] !== '\n' && text[k + 1] !== '\r') k++;
      } else if (ch === quote) {
        close = k;
        break;
      }
    }
    if (close === -1) {
      this.#fail(i, 1, `the string that opens at ${this.#where(i)} with ${quote} is not closed on the same line`);
    }
    let k = i + 1;
    while (k < close) {
      const c = text.charCodeAt(k);
      if (literal) {
        if (c === 0x5c) {
          k = this.#escape(k, close, true);
        } else if (c >= 0x20 && c <= 0x7e) {
          this.#out.push(c);
          k++;
        } else {
          this.#unexpected(k, 'in a string only printable ASCII stands for itself; write other bytes as \\xHH');
        }
      } else if (isBlankCode(c) || c === 0x2c || c === 0x3a || c === 0x2d) {
        k++;
      } else if (c === CODE_0 && (text[k + 1] === 'x' || text[k + 1] === 'X')) {
        k = this.#prefixed(k);
      } else if (isHexCode(c)) {
        k = this.#bare(k, close);
      } else {
        this.#unexpected(k);
      }
    }
    return close + 1;
  }

  // --- dumps ----------------------------------------------------------------------------------

  /** Width of the blank run at `k` (a tab counts as a wide gap); 0 at a line end. */
  #gap(k: number, lineEnd: number): number {
    let width = 0;
    while (k < lineEnd) {
      const c = this.#text.charCodeAt(k);
      if (!isBlankCode(c)) break;
      width += c === 0x09 ? 4 : 1;
      k++;
    }
    return width;
  }

  #skipBlanks(k: number, lineEnd: number): number {
    while (k < lineEnd && isBlankCode(this.#text.charCodeAt(k))) k++;
    return k;
  }

  /** Is there a byte column (exactly two hex digits, then a blank or the line end) at `k`? */
  #byteColumnAt(k: number, lineEnd: number): boolean {
    const text = this.#text;
    return (
      k + 1 < lineEnd &&
      isHexCode(text.charCodeAt(k)) &&
      isHexCode(text.charCodeAt(k + 1)) &&
      (k + 2 === lineEnd || isBlankCode(text.charCodeAt(k + 2)))
    );
  }

  /**
   * If the line at `start` is a dump line (or a "*" or a bare offset inside a dump), read it and
   * return the index of its line break; otherwise -1 and the line is read as ordinary hex.
   */
  #dumpLine(start: number): number {
    const text = this.#text;
    const lineEnd = this.#lineEnd(start);
    let p = this.#skipBlanks(start, lineEnd);
    if (p === lineEnd) return -1;

    // hexdump's and xxd -a's "*": the line above repeats until the next offset.
    if (text[p] === '*' && this.#dump !== null && this.#skipBlanks(p + 1, lineEnd) === lineEnd) {
      this.#dump.pendingRepeat ??= p;
      return lineEnd;
    }

    const offsetStart = p;
    p = this.#hexRun(p, lineEnd);
    const offsetDigits = p - offsetStart;
    if (offsetDigits < 4 || offsetDigits > 16) return -1;
    const offset = parseInt(text.slice(offsetStart, p), 16);

    // A bare offset ends a hexdump -C dump: the total length.
    if (this.#skipBlanks(p, lineEnd) === lineEnd) {
      if (this.#dump === null) return -1;
      this.#followOffset(offset, offsetStart, offsetDigits);
      this.#dump.expectedOffset = offset;
      this.#dump.lastLine = new Uint8Array(0);
      return lineEnd;
    }

    let kind: DumpKind;
    const columns: number[] = [];
    if (text[p] === ':' && p + 1 < lineEnd && isBlankCode(text.charCodeAt(p + 1))) {
      kind = 'xxd';
      if (this.#xxdColumns(this.#skipBlanks(p + 1, lineEnd), lineEnd, columns) === -1) return -1;
    } else {
      const gap = this.#gap(p, lineEnd);
      const first = this.#skipBlanks(p, lineEnd);
      if (gap < 2 || !this.#byteColumnAt(first, lineEnd)) return -1;
      // Without a dump before it or a |text| column, a first line must start at a multiple of 8,
      // so that hex typed in groups ("8185  37 fa") is not taken for an offset and bytes.
      const aligned = offset % 8 === 0;
      if (this.#dump === null && !aligned && !this.#hasBarColumn(first, lineEnd)) return -1;
      const tail = this.#byteColumns(first, lineEnd, columns);
      const asciiAt = this.#skipBlanks(tail, lineEnd);
      if (asciiAt < lineEnd && text[asciiAt] === '|') kind = 'hexdump';
      else if (asciiAt === lineEnd && this.#dump !== null && this.#dump.kind !== 'xxd') kind = this.#dump.kind;
      else kind = asciiAt === lineEnd && offsetDigits === 8 && gap === 2 ? 'hexdump' : 'wireshark';
    }

    // Expand a pending "*" before this line's bytes, then take the line.
    if (this.#dump !== null) this.#followOffset(offset, offsetStart, offsetDigits);
    const bytes = Uint8Array.from(columns);
    this.#out.pushAll(bytes);
    this.#families.add(kind);
    this.#dump = { kind, expectedOffset: offset + bytes.length, lastLine: bytes, pendingRepeat: null };
    return lineEnd;
  }

  /** Does the line end with hexdump -C's |text| column? */
  #hasBarColumn(from: number, lineEnd: number): boolean {
    let end = lineEnd;
    while (end > from && isBlankCode(this.#text.charCodeAt(end - 1))) end--;
    if (end <= from || this.#text[end - 1] !== '|') return false;
    const open = this.#text.slice(from, end - 1).indexOf(' |');
    return open !== -1;
  }

  /** xxd's groups (8185 37fa ...), each an even number of digits, one space apart. Returns where they end, -1 if none. */
  #xxdColumns(p: number, lineEnd: number, columns: number[]): number {
    const text = this.#text;
    for (;;) {
      const start = p;
      p = this.#hexRun(p, lineEnd);
      if (p === start || (p < lineEnd && !isBlankCode(text.charCodeAt(p)))) {
        if (columns.length === 0) return -1;
        this.#unexpected(p, 'an xxd line has groups of hex digits one space apart, then two spaces before its text column');
      }
      if ((p - start) % 2 !== 0) this.#oddGroup(start, p);
      for (let k = start; k < p; k += 2) columns.push((hexValue(text.charCodeAt(k)) << 4) | hexValue(text.charCodeAt(k + 1)));
      const gap = this.#gap(p, lineEnd);
      // The line end, or the gap of two or more spaces before the text column.
      if (gap !== 1 || p + 1 === lineEnd) return p;
      p++;
    }
  }

  /** hexdump -C / Wireshark byte columns (81 85 ...), at most 16. Returns where they end. */
  #byteColumns(p: number, lineEnd: number, columns: number[]): number {
    const text = this.#text;
    for (;;) {
      if (!this.#byteColumnAt(p, lineEnd)) {
        const runEnd = this.#hexRun(p, lineEnd);
        if (runEnd > p && (runEnd === lineEnd || isBlankCode(text.charCodeAt(runEnd)))) {
          if ((runEnd - p) % 2 !== 0) this.#oddGroup(p, runEnd);
          this.#fail(
            p,
            runEnd - p,
            `'${text.slice(p, runEnd)}' at ${this.#where(p)} is not one byte: the byte columns of a dump line hold two hex digits each, one space apart`,
          );
        }
        this.#unexpected(runEnd, 'the byte columns of a dump line hold two hex digits each, one space apart');
      }
      columns.push((hexValue(text.charCodeAt(p)) << 4) | hexValue(text.charCodeAt(p + 1)));
      p += 2;
      if (columns.length === DUMP_LINE_MAX) return p;
      const gap = this.#gap(p, lineEnd);
      if (gap === 1 && p + 1 < lineEnd) {
        p++;
        continue;
      }
      // The extra space after the 8th byte, when another byte column follows it.
      if (gap === 2 && columns.length === 8 && text.charCodeAt(p) === 0x20 && this.#byteColumnAt(p + 2, lineEnd)) {
        p += 2;
        continue;
      }
      return p;
    }
  }

  /** Check (or, after a "*", fill up to) the offset of a dump line. */
  #followOffset(offset: number, offsetStart: number, offsetDigits: number): void {
    const dump = this.#dump;
    if (dump === null) return;
    const shown = this.#text.slice(offsetStart, offsetStart + offsetDigits);
    if (dump.pendingRepeat !== null) {
      const star = dump.pendingRepeat;
      dump.pendingRepeat = null;
      const missing = offset - dump.expectedOffset;
      const line = dump.lastLine;
      if (missing <= 0 || line.length === 0) {
        this.#warn(star, 1, `the '*' at ${this.#where(star)} repeats nothing: the next offset (${shown}) leaves no gap to fill`);
        return;
      }
      if (missing > MAX_REPEAT) {
        this.#fail(
          star,
          1,
          `the '*' at ${this.#where(star)} would repeat the line above ${missing} bytes' worth, up to offset ${shown};` +
            ` this page takes at most ${MAX_REPEAT} bytes from one '*'`,
        );
      }
      if (missing % line.length !== 0) {
        this.#warn(
          offsetStart,
          offsetDigits,
          `offset ${shown} at ${this.#where(offsetStart)} does not fall a whole number of lines after the '*'; the repeat was cut short`,
        );
      }
      for (let k = 0; k < missing; k++) this.#out.push(line[k % line.length]!);
      return;
    }
    if (offset !== dump.expectedOffset && offset !== 0) {
      const expected = dump.expectedOffset.toString(16).padStart(offsetDigits, '0');
      this.#warn(
        offsetStart,
        offsetDigits,
        `the offset ${shown} at ${this.#where(offsetStart)} should be ${expected} after the line above: a line may be missing or repeated`,
      );
    }
  }

  /** The dump in progress ends (another kind of line, or the end of the text). */
  #endDump(): void {
    const star = this.#dump?.pendingRepeat;
    if (star !== undefined && star !== null) {
      this.#fail(
        star,
        1,
        `the '*' at ${this.#where(star)} means "the line above repeats", but no offset follows it to say how far`,
      );
    }
    this.#dump = null;
  }

  // --- the detected notation ----------------------------------------------------------------

  #format(): HexFormat {
    const families = this.#families;
    if (families.size === 0) return 'empty';
    if (families.size > 1) return 'mixed';
    const only = families.values().next().value as Family;
    switch (only) {
      case 'bare':
        return this.#bareShareLine ? 'spaced' : 'plain';
      case '0x':
        return this.#arraySyntax ? 'c-array' : '0x-list';
      case 'escape':
        return 'escaped';
      default:
        return only;
    }
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  v: 0x0b,
  e: 0x1b,
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  '`': 0x60,
  '?': 0x3f,
};

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** A character as a student can read it in a message: 'z', or U+00A0 (no-break space) for the invisible. */
function describeChar(cp: number): string {
  const names: Record<number, string> = {
    0x00: 'NUL',
    0x09: 'tab',
    0x20: 'space',
    0xa0: 'no-break space',
    0x200b: 'zero-width space',
    0xfeff: 'byte order mark',
  };
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = names[cp];
  if (name !== undefined) return `${code} (${name})`;
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) return code;
  return `'${String.fromCodePoint(cp)}'`;
}
