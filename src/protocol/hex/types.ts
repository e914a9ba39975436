/** The values `parseHex` returns and `formatHex` takes. */

/** The notations `formatHex` writes. */
export type HexOutputFormat = 'plain' | 'spaced' | '0x-list' | 'c-array' | 'escaped' | 'hexdump';

/** The notation `parseHex` found: one of the above, a dump kind, several at once, or nothing. */
export type HexFormat = HexOutputFormat | 'xxd' | 'wireshark' | 'mixed' | 'empty';

/** The formats `formatHex` offers, in the order a "every hex format" view would list them. */
export const HEX_OUTPUT_FORMATS: readonly HexOutputFormat[] = ['spaced', 'plain', '0x-list', 'c-array', 'escaped', 'hexdump'];

/** What stopped the read, as a stable id (a page that translates reads this, not `message`). */
export type HexProblem =
  | 'unexpected-character'
  | 'unpaired-digit'
  | 'odd-digit-count'
  | 'prefix-without-digits'
  | 'incomplete-escape'
  | 'unknown-escape'
  | 'octal-escape-too-large'
  | 'unclosed-comment'
  | 'unclosed-string'
  | 'dump-column-not-a-byte'
  | 'repeat-too-long'
  | 'repeat-without-offset'
  | 'unreadable';

/** What is worth saying but did not stop the read. */
export type HexNotice = 'offset-does-not-follow' | 'repeat-of-nothing' | 'repeat-cut-short';

/**
 * Where and what: 1-based line and column (in characters), the string index and length for a UI,
 * and a message that says what is wrong there. The message never names its own line and column
 * (a caller puts them in front: "line 2, column 7: ..."); it may name another place it refers to.
 */
export interface HexError {
  problem: HexProblem;
  message: string;
  line: number;
  column: number;
  /** Index in the parsed string (UTF-16 code units) of the first character at fault. */
  index: number;
  /** How many code units from `index` are at fault (at least 1, except at the end of the text). */
  length: number;
}

/** Something worth showing that did not stop the parse, such as a dump offset that does not follow on. */
export interface HexWarning extends Omit<HexError, 'problem'> {
  notice: HexNotice;
}

export type ParseHexResult =
  | { ok: true; bytes: Uint8Array; format: HexFormat; warnings: HexWarning[] }
  | { ok: false; error: HexError };

/** "line 2, column 7": where an error or a warning is, for the front of its message. */
export function hexPlace(problem: { line: number; column: number }): string {
  return `line ${problem.line}, column ${problem.column}`;
}
