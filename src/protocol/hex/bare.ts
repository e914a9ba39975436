/**
 * Bare hex and 0x numbers: "81", "818537fa" (read in pairs within a group of digits), "0x81",
 * "0X81", "0x5" (one byte, as in C), "0x818537fa" (bytes in order).
 */
import { hexValue } from './chars.ts';
import { isError, type HexText, type Read } from './context.ts';

/** A bare group of hex digits such as 81 or 818537fa, read in pairs; no digit pairs across a blank. */
export function readBare(t: HexText, i: number, limit: number): Read {
  const end = t.hexRun(i, limit);
  const stray = t.checkGroupEnd(end, limit);
  if (stray) return stray;
  if ((end - i) % 2 !== 0) return t.oddGroup(i, end);
  t.pushDigits(i, end);
  const line = t.lineOf(i);
  if (t.families.has('bare') && line === t.lastBareLine) t.bareShareLine = true;
  t.lastBareLine = line;
  t.families.add('bare');
  return end;
}

/** 0x81, 0X81, 0x5 (one byte, as in C), 0x818537fa (bytes in order). */
export function readPrefixed(t: HexText, i: number): Read {
  const start = i + 2;
  const end = t.hexRun(start, t.n);
  if (end === start) {
    return t.problem('prefix-without-digits', i, 2, `'${t.text.slice(i, i + 2)}' must be followed by hex digits, as in 0x81`);
  }
  const stray = t.checkGroupEnd(end, t.n);
  if (isError(stray)) return stray;
  const digits = end - start;
  if (digits === 1) t.out.push(hexValue(t.text.charCodeAt(start)));
  else if (digits % 2 !== 0) return t.oddGroup(start, end, i);
  else t.pushDigits(start, end);
  t.families.add('0x');
  return end;
}
