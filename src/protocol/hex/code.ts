/**
 * Code around the data, skipped: a declaration up to its '=' (`unsigned char f[] =`, `const
 * frame =`), a decimal `..._len = 11;` statement (as `xxd -i` prints), a call name before '('
 * (`new Uint8Array(`, `bytes(`, `Buffer.from(`), Python's b'' prefix, // /* # comments, Node's
 * `<Buffer ...>`, and the punctuation of lists and arrays.
 */
import type { HexText, Read } from './context.ts';

/** Characters that may sit between bytes outside a dump: separators and the brackets of arrays. */
export const PUNCTUATION = new Set([',', ':', '-', ';', '(', ')', '[', ']', '<', '>', '{', '}']);

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

export class CodeSkipper {
  readonly #t: HexText;
  readonly #nextEquals: NextFinder;
  readonly #nextForbidden: NextFinder;

  constructor(t: HexText) {
    this.#t = t;
    this.#nextEquals = new NextFinder(t.text, /=/g);
    this.#nextForbidden = new NextFinder(t.text, DECLARATION_FORBIDDEN);
  }

  /** A comment at `i` (// # to the line end, /* to its close): where it ends, or -1 if none starts here. */
  comment(i: number): Read {
    const t = this.#t;
    const ch = t.text[i];
    const next = t.text[i + 1];
    if ((ch === '/' && next === '/') || ch === '#') return t.lineEnd(i);
    if (ch === '/' && next === '*') {
      const close = t.text.indexOf('*/', i + 2);
      if (close === -1) return t.problem('unclosed-comment', i, 2, 'the comment that opens here with /* is never closed with */');
      return close + 2;
    }
    return -1;
  }

  /** Node's `<Buffer` at `i`: where it ends, or -1. */
  nodeBuffer(i: number): number {
    NODE_BUFFER.lastIndex = i;
    return NODE_BUFFER.test(this.#t.text) ? NODE_BUFFER.lastIndex : -1;
  }

  /**
   * Words that surround data in code: a declaration up to its `=` (and a whole scalar statement
   * such as `unsigned int frame_len = 11;`), a call name before `(`, Python's b'' prefix.
   * Returns where the skipped text ends, or -1 when the word is not one of these.
   */
  wordNotData(i: number): number {
    const t = this.#t;
    const text = t.text;
    const equals = this.#nextEquals.find(i);
    if (equals < t.n && text[equals + 1] !== '=' && this.#nextForbidden.find(i) === equals) {
      t.arraySyntax = true;
      SCALAR_STATEMENT.lastIndex = equals + 1;
      return SCALAR_STATEMENT.test(text) ? SCALAR_STATEMENT.lastIndex : equals + 1;
    }
    CALL_NAME.lastIndex = i;
    if (CALL_NAME.test(text)) return CALL_NAME.lastIndex;
    BYTES_PREFIX.lastIndex = i;
    if (BYTES_PREFIX.test(text)) return BYTES_PREFIX.lastIndex;
    return -1;
  }
}
