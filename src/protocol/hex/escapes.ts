/**
 * Backslash escapes and quoted strings: \x81 outside a string; inside one ("\x81\x85", Python's
 * b'\x81\x857'), also the usual C / Python / JS escapes, and printable ASCII standing for itself.
 * A quoted string with no backslash in it is read as hex digits ("81 85").
 */
import { readBare, readPrefixed } from './bare.ts';
import { CODE_0, hexValue, isBlankCode, isHexCode } from './chars.ts';
import { isError, type HexText, type Read } from './context.ts';

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

/**
 * A backslash escape at `i`, before `limit`. Outside a string only \xHH is understood; inside a
 * string (`inString`) also the usual C / Python / JS escapes. Pushes the byte, returns the end.
 */
export function readEscape(t: HexText, i: number, limit: number, inString: boolean): Read {
  const text = t.text;
  const kind = i + 1 < limit ? text[i + 1]! : '';
  t.families.add('escape');
  if (kind === 'x' || kind === 'X') {
    if (i + 3 < limit && isHexCode(text.charCodeAt(i + 2)) && isHexCode(text.charCodeAt(i + 3))) {
      t.out.push((hexValue(text.charCodeAt(i + 2)) << 4) | hexValue(text.charCodeAt(i + 3)));
      return i + 4;
    }
    const shown = text.slice(i, i + 2 + (isHexCode(text.charCodeAt(i + 2)) && i + 2 < limit ? 1 : 0));
    return t.problem('incomplete-escape', i, shown.length, `the escape '${shown}' needs two hex digits after \\x, as in \\x81`);
  }
  if (!inString) return t.unexpected(i, 'outside a quoted string only \\x escapes such as \\x81 are understood');
  const simple = SIMPLE_ESCAPES[kind];
  if (simple !== undefined) {
    t.out.push(simple);
    return i + 2;
  }
  if (kind >= '0' && kind <= '7') {
    let k = i + 1;
    let value = 0;
    while (k < limit && k < i + 4 && text[k]! >= '0' && text[k]! <= '7') value = value * 8 + (text.charCodeAt(k++) - CODE_0);
    if (value > 0xff) return t.problem('octal-escape-too-large', i, k - i, `the octal escape '${text.slice(i, k)}' is more than a byte (0-377)`);
    t.out.push(value);
    return k;
  }
  const shown = text.slice(i, Math.min(limit, i + 2));
  return t.problem('unknown-escape', i, shown.length, `the escape '${shown}' is not understood here: write the byte as \\xHH, as in \\x81`);
}

/**
 * A quoted string on one line. With a backslash in it, it is a string literal: escapes, and
 * printable ASCII standing for itself. Without one, its contents are hex ("81 85").
 */
export function readString(t: HexText, i: number): Read {
  const text = t.text;
  const quote = text[i]!;
  let close = -1;
  let literal = false;
  for (let k = i + 1; k < t.n; k++) {
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
  if (close === -1) return t.problem('unclosed-string', i, 1, `the string that opens here with ${quote} is not closed on the same line`);
  let k = i + 1;
  while (k < close) {
    const c = text.charCodeAt(k);
    let next: Read;
    if (literal) {
      if (c === 0x5c) next = readEscape(t, k, close, true);
      else if (c >= 0x20 && c <= 0x7e) {
        t.out.push(c);
        next = k + 1;
      } else next = t.unexpected(k, 'in a string only printable ASCII stands for itself; write other bytes as \\xHH');
    } else if (isBlankCode(c) || c === 0x2c || c === 0x3a || c === 0x2d) {
      next = k + 1;
    } else if (c === CODE_0 && (text[k + 1] === 'x' || text[k + 1] === 'X')) {
      next = readPrefixed(t, k);
    } else if (isHexCode(c)) {
      next = readBare(t, k, close);
    } else {
      next = t.unexpected(k);
    }
    if (isError(next)) return next;
    k = next;
  }
  return close + 1;
}
