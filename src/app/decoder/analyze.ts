/**
 * The decoder page's work, as plain functions over the codec: hex text to bytes (`parseHex`), bytes
 * to frames (`FrameParser`, the parser the server uses), frames to messages (`MessageAssembler`).
 *
 * The result is compact so that a 1 MiB paste with tens of thousands of frames crosses from the
 * Web Worker cheaply: frames are three typed arrays (offset, header length, payload length) read
 * against the bytes; every other field is in the bytes themselves and `layoutFrame` reads it when
 * a frame is shown. Decoding runs as a generator that yields progress between slices, so the main
 * thread can run it in time slices too when no worker is available.
 */
import {
  type Fault,
  type Frame,
  FrameParser,
  type FrameSender,
  type HexError,
  type HexFormat,
  type HexWarning,
  type Incomplete,
  MessageAssembler,
  Opcode,
  parseHex,
} from '../../protocol';

/** Every decoded frame, one entry per array index. */
export interface FrameTable {
  count: number;
  /** Stream offset of the frame's first byte. */
  offsets: Float64Array;
  headerLengths: Uint8Array;
  payloadLengths: Float64Array;
}

export type MessageKind = 'message' | 'ping' | 'pong' | 'close';

/** One thing the frames amount to: a (possibly fragmented) data message or a control frame. */
export interface MessageEntry {
  kind: MessageKind;
  /** For data messages. */
  binary: boolean;
  /** Frame indexes that carried it, in order. */
  frames: number[];
  /** Total payload bytes. */
  length: number;
  /** A control frame that arrived between the fragments of data message number `between` (an index into messages). */
  between: number | null;
  /** The data message has not received its final fragment (the bytes ended, or a fault stopped them). */
  unfinished: boolean;
  /** Close frames: the status code (null when empty) and reason. */
  code: number | null;
  reason: string;
}

export interface DecodeAnalysis {
  sender: FrameSender;
  /** Decoded as if permessage-deflate were negotiated: RSV1 marks a compressed message (RFC 7692 §6). */
  deflate: boolean;
  /** The bytes as on the wire (masked payloads still masked). */
  bytes: Uint8Array;
  /** The same bytes with every decoded frame's payload unmasked in place. */
  plain: Uint8Array;
  frames: FrameTable;
  fault: Fault | null;
  incomplete: Incomplete | null;
  messages: MessageEntry[];
}

export type DecodeOutcome =
  | { kind: 'empty' }
  | { kind: 'hex-error'; error: HexError }
  | { kind: 'decoded'; format: HexFormat; warnings: HexWarning[]; analysis: DecodeAnalysis };

/** Progress of a decode: which phase, and how far (0-1) through it. */
export interface DecodeProgress {
  phase: 'hex' | 'frames';
  done: number;
  total: number;
}

/** Bytes handed to the parser at a time; progress is reported between slices. */
export const SLICE_BYTES = 1 << 16;

/** Read hex text. */
export function readHex(text: string): { ok: true; bytes: Uint8Array; format: HexFormat; warnings: HexWarning[] } | { ok: false; error: HexError } | { ok: 'empty' } {
  if (text.trim() === '') return { ok: 'empty' };
  const result = parseHex(text);
  if (!result.ok) return result;
  if (result.bytes.length === 0) return { ok: 'empty' };
  return result;
}

/**
 * Decode `bytes`, yielding progress after each slice of `sliceBytes`; the generator's return value
 * is the analysis. `bytes` is not modified.
 */
export function* decodeSteps(
  bytes: Uint8Array,
  sender: FrameSender,
  sliceBytes = SLICE_BYTES,
  deflate = false,
): Generator<DecodeProgress, DecodeAnalysis, void> {
  const plain = bytes.slice();
  const parser = new FrameParser({ sender, perMessageCompressed: deflate });
  const table = new TableBuilder();
  const messages = new MessageBuilder();
  let fault: Fault | null = null;
  for (let at = 0; at < plain.length && fault === null; at += sliceBytes) {
    // The parser unmasks payloads in place in the chunks it is given: views of `plain`.
    parser.push(plain.subarray(at, Math.min(plain.length, at + sliceBytes)));
    for (;;) {
      const item = parser.next();
      if (item === null) break;
      if (item.kind === 'fault') {
        fault = item;
        break;
      }
      messages.accept(item, table.count);
      table.add(item);
    }
    if (at + sliceBytes < plain.length && fault === null) yield { phase: 'frames', done: at + sliceBytes, total: plain.length };
  }
  return {
    sender,
    deflate,
    bytes,
    plain,
    frames: table.build(),
    fault,
    incomplete: fault === null ? parser.incomplete : null,
    messages: messages.finish(),
  };
}

/** Run a generator to its end, ignoring progress. */
export function runToEnd<R>(steps: Generator<unknown, R, void>): R {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Hex text to an outcome, in one go (small inputs, tests, the worker). */
export function decodeText(text: string, sender: FrameSender, deflate = false): DecodeOutcome {
  return runToEnd(decodeTextSteps(text, sender, SLICE_BYTES, deflate));
}

/** Hex text to an outcome, yielding progress. */
export function* decodeTextSteps(
  text: string,
  sender: FrameSender,
  sliceBytes = SLICE_BYTES,
  deflate = false,
): Generator<DecodeProgress, DecodeOutcome, void> {
  yield { phase: 'hex', done: 0, total: text.length };
  const hex = readHex(text);
  if (hex.ok === 'empty') return { kind: 'empty' };
  if (!hex.ok) return { kind: 'hex-error', error: hex.error };
  const analysis = yield* decodeSteps(hex.bytes, sender, sliceBytes, deflate);
  return { kind: 'decoded', format: hex.format, warnings: hex.warnings, analysis };
}

class TableBuilder {
  count = 0;
  #offsets = new Float64Array(64);
  #headers = new Uint8Array(64);
  #lengths = new Float64Array(64);

  add(frame: Frame): void {
    if (this.count === this.#offsets.length) {
      const size = this.count * 2;
      this.#offsets = grow(this.#offsets, new Float64Array(size));
      this.#headers = grow(this.#headers, new Uint8Array(size));
      this.#lengths = grow(this.#lengths, new Float64Array(size));
    }
    this.#offsets[this.count] = frame.offset;
    this.#headers[this.count] = frame.headerLength;
    this.#lengths[this.count] = frame.payloadLength;
    this.count++;
  }

  build(): FrameTable {
    return {
      count: this.count,
      offsets: this.#offsets.slice(0, this.count),
      headerLengths: this.#headers.slice(0, this.count),
      payloadLengths: this.#lengths.slice(0, this.count),
    };
  }
}

function grow<T extends Float64Array | Uint8Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

/** MessageAssembler's events, each with the frames that made it. */
class MessageBuilder {
  readonly #assembler = new MessageAssembler();
  readonly #messages: MessageEntry[] = [];
  /** The data message being assembled: its frames so far and its index in `#messages`. */
  #open: MessageEntry | null = null;
  #openIndex = -1;

  accept(frame: Frame, index: number): void {
    const event = this.#assembler.accept(frame);
    const isData = frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary || frame.opcode === Opcode.Continuation;
    if (isData) {
      if (this.#open === null) {
        // The first fragment: the message gets its place in the list now, before any control
        // frame that arrives between its fragments.
        this.#open = entry('message', [], frame.opcode === Opcode.Binary);
        this.#openIndex = this.#messages.length;
        this.#messages.push(this.#open);
      }
      this.#open.frames.push(index);
      this.#open.length += frame.payloadLength;
      if (event !== null) {
        this.#open.unfinished = false;
        this.#open = null;
      }
      return;
    }
    if (event === null) return;
    const control = entry(event.kind, [index], false);
    control.length = frame.payloadLength;
    control.between = this.#open === null ? null : this.#openIndex;
    if (event.kind === 'close') {
      control.code = event.code;
      control.reason = event.reason;
    }
    this.#messages.push(control);
  }

  finish(): MessageEntry[] {
    return this.#messages;
  }
}

function entry(kind: MessageKind, frames: number[], binary: boolean): MessageEntry {
  return { kind, binary, frames, length: 0, between: null, unfinished: kind === 'message', code: null, reason: '' };
}

// ---- reading a frame back out of the table ------------------------------------------------------

export interface FrameRow {
  index: number;
  offset: number;
  headerLength: number;
  payloadLength: number;
  /** Header plus payload. */
  length: number;
  fin: boolean;
  rsv: number;
  opcode: number;
  masked: boolean;
}

/** Frame `index` of the analysis, its header read from the bytes. */
export function frameRow(analysis: DecodeAnalysis, index: number): FrameRow {
  const { frames, bytes } = analysis;
  const offset = frames.offsets[index]!;
  const headerLength = frames.headerLengths[index]!;
  const payloadLength = frames.payloadLengths[index]!;
  const b0 = bytes[offset]!;
  const b1 = bytes[offset + 1]!;
  return {
    index,
    offset,
    headerLength,
    payloadLength,
    length: headerLength + payloadLength,
    fin: (b0 & 0b1000_0000) !== 0,
    rsv: (b0 & 0b0111_0000) >>> 4,
    opcode: b0 & 0b0000_1111,
    masked: (b1 & 0b1000_0000) !== 0,
  };
}

/** The unmasked payload of frame `index` (a view). */
export function framePayload(analysis: DecodeAnalysis, index: number): Uint8Array {
  const start = analysis.frames.offsets[index]! + analysis.frames.headerLengths[index]!;
  return analysis.plain.subarray(start, start + analysis.frames.payloadLengths[index]!);
}

/** The first `limit` bytes of a message's payload, joined across its fragments. */
export function messageBytes(analysis: DecodeAnalysis, message: MessageEntry, limit = Infinity): Uint8Array {
  const total = Math.min(limit, message.length);
  if (message.frames.length === 1) return framePayload(analysis, message.frames[0]!).subarray(0, total);
  const out = new Uint8Array(total);
  let at = 0;
  for (const index of message.frames) {
    if (at >= total) break;
    const part = framePayload(analysis, index);
    const take = Math.min(part.length, total - at);
    out.set(part.subarray(0, take), at);
    at += take;
  }
  return out;
}

/** The stream offset where the frame after the decoded ones starts: the fault's or the unfinished one's. */
export function tailOffset(analysis: DecodeAnalysis): number | null {
  if (analysis.fault) return analysis.fault.frameOffset;
  if (analysis.incomplete) return analysis.incomplete.offset;
  return null;
}

/** Rows in the frame list: the decoded frames, plus the broken or unfinished one if any. */
export function listLength(analysis: DecodeAnalysis): number {
  return analysis.frames.count + (tailOffset(analysis) === null ? 0 : 1);
}
