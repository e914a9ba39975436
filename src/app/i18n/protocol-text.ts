/**
 * The protocol told in the reader's language. The codec gives rule ids, opcodes, close codes and
 * field keys with their values (and English sentences for the CLI); the page asks here for the
 * sentence to show, built from the catalogue (messages/<locale>/frame.json). Every part of the app
 * that shows a fault, an opcode's or a close code's meaning or a field's explanation goes through
 * these functions, never `fault.message` or `.explanation`.
 *
 * The English catalogue says word for word what the codec's English says (protocol-text.test.ts
 * compares them), so the page's English and the CLI's agree.
 *
 * Every function takes an optional `{ locale }`; without it, the page's language (`getLocale()`).
 */
import * as m from '../../paraglide/messages.js';
import { getLocale, type Locale } from '../../paraglide/runtime.js';
import { citation, closeCodeInfo, CLOSE_CODES, FAULTS, isControl, type Fault, type FaultRule, type LayoutField } from '../../protocol';
import { fieldExplanationOf } from './field-text';

export interface TextOptions {
  locale?: Locale;
}

type Message = (inputs?: Record<string, never>, options?: TextOptions) => string;

/** "0xB": how the codec writes an opcode in its sentences. */
function opcodeHex(opcode: number): string {
  return `0x${opcode.toString(16).toUpperCase()}`;
}

/** "0x0a": a byte. */
function byteHex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

const OPCODE_KEYS: Readonly<Record<number, 'continuation' | 'text' | 'binary' | 'close' | 'ping' | 'pong'>> = {
  0x0: 'continuation', 0x1: 'text', 0x2: 'binary', 0x8: 'close', 0x9: 'ping', 0xa: 'pong',
};

const OPCODE_NAMES = {
  continuation: m.frame_opcode_name_continuation, text: m.frame_opcode_name_text, binary: m.frame_opcode_name_binary,
  close: m.frame_opcode_name_close, ping: m.frame_opcode_name_ping, pong: m.frame_opcode_name_pong,
} satisfies Record<string, Message>;

const OPCODE_FRAMES = {
  continuation: m.frame_opcode_frame_continuation, text: m.frame_opcode_frame_text, binary: m.frame_opcode_frame_binary,
  close: m.frame_opcode_frame_close, ping: m.frame_opcode_frame_ping, pong: m.frame_opcode_frame_pong,
} satisfies Record<string, Message>;

const OPCODE_EXPLANATIONS = {
  continuation: m.frame_opcode_explain_continuation, text: m.frame_opcode_explain_text, binary: m.frame_opcode_explain_binary,
  close: m.frame_opcode_explain_close, ping: m.frame_opcode_explain_ping, pong: m.frame_opcode_explain_pong,
} satisfies Record<string, Message>;

/** An opcode's short name, as the codec's `opcodeInfo().name` in English ("text", "reserved (0x3)"); "文本" in Chinese. */
export function opcodeName(opcode: number, options: TextOptions = {}): string {
  const key = OPCODE_KEYS[opcode & 0x0f];
  return key ? OPCODE_NAMES[key]({}, options) : m.frame_opcode_name_reserved({ opcode: opcodeHex(opcode & 0x0f) }, options);
}

/** "ping frame" / "Ping 帧": a frame named by its opcode. */
export function opcodeFrameName(opcode: number, options: TextOptions = {}): string {
  const key = OPCODE_KEYS[opcode & 0x0f];
  return key ? OPCODE_FRAMES[key]({}, options) : m.frame_opcode_frame_reserved({ opcode: opcodeHex(opcode & 0x0f) }, options);
}

/** What an opcode means ("Starts a text message: …"), reserved ones included. */
export function opcodeExplanation(opcode: number, options: TextOptions = {}): string {
  const key = OPCODE_KEYS[opcode & 0x0f];
  if (key) return OPCODE_EXPLANATIONS[key]({}, options);
  return isControl(opcode) ? m.frame_opcode_explain_reserved_control({}, options) : m.frame_opcode_explain_reserved_data({}, options);
}

const CLOSE_NAMES: Readonly<Record<number, Message>> = {
  1000: m.frame_close_name_1000, 1001: m.frame_close_name_1001, 1002: m.frame_close_name_1002, 1003: m.frame_close_name_1003,
  1004: m.frame_close_name_1004, 1005: m.frame_close_name_1005, 1006: m.frame_close_name_1006, 1007: m.frame_close_name_1007,
  1008: m.frame_close_name_1008, 1009: m.frame_close_name_1009, 1010: m.frame_close_name_1010, 1011: m.frame_close_name_1011,
  1012: m.frame_close_name_1012, 1013: m.frame_close_name_1013, 1014: m.frame_close_name_1014, 1015: m.frame_close_name_1015,
};

const CLOSE_EXPLANATIONS: Readonly<Record<number, Message>> = {
  1000: m.frame_close_explain_1000, 1001: m.frame_close_explain_1001, 1002: m.frame_close_explain_1002, 1003: m.frame_close_explain_1003,
  1004: m.frame_close_explain_1004, 1005: m.frame_close_explain_1005, 1006: m.frame_close_explain_1006, 1007: m.frame_close_explain_1007,
  1008: m.frame_close_explain_1008, 1009: m.frame_close_explain_1009, 1010: m.frame_close_explain_1010, 1011: m.frame_close_explain_1011,
  1012: m.frame_close_explain_1012, 1013: m.frame_close_explain_1013, 1014: m.frame_close_explain_1014, 1015: m.frame_close_explain_1015,
};

/** The ranges of RFC 6455 §7.4.2 (close-codes.ts's CLOSE_CODE_RANGES): first code, name, explanation. */
const CLOSE_RANGES: readonly { from: number; to: number; name: Message; explanation: Message }[] = [
  { from: 0, to: 999, name: m.frame_close_name_invalid, explanation: m.frame_close_explain_range_0 },
  { from: 1000, to: 2999, name: m.frame_close_name_unassigned, explanation: m.frame_close_explain_range_1000 },
  { from: 3000, to: 3999, name: m.frame_close_name_registered, explanation: m.frame_close_explain_range_3000 },
  { from: 4000, to: 4999, name: m.frame_close_name_private, explanation: m.frame_close_explain_range_4000 },
  { from: 5000, to: 0xffff, name: m.frame_close_name_invalid, explanation: m.frame_close_explain_range_5000 },
];

function closeEntry(code: number): { name: Message; explanation: Message } {
  const named = CLOSE_NAMES[code];
  if (named) return { name: named, explanation: CLOSE_EXPLANATIONS[code]! };
  const range = Number.isInteger(code) ? CLOSE_RANGES.find((r) => code >= r.from && code <= r.to) : undefined;
  return range ?? { name: m.frame_close_name_invalid, explanation: m.frame_close_explain_not_16_bit };
}

function isEnglish(options: TextOptions): boolean {
  return (options.locale ?? getLocale()) === 'en';
}

/** A close code's name in the reader's language alone: "Normal Closure" in English, "正常关闭" in Chinese. */
export function closeCodeLocalName(code: number, options: TextOptions = {}): string {
  return closeEntry(code).name({}, options);
}

/**
 * A close code's name as the RFC and IANA registry give it ("Normal Closure"), kept as is; in
 * Chinese with the translation beside it: "Normal Closure（正常关闭）".
 */
export function closeCodeName(code: number, options: TextOptions = {}): string {
  const name = closeCodeInfo(code).name;
  return isEnglish(options) ? name : m.frame_close_name_beside({ name, local: closeCodeLocalName(code, options) }, options);
}

/** The same inside a parenthesis: "Normal Closure" / "Normal Closure，正常关闭" (no brackets in brackets). */
export function closeCodeInlineName(code: number, options: TextOptions = {}): string {
  const name = closeCodeInfo(code).name;
  return isEnglish(options) ? name : m.frame_close_name_inline({ name, local: closeCodeLocalName(code, options) }, options);
}

/** What a close code means: every registered code, and the range a code falls in for the rest. */
export function closeCodeExplanation(code: number, options: TextOptions = {}): string {
  return closeEntry(code).explanation({}, options);
}

/** The codes with a name, for lists (the close-code field's suggestions). */
export const NAMED_CLOSE_CODES: readonly number[] = CLOSE_CODES.map((info) => info.code);

const RULE_EXPLANATIONS: { readonly [R in FaultRule]: Message } = {
  'rsv-without-extension': m.frame_rule_rsv_without_extension,
  'rsv1-not-first-frame': m.frame_rule_rsv1_not_first_frame,
  'reserved-opcode': m.frame_rule_reserved_opcode,
  'fragmented-control-frame': m.frame_rule_fragmented_control_frame,
  'mask-required': m.frame_rule_mask_required,
  'mask-forbidden': m.frame_rule_mask_forbidden,
  'control-frame-too-long': m.frame_rule_control_frame_too_long,
  'unexpected-continuation': m.frame_rule_unexpected_continuation,
  'expected-continuation': m.frame_rule_expected_continuation,
  'close-payload-one-byte': m.frame_rule_close_payload_one_byte,
  'non-minimal-length': m.frame_rule_non_minimal_length,
  'length-msb-set': m.frame_rule_length_msb_set,
  'payload-too-large': m.frame_rule_payload_too_large,
  'message-too-large': m.frame_rule_message_too_large,
  'invalid-close-code': m.frame_rule_invalid_close_code,
  'invalid-utf8': m.frame_rule_invalid_utf8,
  'inflate-failed': m.frame_rule_inflate_failed,
  'inflated-too-large': m.frame_rule_inflated_too_large,
  'inflated-invalid-utf8': m.frame_rule_inflated_invalid_utf8,
};

/** A rule in one line, without the values of any one fault. */
export function faultRuleExplanation(rule: FaultRule, options: TextOptions = {}): string {
  return RULE_EXPLANATIONS[rule]({}, options);
}

/** One fault told with its values, without the citation (what the codec's `describe` says). */
export function faultDescription(fault: Pick<Fault, 'rule' | 'detail'>, options: TextOptions = {}): string {
  const o = options;
  const f = fault as Fault;
  switch (f.rule) {
    case 'rsv-without-extension':
      return m.frame_fault_rsv_without_extension({ count: f.detail.bits.length, bits: f.detail.bits.join(isEnglish(o) ? ', ' : '、') }, o);
    case 'rsv1-not-first-frame':
      return f.detail.opcode === 0 ? m.frame_fault_rsv1_continuation({}, o) : m.frame_fault_rsv1_control({ frame: opcodeFrameName(f.detail.opcode, o) }, o);
    case 'reserved-opcode': {
      const opcode = opcodeHex(f.detail.opcode);
      return isControl(f.detail.opcode) ? m.frame_fault_reserved_opcode_control({ opcode }, o) : m.frame_fault_reserved_opcode_data({ opcode }, o);
    }
    case 'fragmented-control-frame':
      return m.frame_fault_fragmented_control_frame({ frame: opcodeFrameName(f.detail.opcode, o) }, o);
    case 'mask-required':
      return m.frame_fault_mask_required({}, o);
    case 'mask-forbidden':
      return m.frame_fault_mask_forbidden({}, o);
    case 'control-frame-too-long':
      return m.frame_fault_control_frame_too_long({ frame: opcodeFrameName(f.detail.opcode, o), lengthField: String(f.detail.lengthField) }, o);
    case 'unexpected-continuation':
      return m.frame_fault_unexpected_continuation({}, o);
    case 'expected-continuation':
      return m.frame_fault_expected_continuation({ name: opcodeName(f.detail.opcode, o) }, o);
    case 'close-payload-one-byte':
      return m.frame_fault_close_payload_one_byte({}, o);
    case 'non-minimal-length': {
      const values = { form: String(f.detail.lengthForm), length: String(f.detail.length) };
      return f.detail.length < 126 ? m.frame_fault_non_minimal_length_7(values, o) : m.frame_fault_non_minimal_length_16(values, o);
    }
    case 'length-msb-set':
      return m.frame_fault_length_msb_set({}, o);
    case 'payload-too-large':
      return m.frame_fault_payload_too_large({ length: String(f.detail.length), limit: String(f.detail.limit) }, o);
    case 'message-too-large':
      return m.frame_fault_message_too_large({ length: String(f.detail.length), limit: String(f.detail.limit) }, o);
    case 'invalid-close-code':
      return m.frame_fault_invalid_close_code({ code: String(f.detail.code), name: closeCodeInlineName(f.detail.code, o) }, o);
    case 'invalid-utf8':
      if (f.detail.in === 'close-reason') return m.frame_fault_invalid_utf8_close_reason({ offset: String(f.detail.payloadOffset ?? 2) }, o);
      if (f.detail.byte === null) return m.frame_fault_invalid_utf8_text_end({}, o);
      return m.frame_fault_invalid_utf8_byte({ byte: byteHex(f.detail.byte), offset: String(f.detail.payloadOffset ?? 0) }, o);
    case 'inflate-failed':
      return m.frame_fault_inflate_failed({ reason: f.detail.reason }, o);
    case 'inflated-too-large':
      return m.frame_fault_inflated_too_large({ limit: String(f.detail.limit) }, o);
    case 'inflated-invalid-utf8':
      return f.detail.byte === null
        ? m.frame_fault_inflated_invalid_utf8_end({}, o)
        : m.frame_fault_inflated_invalid_utf8_byte({ byte: byteHex(f.detail.byte), at: String(f.detail.at) }, o);
  }
}

/** One fault as a sentence with its values and its section ("The frame is not masked (MASK=0), but … (RFC 6455 §5.1)."). */
export function faultSentence(fault: Pick<Fault, 'rule' | 'detail'>, options: TextOptions = {}): string {
  return m.frame_fault_with_citation({ sentence: faultDescription(fault, options), citation: citation(FAULTS[fault.rule].rfc) }, options);
}

/** A header field's explanation in the bit grid, with the frame's values. */
export function fieldExplanation(field: LayoutField, options: TextOptions = {}): string {
  if (field.key === 'opcode' && field.bits !== null) return opcodeExplanation(parseInt(field.bits, 2), options);
  return fieldExplanationOf(field, options.locale ?? getLocale());
}

/** "70,000" (the codec's en-US digits) as a size in `locale`: "70,000 bytes", "70,000 字节". */
function sizeText(digits: string, options: TextOptions): string {
  return m.app_bytes({ count: Number(digits.replace(/,/g, '')), shown: countText(digits, options) }, options);
}

/** Digits as the codec wrote them (en-US, up to 2^64), in `locale`. */
function countText(digits: string, options: TextOptions): string {
  return new Intl.NumberFormat(options.locale ?? getLocale()).format(BigInt(digits.replace(/,/g, '')));
}

/** The codec's payload values (layout.ts: describePayload and the payload field), each with how to tell it. */
const PAYLOAD_VALUES: readonly [RegExp, (groups: string[], options: TextOptions) => string][] = [
  [/^0 bytes \(empty\)$/, (_, options) => m.frame_value_empty({}, options)],
  [/^([\d,]+) bytes? of DEFLATE data: (.*)$/s, ([n, preview], options) => m.frame_value_deflate({ size: sizeText(n!, options), preview: preview! }, options)],
  [/^([\d,]+) bytes?, none received yet$/, ([n], options) => m.frame_value_none_yet({ size: sizeText(n!, options) }, options)],
  [/^([\d,]+) bytes?, ([\d,]+) received so far$/, ([n, present], options) =>
    m.frame_value_received_so_far({ size: sizeText(n!, options), present: countText(present!, options) }, options)],
  [/^([\d,]+) bytes?: code (\d+) \((.*?)\)(?:, reason (.*))?$/s, ([n, code, , reason], options) => {
    const close = m.frame_value_close({ size: sizeText(n!, options), code: code!, name: closeCodeName(Number(code), options) }, options);
    return reason === undefined ? close : m.frame_value_close_reason({ close, reason }, options);
  }],
  [/^([\d,]+) bytes?: (.*)$/s, ([n, preview], options) => m.frame_value_payload({ size: sizeText(n!, options), preview: preview! }, options)],
];

/**
 * A field's value as the bit grid and the field table show it: numbers, bits and hex as the codec
 * wrote them; its words (the opcode's name, "not received", the payload's size and preview) in the
 * reader's language. A value not recognised stays in the codec's English.
 */
export function fieldValue(field: Pick<LayoutField, 'key' | 'bits' | 'value'>, options: TextOptions = {}): string {
  // A header field without bits is one whose bytes have not arrived (layout.ts's `missing`).
  if (field.bits === null && field.key !== 'payload') return m.frame_value_not_received({}, options);
  if (field.key === 'opcode' && field.bits !== null) {
    const opcode = parseInt(field.bits, 2);
    return `${opcodeHex(opcode)} ${opcodeName(opcode, options)}`;
  }
  if (field.key !== 'payload') return field.value;
  for (const [pattern, say] of PAYLOAD_VALUES) {
    const found = pattern.exec(field.value);
    if (found) return say(found.slice(1), options);
  }
  return field.value;
}

export { fieldLabel, fieldShortLabel } from './field-text';
