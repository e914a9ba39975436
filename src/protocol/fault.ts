/**
 * A protocol fault is a value, never an exception: what rule was broken, the close code the RFC
 * requires the receiver to send (§7.4.1), where in the byte stream the offending bytes are, the
 * values that make up the sentence, and the sentence a student can read. After a fault the
 * receiver discards everything that follows (RFC 6455 §7.1.7 "Fail the WebSocket Connection").
 *
 * Every rule lives once, in `FAULTS`: its close code, its RFC section and the RFC's words, a
 * line of explanation, the frame fields it is about, and how one fault of it is told. The parser
 * builds its faults with `fault()` from this table; a page that translates reads `rule` and
 * `detail`, never the English `message`.
 */
import type { FieldKey } from './layout.ts';
import { closeCodeInfo } from './close-codes.ts';
import { opcodeInfo } from './opcodes.ts';

/** Every rule the parser checks, in the order of the RFC's frame header, then its payload. */
export const FAULT_RULES = [
  'rsv-without-extension',
  'rsv1-not-first-frame',
  'reserved-opcode',
  'fragmented-control-frame',
  'mask-required',
  'mask-forbidden',
  'control-frame-too-long',
  'unexpected-continuation',
  'expected-continuation',
  'close-payload-one-byte',
  'non-minimal-length',
  'length-msb-set',
  'payload-too-large',
  'message-too-large',
  'invalid-close-code',
  'invalid-utf8',
  'inflate-failed',
  'inflated-too-large',
  'inflated-invalid-utf8',
] as const;

export type FaultRule = (typeof FAULT_RULES)[number];

export type FaultCloseCode = 1002 | 1007 | 1009;

export type RsvBit = 'RSV1' | 'RSV2' | 'RSV3';

type NoDetail = Record<string, never>;

/** The values one fault of each rule is told with (and a translation can be built from). */
export interface FaultDetails {
  'rsv-without-extension': { bits: readonly RsvBit[] };
  /** `opcode`: a control frame's, or 0x0 for a continuation frame. */
  'rsv1-not-first-frame': { opcode: number };
  'reserved-opcode': { opcode: number };
  'fragmented-control-frame': { opcode: number };
  'mask-required': NoDetail;
  'mask-forbidden': NoDetail;
  /** `lengthField`: the 7-bit payload length field, 126 or 127 (an extended length follows). */
  'control-frame-too-long': { opcode: number; lengthField: number };
  'unexpected-continuation': NoDetail;
  /** `opcode`: the new data frame's opcode. */
  'expected-continuation': { opcode: number };
  'close-payload-one-byte': NoDetail;
  /** `length`: the value the extended length holds; `lengthForm`: which one it is in. */
  'non-minimal-length': { length: number; lengthForm: 16 | 64 };
  'length-msb-set': NoDetail;
  'payload-too-large': { length: number; limit: number };
  /** `length`: what the message would reach with this frame. */
  'message-too-large': { length: number; limit: number };
  'invalid-close-code': { code: number };
  /**
   * `in`: a text message or a close frame's reason. `byte`: the byte that cannot be UTF-8, or null
   * when the text ends inside a sequence. `payloadOffset`: where in this frame's payload the byte
   * (or the unfinished sequence) is; null when the sequence began in an earlier fragment.
   */
  'invalid-utf8': { in: 'text' | 'close-reason'; byte: number | null; payloadOffset: number | null };
  /** `reason`: the decompressor's words. */
  'inflate-failed': { reason: string };
  /** `limit`: the message size limit the inflated bytes went past. */
  'inflated-too-large': { limit: number };
  /** `byte`: the first byte that cannot be UTF-8 (null: the text ends mid-sequence); `at`: its offset in the inflated message. */
  'inflated-invalid-utf8': { byte: number | null; at: number };
}

export interface FaultRuleInfo<R extends FaultRule = FaultRule> {
  rule: R;
  /** The close code to send when failing the connection for this rule. */
  closeCode: FaultCloseCode;
  /**
   * The section that states the rule: "5.2" for RFC 6455, or the RFC named in full for another
   * ("RFC 7692 §6.1"); `citation()` writes either as a citation.
   */
  rfc: string;
  /** The rule in the RFC's own words (from that section). */
  quote: string;
  /** The rule in one line, without the values of any one fault. */
  explanation: string;
  /** The frame fields the rule is about: what the bit grid and the CLI mark. */
  fields: readonly FieldKey[];
  /** One fault of this rule as a sentence (the citation of `rfc` is added after it). */
  describe(detail: FaultDetails[R]): string;
}

const name = (opcode: number): string => opcodeInfo(opcode).name;
const hex2 = (byte: number): string => `0x${byte.toString(16).padStart(2, '0')}`;

/** The fault rules: one row each, the only place a rule's code, section and words are written. */
export const FAULTS: { readonly [R in FaultRule]: FaultRuleInfo<R> } = {
  'rsv-without-extension': {
    rule: 'rsv-without-extension', closeCode: 1002, rfc: '5.2', fields: ['rsv1', 'rsv2', 'rsv3'],
    quote: 'If a nonzero value is received and none of the negotiated extensions defines the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_.',
    explanation: 'RSV1, RSV2 and RSV3 are 0 unless a negotiated extension gives them a meaning.',
    describe: ({ bits }) => `${bits.join(', ')} ${bits.length > 1 ? 'are' : 'is'} set but no extension that defines ${bits.length > 1 ? 'them' : 'it'} was negotiated`,
  },
  'rsv1-not-first-frame': {
    rule: 'rsv1-not-first-frame', closeCode: 1002, rfc: 'RFC 7692 §6.1', fields: ['rsv1'],
    quote: 'An endpoint MUST NOT set the "Per-Message Compressed" bit of control frames and non-first fragments of a data message. An endpoint receiving such a frame MUST _Fail the WebSocket Connection_.',
    explanation: 'With permessage-deflate, RSV1 marks a compressed message on its first frame only: never on a control frame or a continuation frame.',
    describe: ({ opcode }) =>
      opcode === 0
        ? 'RSV1 is set on a continuation frame: permessage-deflate sets it only on the first frame of a compressed message'
        : `RSV1 is set on a ${name(opcode)} frame: control frames are never compressed, so permessage-deflate forbids RSV1 on them`,
  },
  'reserved-opcode': {
    rule: 'reserved-opcode', closeCode: 1002, rfc: '5.2', fields: ['opcode'],
    quote: 'If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_.',
    explanation: 'Opcodes 0x3-0x7 and 0xB-0xF are reserved; without an extension that defines one, it is an error.',
    describe: ({ opcode }) => `Opcode 0x${opcode.toString(16).toUpperCase()} is reserved for ${(opcode & 0b1000) !== 0 ? 'future control frames' : 'future data frames'}; no extension defines it`,
  },
  'fragmented-control-frame': {
    rule: 'fragmented-control-frame', closeCode: 1002, rfc: '5.5', fields: ['fin', 'opcode'],
    quote: 'All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented.',
    explanation: 'A control frame (close, ping, pong) always has FIN=1.',
    describe: ({ opcode }) => `A ${name(opcode)} frame has FIN=0: control frames must not be fragmented`,
  },
  'mask-required': {
    rule: 'mask-required', closeCode: 1002, rfc: '5.1', fields: ['mask'],
    quote: 'The server MUST close the connection upon receiving a frame that is not masked.',
    explanation: 'Every frame from a client to a server is masked (MASK=1).',
    describe: () => 'The frame is not masked (MASK=0), but a client must mask every frame it sends to a server',
  },
  'mask-forbidden': {
    rule: 'mask-forbidden', closeCode: 1002, rfc: '5.1', fields: ['mask'],
    quote: 'A client MUST close a connection if it detects a masked frame.',
    explanation: 'No frame from a server to a client is masked (MASK=0).',
    describe: () => 'The frame is masked (MASK=1), but a server must not mask the frames it sends to a client',
  },
  'control-frame-too-long': {
    rule: 'control-frame-too-long', closeCode: 1002, rfc: '5.5', fields: ['payload-length'],
    quote: 'All control frames MUST have a payload length of 125 bytes or less and MUST NOT be fragmented.',
    explanation: 'A control frame carries at most 125 bytes, so its length never needs the extended forms.',
    describe: ({ opcode, lengthField }) => `A ${name(opcode)} frame declares an extended payload length (${lengthField}): control frames carry at most 125 bytes`,
  },
  'unexpected-continuation': {
    rule: 'unexpected-continuation', closeCode: 1002, rfc: '5.4',
    fields: ['opcode'],
    quote: 'A fragmented message consists of a single frame with the FIN bit clear and an opcode other than 0, followed by zero or more frames with the FIN bit clear and the opcode set to 0, and terminated by a single frame with the FIN bit set and an opcode of 0.',
    explanation: 'A continuation frame (opcode 0x0) only continues a fragmented message.',
    describe: () => 'A continuation frame (opcode 0x0) arrived, but no fragmented message was in progress to continue',
  },
  'expected-continuation': {
    rule: 'expected-continuation', closeCode: 1002, rfc: '5.4', fields: ['opcode'],
    quote: 'The fragments of one message MUST NOT be interleaved between the fragments of another message unless an extension has been negotiated that can interpret the interleaving.',
    explanation: 'Until its final fragment, a fragmented message is continued with opcode 0x0; no other message may start.',
    describe: ({ opcode }) => `A new ${name(opcode)} message started while a fragmented message was unfinished; its next fragment must use opcode 0x0 (continuation)`,
  },
  'close-payload-one-byte': {
    rule: 'close-payload-one-byte', closeCode: 1002, rfc: '5.5.1', fields: ['payload-length'],
    quote: 'If there is a body, the first two bytes of the body MUST be a 2-byte unsigned integer (in network byte order) representing a status code',
    explanation: 'A close payload is empty, or starts with a 2-byte status code.',
    describe: () => 'The close frame has a 1-byte payload: a close payload is empty or starts with a 2-byte status code',
  },
  'non-minimal-length': {
    rule: 'non-minimal-length', closeCode: 1002, rfc: '5.2', fields: ['extended-payload-length'],
    quote: 'Note that in all cases, the minimal number of bytes MUST be used to encode the length',
    explanation: 'The payload length is written in the shortest form that holds it: 7 bits up to 125, 16 bits up to 65535.',
    describe: ({ length, lengthForm }) =>
      `The ${lengthForm}-bit extended payload length holds ${length}, which fits in ${length < 126 ? 'the 7-bit field' : '16 bits'}: the length must be encoded in the fewest bytes`,
  },
  'length-msb-set': {
    rule: 'length-msb-set', closeCode: 1002, rfc: '5.2', fields: ['extended-payload-length'],
    quote: 'If 127, the following 8 bytes interpreted as a 64-bit unsigned integer (the most significant bit MUST be 0) are the payload length.',
    explanation: 'The 64-bit extended payload length has its most significant bit 0.',
    describe: () => 'The 64-bit extended payload length has its most significant bit set: that bit must be 0',
  },
  'payload-too-large': {
    rule: 'payload-too-large', closeCode: 1009, rfc: '7.4.1', fields: ['payload-length', 'extended-payload-length'],
    quote: '1009 indicates that an endpoint is terminating the connection because it has received a message that is too big for it to process.',
    explanation: 'A frame whose declared payload is over this endpoint\u2019s limit is refused from its header (1009 Message Too Big).',
    describe: ({ length, limit }) =>
      `The frame declares a ${length}-byte payload, over this endpoint's limit of ${limit} bytes; it is refused before any of it is read: 1009 Message Too Big`,
  },
  'message-too-large': {
    rule: 'message-too-large', closeCode: 1009, rfc: '7.4.1', fields: ['payload-length', 'extended-payload-length'],
    quote: '1009 indicates that an endpoint is terminating the connection because it has received a message that is too big for it to process.',
    explanation: 'A message whose fragments together go over this endpoint\u2019s limit is refused (1009 Message Too Big).',
    describe: ({ length, limit }) => `This fragment would bring the message to ${length} bytes, over this endpoint's limit of ${limit} bytes: 1009 Message Too Big`,
  },
  'invalid-close-code': {
    rule: 'invalid-close-code', closeCode: 1002, rfc: '7.4', fields: ['payload'],
    quote: 'This specification defines a set of pre-defined status codes and specifies which ranges may be used by extensions, frameworks, and end applications.',
    explanation: 'A close frame carries 1000-1003, 1007-1014 or 3000-4999; 1005, 1006 and 1015 are reported locally and never sent.',
    describe: ({ code }) => `The close frame carries status code ${code} (${closeCodeInfo(code).name}), which may not be sent in a close frame`,
  },
  'invalid-utf8': {
    rule: 'invalid-utf8', closeCode: 1007, rfc: '8.1', fields: ['payload'],
    quote: 'When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.',
    explanation: 'A text message (§5.6) and a close reason (§5.5.1) are UTF-8; the connection fails on the first byte that cannot be.',
    describe: (d) => {
      if (d.in === 'close-reason') {
        return `The close reason is not valid UTF-8 (at payload offset ${d.payloadOffset ?? 2}); the reason of a close frame must be UTF-8 (§5.5.1)`;
      }
      if (d.byte === null) return 'The text message ends in the middle of a UTF-8 sequence: a text message must be complete UTF-8';
      return `Byte ${hex2(d.byte)} at payload offset ${d.payloadOffset ?? 0} cannot be part of valid UTF-8, and a text message must be UTF-8`;
    },
  },
  'inflate-failed': {
    rule: 'inflate-failed', closeCode: 1007, rfc: '7.4.1', fields: ['payload'],
    quote: '1007 indicates that an endpoint is terminating the connection because it has received data within a message that was not consistent with the type of the message (e.g., non-UTF-8 [RFC3629] data within a text message).',
    explanation: 'A compressed message (RSV1 set) must inflate: RFC 7692 §7.2.2, append 00 00 ff ff and decompress with DEFLATE.',
    describe: ({ reason }) => `The message has RSV1 set, but its payload with 00 00 ff ff appended does not inflate (${reason}): it is not permessage-deflate data, 1007`,
  },
  'inflated-too-large': {
    rule: 'inflated-too-large', closeCode: 1009, rfc: '7.4.1', fields: ['payload'],
    quote: '1009 indicates that an endpoint is terminating the connection because it has received a message that is too big for it to process.',
    explanation: 'A compressed message is held to the size limit as it inflates: past the limit, inflating stops and the connection fails (1009), before the output is kept.',
    describe: ({ limit }) => `The compressed message inflates past this endpoint's limit of ${limit} bytes; inflating stopped there (a zip bomb costs no more): 1009 Message Too Big`,
  },
  'inflated-invalid-utf8': {
    rule: 'inflated-invalid-utf8', closeCode: 1007, rfc: '8.1', fields: ['payload'],
    quote: 'When an endpoint is to interpret a byte stream as UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket Connection_.',
    explanation: 'A compressed text message is UTF-8 once inflated; the check runs on the inflated bytes.',
    describe: ({ byte, at }) =>
      byte === null
        ? 'The compressed text message inflates to text that ends in the middle of a UTF-8 sequence'
        : `The compressed text message inflates to bytes that are not UTF-8: byte ${hex2(byte)} at offset ${at} of the inflated text`,
  },
};

/** A rule's section as a citation: "RFC 6455 §5.2", or the RFC its row names ("RFC 7692 §6.1"). */
export function citation(rfc: string): string {
  return rfc.startsWith('RFC ') ? rfc : `RFC 6455 §${rfc}`;
}

/** The table row of a rule. */
export function faultInfo<R extends FaultRule>(rule: R): FaultRuleInfo<R> {
  return FAULTS[rule] as FaultRuleInfo<R>;
}

interface FaultOf<R extends FaultRule> {
  kind: 'fault';
  rule: R;
  /** The close code to send when failing the connection (from `FAULTS`). */
  closeCode: FaultCloseCode;
  /** Byte offset, in the stream fed to the parser, of the first byte at fault. */
  offset: number;
  /** Stream offset of the first byte of the frame the fault was found in. */
  frameOffset: number;
  /** How many bytes from `offset` are at fault (at least 1). */
  length: number;
  /** The RFC 6455 section that states the rule, such as "5.2" (from `FAULTS`). */
  rfc: string;
  /** The values of this fault, by rule (see `FaultDetails`). */
  detail: FaultDetails[R];
  /** One or two sentences a student can read: what was wrong, and the section that says so. */
  message: string;
}

/** A fault of any rule; `rule` tells which, and narrows `detail`. */
export type Fault = { [R in FaultRule]: FaultOf<R> }[FaultRule];

/** Where a fault is: the first byte at fault, how many, and the frame it was found in. */
export interface FaultSite {
  offset: number;
  /** At least 1 (default 1). */
  length?: number;
  frameOffset: number;
}

/** A fault of `rule` at `site`: close code, section and sentence come from `FAULTS`. */
export function fault<R extends FaultRule>(rule: R, site: FaultSite, detail: FaultDetails[R]): Fault {
  const info = faultInfo(rule);
  const made: FaultOf<R> = {
    kind: 'fault',
    rule,
    closeCode: info.closeCode,
    offset: site.offset,
    frameOffset: site.frameOffset,
    length: site.length ?? 1,
    rfc: info.rfc,
    detail,
    message: `${info.describe(detail)} (${citation(info.rfc)}).`,
  };
  return made as Fault;
}
