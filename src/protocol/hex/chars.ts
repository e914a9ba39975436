/** Characters as the hex reader sees them, and a growable byte buffer. */

export const CODE_0 = 0x30;
export const CODE_9 = 0x39;
export const LF = 0x0a;
export const CR = 0x0d;

export function isHexCode(c: number): boolean {
  return (c >= CODE_0 && c <= CODE_9) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

export function hexValue(c: number): number {
  if (c <= CODE_9) return c - CODE_0;
  return (c | 0x20) - 0x61 + 10;
}

/** Whitespace other than a line break (space, tab, no-break space, BOM, ...). */
export function isBlankCode(c: number): boolean {
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
export function isWordCode(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= CODE_0 && c <= CODE_9) || c === 0x5f || c === 0x24;
}

export function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

/** A character as a student can read it in a message: 'z', or U+00A0 (no-break space) for the invisible. */
export function describeChar(cp: number): string {
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

/** A growable byte buffer. */
export class ByteSink {
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
