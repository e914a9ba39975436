/**
 * Writing bytes as hex: `toHex`, `formatHex` (one notation each, every one read back by
 * `parseHex`) and `formatHexDump` (`hexdump -C` style).
 */
import type { HexOutputFormat } from './types.ts';

/** hexdump -C and Wireshark put at most 16 bytes on a line. */
export const DUMP_LINE_MAX = 16;

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

function pairOf(byte: number): string {
  return HEX_PAIRS[byte & 0xff]!;
}

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
