/**
 * What the hex reader keeps while it reads one text, shared by the readers of each notation
 * (bare.ts, escapes.ts, dump.ts, code.ts): the text and its line starts, the bytes so far, the
 * notations seen, the dump in progress, and how to tell where a problem is.
 *
 * A problem is a value: each reader returns the index where it stopped, or the `HexError` that
 * stopped it, and the caller passes the error up. Nothing here throws.
 */
import { ByteSink, CR, describeChar, hexValue, isBlankCode, isHexCode, isHighSurrogate, isWordCode, LF } from './chars.ts';
import type { HexError, HexNotice, HexProblem, HexWarning } from './types.ts';

export type Family = 'bare' | '0x' | 'escape' | 'xxd' | 'hexdump' | 'wireshark';
export type DumpKind = 'xxd' | 'hexdump' | 'wireshark';

/** What the reader remembers across the lines of one dump. */
export interface DumpContext {
  kind: DumpKind;
  /** The offset the next line should have: this line's offset plus its byte count. */
  expectedOffset: number;
  /** The bytes of the last line, for a following "*" line. */
  lastLine: Uint8Array;
  /** Index of a "*" line waiting for the next offset to say how far it repeats. */
  pendingRepeat: number | null;
}

/** A reader's answer: where it stopped (the index after what it read), or what stopped it. */
export type Read = number | HexError;

export const isError = (read: Read | HexError | null): read is HexError => typeof read === 'object' && read !== null;

export class HexText {
  readonly text: string;
  readonly n: number;
  readonly lineStarts: number[] = [0];
  readonly out = new ByteSink();
  readonly warnings: HexWarning[] = [];
  readonly families = new Set<Family>();
  /** Brackets or a declaration were seen: a 0x list is then a C (or JS) array. */
  arraySyntax = false;
  /** Line of the last bare group, and whether two bare groups ever shared a line. */
  lastBareLine = 0;
  bareShareLine = false;
  dump: DumpContext | null = null;

  constructor(text: string) {
    this.text = text;
    this.n = text.length;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) this.lineStarts.push(i + 1);
    }
  }

  // --- positions and problems ------------------------------------------------------------

  /** 1-based line of an index (a binary search: cheap enough to call for every group). */
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  locate(index: number): { line: number; column: number } {
    const line = this.lineOf(index);
    const start = this.lineStarts[line - 1]!;
    // Columns count characters (code points), as an editor does; a surrogate pair is one column.
    let column = 1;
    for (let k = start; k < index; k++) {
      const c = this.text.charCodeAt(k);
      if (c < 0xdc00 || c > 0xdfff || k === start || !isHighSurrogate(this.text.charCodeAt(k - 1))) column++;
    }
    return { line, column };
  }

  /** "line 2, column 7", for a message that refers to another place than its own. */
  where(index: number): string {
    const { line, column } = this.locate(index);
    return `line ${line}, column ${column}`;
  }

  problem(problem: HexProblem, index: number, length: number, message: string): HexError {
    return { problem, message, ...this.locate(index), index, length };
  }

  warn(notice: HexNotice, index: number, length: number, message: string): void {
    this.warnings.push({ notice, message, ...this.locate(index), index, length });
  }

  unexpected(index: number, hint = 'hex bytes are written with the digits 0-9 and a-f'): HexError {
    const cp = this.text.codePointAt(index) ?? 0;
    return this.problem('unexpected-character', index, cp > 0xffff ? 2 : 1, `unexpected character ${describeChar(cp)}: ${hint}`);
  }

  /** A group of hex digits with no partner for its last one (the error is at that digit). */
  oddGroup(start: number, end: number, shownFrom = start): HexError {
    const text = this.text;
    const last = end - 1;
    const digit = text[last]!;
    const hint = this.#hexdumpWithoutC(start, end);
    if (end - start === 1) {
      return this.problem(
        'unpaired-digit',
        last,
        1,
        `the hex digit '${digit}' has no partner: each byte is two hex digits (write 0${digit} for a byte with the value ${hexValue(text.charCodeAt(last))})${hint}`,
      );
    }
    return this.problem(
      'odd-digit-count',
      last,
      1,
      `'${text.slice(shownFrom, end)}' has an odd number of hex digits (${end - start}): each byte is two digits, so the last digit '${digit}' has no partner${hint}`,
    );
  }

  /** A hint when an odd group is the 7-digit offset of `hexdump` or `od` without -C. */
  #hexdumpWithoutC(start: number, end: number): string {
    if (end - start !== 7) return '';
    const lineStart = this.lineStarts[this.lineOf(start) - 1]!;
    if (this.text.slice(lineStart, start).trim() !== '') return '';
    return (
      '. This looks like the output of hexdump or od without -C, whose 16-bit words are byte-swapped:' +
      ' use hexdump -C or xxd instead'
    );
  }

  // --- scanning ----------------------------------------------------------------------------

  lineEnd(from: number): number {
    let k = from;
    while (k < this.n) {
      const c = this.text.charCodeAt(k);
      if (c === LF || c === CR) break;
      k++;
    }
    return k;
  }

  /** Digits from `i` while hex and before `limit`; returns the end. */
  hexRun(i: number, limit: number): number {
    let k = i;
    while (k < limit && isHexCode(this.text.charCodeAt(k))) k++;
    return k;
  }

  /** After a group of digits: a letter or '_' glued to it is a stray character, not a separator. */
  checkGroupEnd(end: number, limit: number): HexError | null {
    if (end >= limit) return null;
    const c = this.text.charCodeAt(end);
    return isWordCode(c) || (c >= 0x80 && !isBlankCode(c)) ? this.unexpected(end) : null;
  }

  pushDigits(start: number, end: number): void {
    const text = this.text;
    for (let k = start; k + 1 < end; k += 2) {
      this.out.push((hexValue(text.charCodeAt(k)) << 4) | hexValue(text.charCodeAt(k + 1)));
    }
  }
}
