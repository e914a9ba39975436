/**
 * A frame field's label and explanation in the reader's language. The codec's layout
 * (src/protocol/layout.ts) chooses which explanation a field gets from the whole frame (a control
 * frame's FIN, RSV1 under permessage-deflate, a payload cut short) and writes it in English for the
 * CLI; the variant it chose, and its values, are read back here from that sentence and told again
 * from the catalogue. protocol-text.test.ts lays out frames of every variant and checks that the
 * English told here is the codec's, word for word, so a change in the codec fails there, not on
 * the page. A sentence not recognised stays in the codec's English rather than being guessed.
 */
import * as m from '../../paraglide/messages.js';
import type { Locale } from '../../paraglide/runtime.js';
import type { FieldKey, LayoutField } from '../../protocol';

type Say = (groups: string[], locale: Locale) => string;

/** "70,000" (the codec's en-US digits) back to a number, written again in `locale`. */
function count(text: string | undefined, locale: Locale): string {
  const digits = (text ?? '').replace(/,/g, '');
  return /^\d+$/.test(digits) ? new Intl.NumberFormat(locale).format(BigInt(digits)) : (text ?? '');
}

function plain(text: string | undefined): number {
  return Number((text ?? '').replace(/,/g, ''));
}

/** Two sentences: a space between them in English, none in Chinese. */
function join(first: string, second: string, locale: Locale): string {
  return locale === 'en' ? `${first} ${second}` : `${first}${second}`;
}

const o = (locale: Locale): { locale: Locale } => ({ locale });
const fixed = (message: (inputs: Record<string, never>, options: { locale: Locale }) => string): Say => (_, locale) => message({}, o(locale));

/** The payload sentences of layout.ts's payloadExplanation, each maybe followed by this. */
const UNMASKED = /( Shown unmasked \(masked bytes XOR key\)\.)?$/;
const PAYLOADS: readonly [RegExp, (inputs: Record<string, never>, options: { locale: Locale }) => string][] = [
  [/^Application data: UTF-8 text\./, m.frame_field_payload_text],
  [/^Application data: arbitrary bytes\./, m.frame_field_payload_binary],
  [/^The next piece of a fragmented message\./, m.frame_field_payload_continuation],
  [/^A 2-byte status code, then an optional UTF-8 reason\./, m.frame_field_payload_close],
  [/^Application data the pong must echo back\./, m.frame_field_payload_ping],
  [/^The payload of the ping this answers\./, m.frame_field_payload_pong],
  [/^Payload of a reserved opcode\./, m.frame_field_payload_reserved],
];

/** The codec's sentences, by field: the pattern of each (numbers captured) and how to tell it. */
const VARIANTS: { readonly [K in FieldKey]: readonly [RegExp, Say][] } = {
  fin: [
    [/^The frame\u2019s first byte has not arrived\.$/, fixed(m.frame_field_missing_first_byte)],
    [/^Final fragment: control frames are always a single frame\.$/, fixed(m.frame_field_fin_final_control)],
    [/^This is the final fragment of its message \(or the only one\)\.$/, fixed(m.frame_field_fin_final)],
    [/^Not final, but a control frame must not be fragmented: a fault\.$/, fixed(m.frame_field_fin_not_final_control)],
    [/^More fragments of this message follow in continuation frames\.$/, fixed(m.frame_field_fin_not_final)],
  ],
  rsv1: [
    [/^Per-Message Compressed \(permessage-deflate, RFC 7692 §6\): this message\u2019s payload is DEFLATE data\.$/, fixed(m.frame_field_rsv1_compressed)],
    [/^Per-Message Compressed, but only the first frame of a data message may carry it \(RFC 7692 §6\.1\): a fault\.$/, fixed(m.frame_field_rsv1_compressed_misplaced)],
    [/^Per-Message Compressed is 0: this frame\u2019s message \(or this control frame\) is not compressed\.$/, fixed(m.frame_field_rsv1_not_compressed)],
    [/^Reserved bit set: only allowed when a negotiated extension defines it \(permessage-deflate uses RSV1 for compressed messages\)\.$/, fixed(m.frame_field_rsv1_set)],
    [/^Reserved for extensions; 0 when none is negotiated\.$/, fixed(m.frame_field_rsv_clear)],
  ],
  rsv2: [
    [/^Reserved bit set: only allowed when a negotiated extension defines it\.$/, fixed(m.frame_field_rsv_set)],
    [/^Reserved for extensions; 0 when none is negotiated\.$/, fixed(m.frame_field_rsv_clear)],
  ],
  rsv3: [
    [/^Reserved bit set: only allowed when a negotiated extension defines it\.$/, fixed(m.frame_field_rsv_set)],
    [/^Reserved for extensions; 0 when none is negotiated\.$/, fixed(m.frame_field_rsv_clear)],
  ],
  opcode: [],
  mask: [
    [/^The second byte \(MASK and payload length\) has not arrived\.$/, fixed(m.frame_field_missing_second_byte)],
    [/^The payload is masked with the 4-byte masking key below\. A client masks every frame; a server never does\.$/, fixed(m.frame_field_mask_set)],
    [/^The payload is not masked\. A server\u2019s frames never are; a client\u2019s must be\.$/, fixed(m.frame_field_mask_clear)],
  ],
  'payload-length': [
    [/^126 means: the real length is in the next 16 bits \(for 126 to 65,535 bytes\)\.$/, fixed(m.frame_field_length_16)],
    [/^127 means: the real length is in the next 64 bits \(for 65,536 bytes and more\)\.$/, fixed(m.frame_field_length_64)],
    [/^The payload is (\d+) bytes? long \(0 to 125 fit in these 7 bits\)\.$/, ([n], locale) => m.frame_field_length_7({ count: plain(n), length: count(n, locale) }, o(locale))],
  ],
  'extended-payload-length': [
    [/^The (\d+)-bit extended payload length needs (\d+) more bytes?\.$/, ([bits, more], locale) =>
      m.frame_field_missing_extended({ count: plain(more), bits: bits ?? '', more: count(more, locale) }, o(locale))],
    [/^The most significant bit must be 0: a 64-bit length is read as at most 2\^63 - 1\.$/, fixed(m.frame_field_extended_msb)],
    [/^The payload is ([\d,]+) bytes long\.$/, ([n], locale) => m.frame_field_extended_length({ length: count(n, locale) }, o(locale))],
    [/^(\d+) fits in a shorter form: lengths must use the fewest bytes, so this is a fault\.$/, ([n], locale) => m.frame_field_extended_not_minimal({ length: n ?? '' }, o(locale))],
  ],
  'masking-key': [
    [/^The 4-byte masking key needs (\d+) more bytes?\.$/, ([more], locale) => m.frame_field_missing_masking_key({ count: plain(more), more: count(more, locale) }, o(locale))],
    [/^Payload byte i is XORed with key byte i mod 4; the client picks a fresh random key for every frame\.$/, fixed(m.frame_field_masking_key)],
  ],
  payload: [
    [/^DEFLATE data: the sender compressed the message and removed the 00 00 ff ff tail \(RFC 7692 §7\.2\.1\); the receiver puts it back and inflates\.( Shown unmasked\.)?$/,
      ([unmasked], locale) => {
        const said = m.frame_field_payload_deflate({}, o(locale));
        return unmasked ? join(said, m.frame_field_payload_deflate_unmasked({}, o(locale)), locale) : said;
      }],
    [/^([\d,]+) of ([\d,]+) payload bytes received; ([\d,]+) more needed\.$/, ([present, total, more], locale) =>
      m.frame_field_payload_incomplete({ present: count(present, locale), total: count(total, locale), more: count(more, locale) }, o(locale))],
    ...PAYLOADS.map(([sentence, message]): [RegExp, Say] => [
      new RegExp(sentence.source + UNMASKED.source),
      ([unmasked], locale) => {
        const said = message({}, o(locale));
        return unmasked ? join(said, m.frame_field_payload_unmasked({}, o(locale)), locale) : said;
      },
    ]),
  ],
};

/** The explanation of `field` in `locale` (see the file's comment). */
export function fieldExplanationOf(field: LayoutField, locale: Locale): string {
  for (const [pattern, say] of VARIANTS[field.key]) {
    const found = pattern.exec(field.explanation);
    if (found) return say(found.slice(1), locale);
  }
  return field.explanation;
}

const LABELS: { readonly [K in FieldKey]: (inputs?: Record<string, never>, options?: { locale?: Locale }) => string } = {
  fin: m.frame_field_label_fin,
  rsv1: m.frame_field_label_rsv1,
  rsv2: m.frame_field_label_rsv2,
  rsv3: m.frame_field_label_rsv3,
  opcode: m.frame_field_label_opcode,
  mask: m.frame_field_label_mask,
  'payload-length': m.frame_field_label_payload_length,
  'extended-payload-length': m.frame_field_label_extended_payload_length,
  'masking-key': m.frame_field_label_masking_key,
  payload: m.frame_field_label_payload,
};

/**
 * A field's label: the codec's in English ("FIN", "Payload length", "Masking key"); in Chinese the
 * RFC's name with the translation beside it ("FIN（最后分片）", "Payload len（载荷长度）").
 */
export function fieldLabel(field: Pick<LayoutField, 'key' | 'label'>, options: { locale?: Locale } = {}): string {
  if (field.key === 'payload' && field.label !== 'Payload') return m.frame_field_label_payload_compressed({}, options);
  return LABELS[field.key]({}, options);
}

/**
 * The short label the bit grid's cells show: the codec's in English; in Chinese the RFC's own
 * spelling ("Payload len", "Masking-key"), which fits a cell. `fieldLabel` gives the translation.
 */
export function fieldShortLabel(field: Pick<LayoutField, 'key' | 'label'>, options: { locale?: Locale } = {}): string {
  if (field.key === 'payload') return field.label === 'Payload' ? field.label : m.frame_field_short_payload_compressed({}, options);
  if (field.key === 'payload-length') return m.frame_field_short_payload_length({}, options);
  if (field.key === 'masking-key') return m.frame_field_short_masking_key({}, options);
  if (field.key === 'extended-payload-length') return m.frame_field_short_extended_payload_length({}, options);
  return LABELS[field.key]({}, { locale: 'en' });
}
