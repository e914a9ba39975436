/**
 * Where in a JSON text a value is: for errors that name the line and column of what is wrong, not
 * only its path. The text has already been through JSON.parse, so this walker can be simple.
 */

export type JsonPath = readonly (string | number)[];

export interface Location {
  /** Index in the text of the value's first character. */
  index: number;
  /** 1-based. */
  line: number;
  column: number;
}

/** "connections[0].events[3].bytes" */
export function pathText(path: JsonPath): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out === '' ? '(the top level)' : out;
}

/** The location of the value at `path`, or of the deepest part of it that exists. */
export function locate(text: string, path: JsonPath): Location {
  let i = skipSpace(text, 0);
  for (const part of path) {
    const inner = step(text, i, part);
    if (inner === -1) break;
    i = inner;
  }
  return lineColumn(text, i);
}

export function lineColumn(text: string, index: number): Location {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { index, line, column: index - lineStart + 1 };
}

/** From the value at `i`, the index of its member `part` (a key of an object, an index of an array), or -1. */
function step(text: string, i: number, part: string | number): number {
  const open = text[i];
  if (open === '{' && typeof part === 'string') {
    i = skipSpace(text, i + 1);
    while (text[i] === '"') {
      const keyEnd = skipString(text, i);
      const key = JSON.parse(text.slice(i, keyEnd)) as string;
      i = skipSpace(text, keyEnd);
      i = skipSpace(text, i + 1); // the colon
      if (key === part) return i;
      i = skipSpace(text, skipValue(text, i));
      if (text[i] === ',') i = skipSpace(text, i + 1);
    }
    return -1;
  }
  if (open === '[' && typeof part === 'number') {
    i = skipSpace(text, i + 1);
    for (let n = 0; i < text.length && text[i] !== ']'; n++) {
      if (n === part) return i;
      i = skipSpace(text, skipValue(text, i));
      if (text[i] === ',') i = skipSpace(text, i + 1);
    }
  }
  return -1;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** Index just after the string that starts at `i`. */
function skipString(text: string, i: number): number {
  for (i++; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return i;
}

/** Index just after the value that starts at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const d = text[i];
      if (d === '"') i = skipString(text, i) - 1;
      else if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return i;
  }
  while (i < text.length && !',}] \n\r\t'.includes(text[i]!)) i++;
  return i;
}
