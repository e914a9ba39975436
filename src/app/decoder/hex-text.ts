/**
 * The hex reader's errors in the reader's language: what is wrong and where (line, column). The
 * codec gives a stable `problem` id with the spot (`index`, `length`) and an English message for the
 * CLI; the values a sentence needs (the character, the digits, the escape) are read back from the
 * input at the spot, or, for the two messages that carry numbers, from the codec's message.
 */
import type { HexError } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';

/** "line 2, column 7: the hex digit '8' has no partner: …" */
export function hexErrorText(error: HexError, input: string): string {
  return m.decoder_hex_where({ line: String(error.line), column: String(error.column), problem: hexProblemText(error, input) });
}

/** The hints the codec adds after "unexpected character …: ", by the English it ends with. */
const HINTS: readonly [RegExp, () => string][] = [
  [/an xxd line has groups of hex digits one space apart, then two spaces before its text column$/, m.decoder_hex_hint_xxd],
  [/the byte columns of a dump line hold two hex digits each, one space apart$/, m.decoder_hex_hint_dump_columns],
  [/outside a quoted string only \\x escapes such as \\x81 are understood$/, m.decoder_hex_hint_outside_string],
  [/in a string only printable ASCII stands for itself; write other bytes as \\xHH$/, m.decoder_hex_hint_in_string],
];

/** What is wrong at the spot, without the place. */
export function hexProblemText(error: HexError, input: string): string {
  const at = input.slice(error.index, error.index + Math.max(1, error.length));
  // The codec adds this when a 7-digit group opens a line: the offset of `hexdump` or `od` without -C.
  const dumpHint = /without -C/.test(error.message) ? m.decoder_hex_hint_hexdump_without_c() : '';
  switch (error.problem) {
    case 'unexpected-character': {
      const hint = HINTS.find(([english]) => english.test(error.message))?.[1] ?? m.decoder_hex_hint_digits;
      return m.decoder_hex_unexpected_character({ character: describeCharacter(input.codePointAt(error.index) ?? 0), hint: hint() });
    }
    case 'unpaired-digit': {
      const digit = input[error.index] ?? '?';
      return m.decoder_hex_unpaired_digit({ digit, value: String(parseInt(digit, 16)), hint: dumpHint });
    }
    case 'odd-digit-count': {
      const found = /^'([^']*)' has an odd number of hex digits \((\d+)\)/.exec(error.message);
      const group = found?.[1] ?? hexRunBefore(input, error.index + 1);
      const count = found ? Number(found[2]) : group.length;
      return m.decoder_hex_odd_digit_count({ group, count: formatCount(count), digit: input[error.index] ?? '?', hint: dumpHint });
    }
    case 'prefix-without-digits':
      return m.decoder_hex_prefix_without_digits({ prefix: input.slice(error.index, error.index + 2) });
    case 'incomplete-escape':
      return m.decoder_hex_incomplete_escape({ escape: at });
    case 'unknown-escape':
      return m.decoder_hex_unknown_escape({ escape: at });
    case 'octal-escape-too-large':
      return m.decoder_hex_octal_escape_too_large({ escape: at });
    case 'unclosed-comment':
      return m.decoder_hex_unclosed_comment();
    case 'unclosed-string':
      return m.decoder_hex_unclosed_string({ quote: input[error.index] ?? '"' });
    case 'dump-column-not-a-byte':
      return m.decoder_hex_dump_column_not_a_byte({ column: at });
    case 'repeat-too-long': {
      const found = /repeat the line above (\d+) bytes' worth, up to offset (\w+); this page takes at most (\d+) bytes/.exec(error.message);
      return m.decoder_hex_repeat_too_long({
        bytes: formatCount(Number(found?.[1] ?? 0)),
        offset: found?.[2] ?? '?',
        most: formatCount(Number(found?.[3] ?? 0)),
      });
    }
    case 'repeat-without-offset':
      return m.decoder_hex_repeat_without_offset();
    case 'unreadable':
      return m.decoder_hex_unreadable({ reason: /\((.*)\)$/s.exec(error.message)?.[1] ?? error.message });
  }
}

/** The hex digits that end just before `end`. */
function hexRunBefore(input: string, end: number): string {
  let start = end;
  while (start > 0 && /[0-9a-fA-F]/.test(input[start - 1]!)) start--;
  return input.slice(start, end);
}

/** A character as a student can read it: 'z', or U+00A0 (no-break space) for the invisible. */
export function describeCharacter(cp: number): string {
  const code = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name =
    cp === 0x00 ? 'NUL'
      : cp === 0x09 ? m.decoder_char_tab()
        : cp === 0x20 ? m.decoder_char_space()
          : cp === 0xa0 ? m.decoder_char_no_break_space()
            : cp === 0x200b ? m.decoder_char_zero_width_space()
              : cp === 0xfeff ? m.decoder_char_byte_order_mark()
                : null;
  if (name !== null) return m.decoder_char_named({ code, name });
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0xd800 && cp <= 0xdfff)) return code;
  return `'${String.fromCodePoint(cp)}'`;
}
