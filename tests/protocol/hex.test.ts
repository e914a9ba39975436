/**
 * Hex in and out: every notation a student might paste, read to the same bytes; dumps read by
 * their columns whatever their ASCII column says; errors that name the line and column; and every
 * notation we write read back (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  formatHex,
  formatHexDump,
  HEX_OUTPUT_FORMATS,
  parseHex,
  toHex,
  type HexFormat,
  type HexProblem,
  type ParseHexResult,
} from '../../src/protocol/hex';

/** RFC 6455 §5.7: a single-frame masked text message, "Hello". */
const HELLO = Uint8Array.of(0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58);
const HELLO_HEX = '818537fa213d7f9f4d5158';

/** An unmasked text frame whose payload looks like hex: the ASCII columns of its dumps do too. */
const HEXY_TEXT = 'cafe babe dead beef 0123456789 abcdef';
const HEXY_FRAME = Uint8Array.of(0x81, HEXY_TEXT.length, ...new TextEncoder().encode(HEXY_TEXT));

function bytesOf(result: ParseHexResult): string {
  if (!result.ok) throw new Error(`expected bytes, got an error: ${result.error.message}`);
  return toHex(result.bytes);
}

function errorOf(result: ParseHexResult) {
  if (result.ok) throw new Error(`expected an error, got ${toHex(result.bytes)}`);
  return result.error;
}

const lines = (...rows: string[]): string => rows.join('\n');

describe('parseHex reads every notation of the RFC 6455 §5.7 "Hello" frame', () => {
  const table: { name: string; text: string; format: HexFormat }[] = [
    { name: 'plain', text: '818537fa213d7f9f4d5158', format: 'plain' },
    { name: 'plain, uppercase', text: '818537FA213D7F9F4D5158', format: 'plain' },
    { name: 'plain, split over lines', text: '818537fa\n213d7f9f\n4d5158\n', format: 'plain' },
    { name: 'spaced', text: '81 85 37 fa 21 3d 7f 9f 4d 51 58', format: 'spaced' },
    { name: 'spaced, over CRLF lines, extra blanks', text: '  81 85 37 fa\r\n\t21 3d 7f 9f\r\n\r\n4d 51 58  \r\n', format: 'spaced' },
    { name: 'colons', text: '81:85:37:fa:21:3d:7f:9f:4d:51:58', format: 'spaced' },
    { name: 'dashes', text: '81-85-37-fa-21-3d-7f-9f-4d-51-58', format: 'spaced' },
    { name: 'groups of two bytes', text: '8185 37fa 213d 7f9f 4d51 58', format: 'spaced' },
    { name: 'no-break spaces (pasted from a web page)', text: '81\u00a085\u00a037\u00a0fa 21 3d 7f 9f 4d 51 58', format: 'spaced' },
    { name: 'a byte order mark first', text: '\ufeff81 85 37 fa 21 3d 7f 9f 4d 51 58', format: 'spaced' },
    { name: "Node's <Buffer ...>", text: '<Buffer 81 85 37 fa 21 3d 7f 9f 4d 51 58>', format: 'spaced' },
    { name: 'a quoted hex string', text: '"818537fa213d7f9f4d5158"', format: 'plain' },
    { name: '0x list with commas', text: '0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58', format: '0x-list' },
    { name: '0x list without commas, 0X', text: '0X81 0x85 0x37 0XFA 0x21 0x3d 0x7f 0x9f 0x4d 0x51 0x58', format: '0x-list' },
    { name: 'JS / Python list', text: '[0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]', format: '0x-list' },
    {
      name: 'C array with comments',
      text: lines(
        '// RFC 6455 §5.7: a masked "Hello" (cafe babe)',
        'static const unsigned char frame[11] = {',
        '  0x81, 0x85,             /* FIN + text, MASK + length 5 */',
        '  0x37, 0xfa, 0x21, 0x3d, // masking key: dead beef',
        '  0x7f, 0x9f, 0x4d, 0x51, 0x58',
        '};',
      ),
      format: 'c-array',
    },
    { name: 'C array on one line', text: 'unsigned char buf[] = { 0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58 };', format: 'c-array' },
    {
      name: 'xxd -i output, with its _len line',
      text: lines(
        'unsigned char hello_bin[] = {',
        '  0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58',
        '};',
        'unsigned int hello_bin_len = 11;',
      ),
      format: 'c-array',
    },
    { name: 'JS Uint8Array', text: 'const frame = new Uint8Array([0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58]);', format: 'c-array' },
    { name: 'escapes', text: '\\x81\\x85\\x37\\xfa\\x21\\x3d\\x7f\\x9f\\x4d\\x51\\x58', format: 'escaped' },
    { name: 'escapes, spaced', text: '\\x81 \\x85 \\x37 \\xfa \\x21 \\x3d \\x7f \\x9f \\x4d \\x51 \\x58', format: 'escaped' },
    { name: 'escapes in a quoted string', text: '"\\x81\\x85\\x37\\xfa\\x21\\x3d\\x7f\\x9f\\x4d\\x51\\x58"', format: 'escaped' },
    { name: 'a C string, concatenated', text: 'char frame[] = "\\x81\\x85\\x37\\xfa"\n               "\\x21\\x3d\\x7f\\x9f\\x4d\\x51\\x58";', format: 'escaped' },
    { name: "Python's bytes repr", text: "b'\\x81\\x857\\xfa!=\\x7f\\x9fMQX'", format: 'escaped' },
    { name: 'xxd', text: '00000000: 8185 37fa 213d 7f9f 4d51 58              ..7.!=..MQX', format: 'xxd' },
    {
      name: 'hexdump -C',
      text: '00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58                 |..7.!=..MQX|\n0000000b\n',
      format: 'hexdump',
    },
    { name: 'Wireshark', text: '0000   81 85 37 fa 21 3d 7f 9f 4d 51 58                  ..7.!=..MQX', format: 'wireshark' },
    { name: 'Wireshark, two-space variant', text: '0000  81 85 37 fa 21 3d 7f 9f  4d 51 58                  ..7.!=.. MQX', format: 'wireshark' },
    { name: 'Wireshark, CRLF and indented', text: '   0000   81 85 37 fa 21 3d 7f 9f 4d 51 58                  ..7.!=..MQX\r\n', format: 'wireshark' },
  ];

  test.each(table)('$name', ({ text, format }) => {
    const result = parseHex(text);
    expect(bytesOf(result)).toBe(HELLO_HEX);
    expect(result.ok && result.format).toBe(format);
    expect(result.ok && result.warnings).toEqual([]);
  });

  test('empty input and whitespace give no bytes', () => {
    for (const text of ['', '   ', '\n\r\n\t \n', '// only a comment', '/* only */ ']) {
      const result = parseHex(text);
      expect(result.ok && result.bytes.length).toBe(0);
      expect(result.ok && result.format).toBe('empty');
    }
  });

  test('assignments: a declaration is skipped, a decimal length statement too, data is not', () => {
    expect(bytesOf(parseHex('mask = 37 fa 21 3d'))).toBe('37fa213d');
    expect(bytesOf(parseHex('uint32_t mask = 0x37fa213d;'))).toBe('37fa213d');
    expect(bytesOf(parseHex('unsigned int len = 11;\nunsigned char b[] = {0x81};'))).toBe('81');
  });

  test('0x with one digit is one byte, as in C; notations can be mixed', () => {
    expect(bytesOf(parseHex('{ 0x0, 0x5, 0xff }'))).toBe('0005ff');
    const mixed = parseHex('81 0x85 \\x37');
    expect(bytesOf(mixed)).toBe('818537');
    expect(mixed.ok && mixed.format).toBe('mixed');
  });
});

describe('dumps are read by their columns: the ASCII column is ignored, however hex it looks', () => {
  const table: { name: string; text: string; format: HexFormat }[] = [
    {
      name: 'xxd',
      text: lines(
        '00000000: 8125 6361 6665 2062 6162 6520 6465 6164  .%cafe babe dead',
        '00000010: 2062 6565 6620 3031 3233 3435 3637 3839   beef 0123456789',
        '00000020: 2061 6263 6465 66                         abcdef',
      ),
      format: 'xxd',
    },
    {
      name: 'xxd -u',
      text: lines(
        '00000000: 8125 6361 6665 2062 6162 6520 6465 6164  .%cafe babe dead',
        '00000010: 2062 6565 6620 3031 3233 3435 3637 3839   beef 0123456789',
        '00000020: 2061 6263 6465 66                         abcdef',
      ).toUpperCase(),
      format: 'xxd',
    },
    {
      name: 'xxd -g1 -c8 (the ASCII column is two spaces after the 8th byte)',
      text: lines(
        '00000000: 81 25 63 61 66 65 20 62  .%cafe b',
        '00000008: 61 62 65 20 64 65 61 64  abe dead',
        '00000010: 20 62 65 65 66 20 30 31   beef 01',
        '00000018: 32 33 34 35 36 37 38 39  23456789',
        '00000020: 20 61 62 63 64 65 66      abcdef',
      ),
      format: 'xxd',
    },
    {
      name: 'hexdump -C',
      text: lines(
        '00000000  81 25 63 61 66 65 20 62  61 62 65 20 64 65 61 64  |.%cafe babe dead|',
        '00000010  20 62 65 65 66 20 30 31  32 33 34 35 36 37 38 39  | beef 0123456789|',
        '00000020  20 61 62 63 64 65 66                              | abcdef|',
        '00000027',
      ),
      format: 'hexdump',
    },
    {
      name: 'Wireshark "Copy as Hex Dump"',
      text: lines(
        '0000   81 25 63 61 66 65 20 62 61 62 65 20 64 65 61 64   .%cafe babe dead',
        '0010   20 62 65 65 66 20 30 31 32 33 34 35 36 37 38 39    beef 0123456789',
        '0020   20 61 62 63 64 65 66                               abcdef',
      ),
      format: 'wireshark',
    },
    {
      name: 'Wireshark, with the gap after 8 bytes',
      text: lines(
        '0000  81 25 63 61 66 65 20 62  61 62 65 20 64 65 61 64   .%cafe b abe dead',
        '0010  20 62 65 65 66 20 30 31  32 33 34 35 36 37 38 39    beef 01 23456789',
        '0020  20 61 62 63 64 65 66                                abcdef',
      ),
      format: 'wireshark',
    },
    {
      name: 'Wireshark, indented, CRLF, blank lines around',
      text: '\r\n  0000   81 25 63 61 66 65 20 62 61 62 65 20 64 65 61 64   .%cafe babe dead\r\n' +
        '  0010   20 62 65 65 66 20 30 31 32 33 34 35 36 37 38 39    beef 0123456789\r\n' +
        '  0020   20 61 62 63 64 65 66                               abcdef\r\n\r\n',
      format: 'wireshark',
    },
  ];

  test.each(table)('$name', ({ text, format }) => {
    const result = parseHex(text);
    expect(bytesOf(result)).toBe(toHex(HEXY_FRAME));
    expect(result.ok && result.format).toBe(format);
    expect(result.ok && result.warnings).toEqual([]);
  });

  test.each([
    ['Wireshark', '0000   61 62 20 63 64 20 65 66                           ab cd ef'],
    ['Wireshark, two-space variant', '0000  61 62 20 63 64 20 65 66                            ab cd ef'],
    ['hexdump -C', '00000000  61 62 20 63 64 20 65 66                           |ab cd ef|\n00000008'],
    ['xxd -g1 -c8', '00000000: 61 62 20 63 64 20 65 66  ab cd ef'],
    ['xxd', '00000000: 6162 2063 6420 6566                      ab cd ef'],
  ])('an ASCII column of byte-like pairs (%s)', (_name, text) => {
    expect(bytesOf(parseHex(text))).toBe(toHex(new TextEncoder().encode('ab cd ef')));
  });

  test('a "*" line repeats the line above up to the next offset (hexdump -C, xxd -a)', () => {
    const hexdump = lines(
      '00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|',
      '*',
      '00000040',
    );
    expect(bytesOf(parseHex(hexdump))).toBe('00'.repeat(64));
    const xxd = lines(
      '00000000: 0000 0000 0000 0000 0000 0000 0000 0000  ................',
      '*',
      '00000030: 0000 0000 0000 0000 0000 0000 0000 0000  ................',
    );
    expect(bytesOf(parseHex(xxd))).toBe('00'.repeat(64));
    const repeatedPattern = lines(
      '00000000  01 02 03 04 05 06 07 08  09 0a 0b 0c 0d 0e 0f 10  |................|',
      '*',
      '00000030  ff                                                |.|',
      '00000031',
    );
    expect(bytesOf(parseHex(repeatedPattern))).toBe('0102030405060708090a0b0c0d0e0f10'.repeat(3) + 'ff');
  });

  test('a "*" with no offset after it is an error at the "*"', () => {
    const error = errorOf(parseHex('00000000  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|\n*\n'));
    expect(error).toMatchObject({ line: 2, column: 1, index: 79, length: 1 });
    expect(error.message).toContain('no offset follows');
  });

  test('an offset that does not follow on is a warning, not an error', () => {
    const result = parseHex(
      lines(
        '0000   81 25 63 61 66 65 20 62 61 62 65 20 64 65 61 64   .%cafe babe dead',
        '0020   20 61 62 63 64 65 66                               abcdef',
      ),
    );
    expect(bytesOf(result)).toBe(toHex(HEXY_FRAME.subarray(0, 16)) + toHex(HEXY_FRAME.subarray(32)));
    expect(result.ok && result.warnings).toEqual([
      {
        notice: 'offset-does-not-follow',
        message: 'the offset 0020 should be 0010 after the line above: a line may be missing or repeated',
        line: 2,
        column: 1,
        index: 74,
        length: 4,
      },
    ]);
  });

  test('two Wireshark packets pasted one after the other (offsets restart at 0)', () => {
    const one = '0000   81 85 37 fa 21 3d 7f 9f 4d 51 58                  ..7.!=..MQX';
    const result = parseHex(`${one}\n\n${one}\n`);
    expect(bytesOf(result)).toBe(HELLO_HEX + HELLO_HEX);
    expect(result.ok && result.warnings).toEqual([]);
  });

  test('hex typed in groups is not taken for a dump offset', () => {
    expect(bytesOf(parseHex('8185  37 fa 21 3d'))).toBe('818537fa213d');
    expect(bytesOf(parseHex('cafe  ba be'))).toBe('cafebabe');
  });
});

describe('errors name the line and column', () => {
  const table: { name: string; text: string; line: number; column: number; index: number; length: number; problem: HexProblem; message: string }[] = [
    {
      name: 'an unpaired digit (8 18 5)',
      text: '8 18 5',
      line: 1,
      column: 1,
      index: 0,
      length: 1,
      problem: 'unpaired-digit',
      message: "the hex digit '8' has no partner: each byte is two hex digits (write 08 for a byte with the value 8)",
    },
    {
      name: 'an unpaired digit on line 2',
      text: '81 85\n37 f',
      line: 2,
      column: 4,
      index: 9,
      length: 1,
      problem: 'unpaired-digit',
      message: "the hex digit 'f' has no partner: each byte is two hex digits (write 0f for a byte with the value 15)",
    },
    {
      name: 'a group of three digits',
      text: '81 853 7f',
      line: 1,
      column: 6,
      index: 5,
      length: 1,
      problem: 'odd-digit-count',
      message: "'853' has an odd number of hex digits (3): each byte is two digits, so the last digit '3' has no partner",
    },
    {
      name: 'a stray character',
      text: '81 zz',
      line: 1,
      column: 4,
      index: 3,
      length: 1,
      problem: 'unexpected-character',
      message: "unexpected character 'z': hex bytes are written with the digits 0-9 and a-f",
    },
    {
      name: 'a stray character glued to a byte, after CRLF lines',
      text: '81 85\r\n37 fa\r\n21g 3d',
      line: 3,
      column: 3,
      index: 16,
      length: 1,
      problem: 'unexpected-character',
      message: "unexpected character 'g': hex bytes are written with the digits 0-9 and a-f",
    },
    {
      name: 'a bad digit in a 0x list',
      text: '0x81, 0x8g',
      line: 1,
      column: 10,
      index: 9,
      length: 1,
      problem: 'unexpected-character',
      message: "unexpected character 'g': hex bytes are written with the digits 0-9 and a-f",
    },
    {
      name: '0x and nothing',
      text: '0x81, 0x',
      line: 1,
      column: 7,
      index: 6,
      length: 2,
      problem: 'prefix-without-digits',
      message: "'0x' must be followed by hex digits, as in 0x81",
    },
    {
      name: 'a short escape',
      text: '\\x81\\x8',
      line: 1,
      column: 5,
      index: 4,
      length: 3,
      problem: 'incomplete-escape',
      message: "the escape '\\x8' needs two hex digits after \\x, as in \\x81",
    },
    {
      name: 'an invisible character',
      text: '81\u200b85',
      line: 1,
      column: 3,
      index: 2,
      length: 1,
      problem: 'unexpected-character',
      message: 'unexpected character U+200B (zero-width space): hex bytes are written with the digits 0-9 and a-f',
    },
    {
      name: 'an emoji (one column, two code units)',
      text: '81 \u{1F600}',
      line: 1,
      column: 4,
      index: 3,
      length: 2,
      problem: 'unexpected-character',
      message: "unexpected character '\u{1F600}': hex bytes are written with the digits 0-9 and a-f",
    },
    {
      name: 'columns count characters, not code units',
      text: '/* \u{1F600} */ zz',
      line: 1,
      column: 9,
      index: 9,
      length: 1,
      problem: 'unexpected-character',
      message: "unexpected character 'z': hex bytes are written with the digits 0-9 and a-f",
    },
    {
      name: 'an unclosed comment',
      text: '81 /* 85',
      line: 1,
      column: 4,
      index: 3,
      length: 2,
      problem: 'unclosed-comment',
      message: 'the comment that opens here with /* is never closed with */',
    },
    {
      name: 'an unclosed string',
      text: '"\\x81\\x85\n',
      line: 1,
      column: 1,
      index: 0,
      length: 1,
      problem: 'unclosed-string',
      message: 'the string that opens here with " is not closed on the same line',
    },
    {
      name: 'a non-ASCII character in a string',
      text: '"\\x81é"',
      line: 1,
      column: 6,
      index: 5,
      length: 1,
      problem: 'unexpected-character',
      message: "unexpected character 'é': in a string only printable ASCII stands for itself; write other bytes as \\xHH",
    },
    {
      name: 'an odd group in an xxd line',
      text: '00000000: 8185 37f                                ..7',
      line: 1,
      column: 18,
      index: 17,
      length: 1,
      problem: 'odd-digit-count',
      message: "'37f' has an odd number of hex digits (3): each byte is two digits, so the last digit 'f' has no partner",
    },
    {
      name: 'a single digit in a Wireshark line',
      text: '0000   81 85 3 fa                                   ..7.',
      line: 1,
      column: 14,
      index: 13,
      length: 1,
      problem: 'unpaired-digit',
      message: "the hex digit '3' has no partner: each byte is two hex digits (write 03 for a byte with the value 3)",
    },
  ];

  test.each(table)('$name', ({ name: _name, text, ...expected }) => {
    expect(errorOf(parseHex(text))).toEqual(expected);
  });

  test('hexdump without -C gets a hint (its words are byte-swapped)', () => {
    const error = errorOf(parseHex('0000000 8581 fa37 3d21 9f7f 514d 0058\n000000b'));
    expect(error).toMatchObject({ line: 1, column: 7 });
    expect(error.message).toContain('use hexdump -C or xxd instead');
  });
});

describe('writing', () => {
  test('toHex', () => {
    expect(toHex(HELLO)).toBe(HELLO_HEX);
    expect(toHex(HELLO, ' ')).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(toHex(new Uint8Array(0), ' ')).toBe('');
  });

  test('formatHex, each notation', () => {
    expect(formatHex(HELLO, 'spaced')).toBe('81 85 37 fa 21 3d 7f 9f 4d 51 58');
    expect(formatHex(HELLO, 'plain')).toBe(HELLO_HEX);
    expect(formatHex(HELLO, '0x-list')).toBe('0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58');
    expect(formatHex(HELLO, 'c-array')).toBe(
      'unsigned char frame[] = {\n  0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58\n};',
    );
    expect(formatHex(HELLO, 'escaped')).toBe('\\x81\\x85\\x37\\xfa\\x21\\x3d\\x7f\\x9f\\x4d\\x51\\x58');
    expect(formatHex(HELLO, 'hexdump')).toBe('00000000  81 85 37 fa 21 3d 7f 9f  4d 51 58                 |..7.!=..MQX|');
  });

  test('formatHexDump matches hexdump -C (without its final offset line)', () => {
    expect(formatHexDump(HEXY_FRAME)).toBe(
      lines(
        '00000000  81 25 63 61 66 65 20 62  61 62 65 20 64 65 61 64  |.%cafe babe dead|',
        '00000010  20 62 65 65 66 20 30 31  32 33 34 35 36 37 38 39  | beef 0123456789|',
        '00000020  20 61 62 63 64 65 66                              | abcdef|',
      ),
    );
    expect(formatHexDump(new Uint8Array(0))).toBe('');
  });

  test('formatHexDump with an offset and a width', () => {
    expect(formatHexDump(HELLO, { offset: 0x100, width: 8 })).toBe(
      lines('00000100  81 85 37 fa 21 3d 7f 9f  |..7.!=..|', '00000108  4d 51 58                 |MQX|'),
    );
    expect(() => formatHexDump(HELLO, { width: 0 })).toThrow(RangeError);
    expect(() => formatHexDump(HELLO, { width: 17 })).toThrow(RangeError);
    expect(() => formatHexDump(HELLO, { offset: -1 })).toThrow(RangeError);
  });
});

describe('properties', () => {
  test('every notation formatHex writes, parseHex reads back to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...HEX_OUTPUT_FORMATS), (bytes, format) => {
        const result = parseHex(formatHex(bytes, format));
        expect(result.ok).toBe(true);
        expect(bytesOf(result)).toBe(toHex(bytes));
        expect(result.ok && result.warnings).toEqual([]);
      }),
      { numRuns: 600 },
    );
  });

  test('formatHexDump at any width and offset reads back', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 100 }),
        fc.integer({ min: 1, max: 16 }),
        fc.integer({ min: 0, max: 0xfff }).map((n) => n * 16),
        (bytes, width, offset) => {
          expect(bytesOf(parseHex(formatHexDump(bytes, { width, offset })))).toBe(toHex(bytes));
        },
      ),
    );
  });

  /** Line and column of a string index, computed the slow, obvious way. */
  function slowLocate(text: string, index: number): { line: number; column: number } {
    const before = text.slice(0, index).replace(/\r\n/g, '\n').replace(/\r/g, '\n');
    const rows = before.split('\n');
    return { line: rows.length, column: [...rows[rows.length - 1]!].length + 1 };
  }

  const hexish = fc.string({
    unit: fc.constantFrom(
      ...'0189afAFxX \t\n\r:,-;{}[]()<>|*="\'\\/#.bzg_'.split(''),
      '0000  ',
      '00000000: ',
      '0x',
      '\\x',
      '/*',
      '*/',
      '//',
      '\u00a0',
      '\u{1F600}',
    ),
    maxLength: 120,
  });

  test('parseHex never throws, and every error points inside the text where it says', { timeout: 60_000 }, () => {
    for (const arbitrary of [fc.string(), fc.string({ unit: 'binary' }), hexish]) {
      fc.assert(
        fc.property(arbitrary, (text) => {
          const result = parseHex(text);
          if (result.ok) {
            expect(result.bytes).toBeInstanceOf(Uint8Array);
            for (const w of result.warnings) expect(slowLocate(text, w.index)).toEqual({ line: w.line, column: w.column });
          } else {
            const e = result.error;
            expect(e.problem).not.toBe('unreadable'); // that would be a bug caught, not a problem found
            expect(e.message.length).toBeGreaterThan(0);
            expect(e.index).toBeGreaterThanOrEqual(0);
            expect(e.index + e.length).toBeLessThanOrEqual(text.length);
            expect(slowLocate(text, e.index)).toEqual({ line: e.line, column: e.column });
          }
        }),
        { numRuns: 1000 },
      );
    }
  });

  // No clock here (a timed test fails under load); a quadratic reader would take minutes on these
  // and trip the test's timeout instead.
  test('large inputs parse, whole', { timeout: 60_000 }, () => {
    const big = '81 85 37 fa '.repeat(100_000);
    expect(parseHex(big).ok && (parseHex(big) as { bytes: Uint8Array }).bytes.length).toBe(400_000);
    expect(parseHex('ab'.repeat(200_000) + ' zz').ok).toBe(false);
    expect(parseHex('ab '.repeat(100_000) + 'x(').ok).toBe(true); // a call name before (, skipped
    expect(bytesOf(parseHex('\\x81'.repeat(200_000))).length).toBe(400_000);
    expect(bytesOf(parseHex('"\\x81" '.repeat(100_000))).length).toBe(200_000);
    expect(bytesOf(parseHex('0000  81 85\n'.repeat(50_000))).length).toBe(200_000);
  });
});
