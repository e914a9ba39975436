/**
 * The streaming frame parser: bytes in, frames or one fault out.
 *
 * Feed chunks of any size with `push()`, then call `next()` until it returns null ("need more
 * bytes"). It never assumes one read is one frame: a frame may be split anywhere, including inside
 * the extended payload length or the masking key, and one chunk may hold many frames.
 *
 * Everything RFC 6455 says a receiver must check about a single frame, and about the order of
 * frames, is checked here, from the header before any payload is buffered where the header
 * decides it. Text payloads are checked for UTF-8 as their bytes arrive, so an invalid sequence
 * fails the connection even while the rest of the frame is still on its way (§8.1).
 *
 * Ownership: `push()` takes the chunk. Masked payloads are unmasked in place, and frames' payloads
 * are views into the pushed chunks where a payload did not span two of them. Callers that need the
 * bytes as they were on the wire keep their own copy before pushing.
 */
import { isValidCloseCode } from './close-codes.ts';
import { allocatePooled, type Allocate } from './encoder.ts';
import { fault, type Fault } from './fault.ts';
import type { Frame, LengthForm } from './frame.ts';
import { applyMask } from './mask.ts';
import { isControl, isKnownOpcode, Opcode } from './opcodes.ts';
import { Utf8Validator, type Utf8Check } from './utf8.ts';

/** Who sent the bytes being parsed: a client (frames MUST be masked), a server (MUST NOT), or unknown. */
export type FrameSender = 'client' | 'server' | 'any';

export interface ParserOptions {
  /** Who sent the bytes. Default 'any': masking is not checked. */
  sender?: FrameSender;
  /** Largest payload accepted in one frame; a larger declared length fails with 1009. */
  maxPayload?: number;
  /** Largest message (all fragments together); a larger one fails with 1009. */
  maxMessage?: number;
  /** RSV bits that a negotiated extension defines (none by default). */
  allowRsv1?: boolean;
  allowRsv2?: boolean;
  allowRsv3?: boolean;
  /** Check text payloads and close reasons for UTF-8 (default true). */
  validateUtf8?: boolean;
  /** Where a payload that spans several pushed chunks is joined (see `Allocate` in encoder.ts). */
  allocate?: Allocate;
  /** A native whole-buffer UTF-8 check to try first on long text pieces (see `Utf8Check`). */
  utf8Check?: Utf8Check;
}

export interface Incomplete {
  /** Stream offset where the unfinished frame starts. */
  offset: number;
  /** Bytes of it received so far. */
  have: number;
  /** At least this many more bytes are needed to go on (exact once the header is complete). */
  needed: number;
}

const enum State {
  Header,
  Length16,
  Length64,
  MaskingKey,
  Payload,
  Failed,
}

const EMPTY = new Uint8Array(0);
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

export class FrameParser {
  readonly #sender: FrameSender;
  readonly #maxPayload: number;
  readonly #maxMessage: number;
  readonly #rsvAllowed: number;
  readonly #validateUtf8: boolean;
  readonly #allocate: Allocate;

  // Buffered input: a list of chunks, the read position in the first one, and a running total.
  #chunks: Uint8Array[] = [];
  #pos = 0;
  #buffered = 0;
  /** Stream offset of the next unread byte. */
  #offset = 0;

  #state = State.Header;
  #fault: Fault | null = null;

  // The frame being read.
  #frameStart = 0;
  #fin = false;
  #rsv = 0;
  #opcode = 0;
  #masked = false;
  #length7 = 0;
  #payloadLength = 0;
  #lengthForm: LengthForm = 7;
  #headerLength = 2;
  #maskingKey: Uint8Array | null = null;
  // The payload so far: its first piece (most frames are one piece), and, when it spans reads, a
  // buffer the pieces are copied into, grown by doubling up to the payload length. Copied, not kept
  // as views: a frame trickled in a byte per read would otherwise cost a view object (and a pinned
  // read buffer) per byte, about a hundred times the payload in memory.
  #firstPart: Uint8Array = EMPTY;
  #gathered: Uint8Array | null = null;
  #payloadDone = 0;

  // The data message in progress (RFC 6455 §5.4 fragmentation).
  #inMessage = false;
  #messageIsText = false;
  #messageLength = 0;
  readonly #utf8: Utf8Validator;
  /** Is this frame's payload text being validated as it arrives? */
  #checkingText = false;

  constructor(options: ParserOptions = {}) {
    this.#sender = options.sender ?? 'any';
    this.#maxPayload = Math.min(options.maxPayload ?? MAX_SAFE, MAX_SAFE);
    this.#maxMessage = Math.min(options.maxMessage ?? MAX_SAFE, MAX_SAFE);
    this.#rsvAllowed = (options.allowRsv1 ? 4 : 0) | (options.allowRsv2 ? 2 : 0) | (options.allowRsv3 ? 1 : 0);
    this.#validateUtf8 = options.validateUtf8 ?? true;
    this.#allocate = options.allocate ?? allocatePooled;
    this.#utf8 = new Utf8Validator(options.utf8Check ?? null);
  }

  /** Add received bytes. After a fault, bytes are discarded (RFC 6455 §7.1.7). */
  push(chunk: Uint8Array): void {
    if (this.#state === State.Failed || chunk.length === 0) return;
    // A subclass (Node's Buffer) makes every subarray() go through its species constructor, several
    // times slower than a plain view; one plain view of the same bytes per chunk avoids that.
    const plain = Object.getPrototypeOf(chunk) === Uint8Array.prototype ? chunk : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length);
    this.#chunks.push(plain);
    this.#buffered += chunk.length;
  }

  /**
   * The next complete frame, or the fault that ends the stream, or null when more bytes are
   * needed. After a fault every call returns null; read `fault` to see it again.
   */
  next(): Frame | Fault | null {
    for (;;) {
      switch (this.#state) {
        case State.Header: {
          if (this.#buffered < 2) return null;
          const f = this.#readHeader();
          if (f) return this.#fail(f);
          break;
        }
        case State.Length16: {
          if (this.#buffered < 2) return null;
          const length = (this.#byte() << 8) | this.#byte();
          // RFC 6455 §5.2: "the minimal number of bytes MUST be used to encode the length"
          if (length < 126) {
            return this.#fail(
              fault('non-minimal-length', 1002, this.#frameStart + 2, 2, '5.2',
                `The 16-bit extended payload length holds ${length}, which fits in the 7-bit field: the length must be encoded in the fewest bytes (RFC 6455 §5.2).`),
            );
          }
          const f = this.#setLength(length);
          if (f) return this.#fail(f);
          break;
        }
        case State.Length64: {
          if (this.#buffered < 8) return null;
          const high = this.#uint32();
          const low = this.#uint32();
          // RFC 6455 §5.2: "the most significant bit MUST be 0"
          if (high >= 0x80000000) {
            return this.#fail(
              fault('length-msb-set', 1002, this.#frameStart + 2, 1, '5.2',
                'The 64-bit extended payload length has its most significant bit set: that bit must be 0 (RFC 6455 §5.2).'),
            );
          }
          const length = high * 0x100000000 + low;
          if (length < 65536) {
            return this.#fail(
              fault('non-minimal-length', 1002, this.#frameStart + 2, 8, '5.2',
                `The 64-bit extended payload length holds ${length}, which fits in ${length < 126 ? 'the 7-bit field' : '16 bits'}: the length must be encoded in the fewest bytes (RFC 6455 §5.2).`),
            );
          }
          const f = this.#setLength(length);
          if (f) return this.#fail(f);
          break;
        }
        case State.MaskingKey: {
          if (this.#buffered < 4) return null;
          this.#maskingKey = this.#take(4);
          this.#startPayload();
          break;
        }
        case State.Payload: {
          const f = this.#readPayload();
          if (f) return this.#fail(f);
          if (this.#payloadDone < this.#payloadLength) return null;
          const frameOrFault = this.#finishFrame();
          if (frameOrFault.kind === 'fault') return this.#fail(frameOrFault);
          return frameOrFault;
        }
        case State.Failed:
          return null;
      }
    }
  }

  /** The fault that ended the stream, if any. */
  get fault(): Fault | null {
    return this.#fault;
  }

  /** Total bytes consumed into frames (the stream offset of the next unread byte). */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes pushed but not yet consumed. */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /** Is a data message open (a fragment with FIN=0 seen, its final fragment not yet)? */
  get inMessage(): boolean {
    return this.#inMessage;
  }

  /** Where the stream stops mid-frame, or null if it ends on a frame boundary (or failed). */
  get incomplete(): Incomplete | null {
    if (this.#state === State.Failed) return null;
    if (this.#state === State.Header) {
      if (this.#buffered === 0) return null;
      return { offset: this.#offset, have: this.#buffered, needed: 2 - this.#buffered };
    }
    const have = this.#offset + this.#buffered - this.#frameStart;
    // Payload still owed, computed without adding header and payload lengths: near 2^53 that sum
    // is no longer an exact number.
    const needed = this.#state === State.Payload ? this.#payloadLength - (have - this.#headerLength) : this.#headerLength - have;
    return { offset: this.#frameStart, have, needed: Math.max(1, needed) };
  }

  // ---- header -------------------------------------------------------------------------------

  #readHeader(): Fault | null {
    this.#frameStart = this.#offset;
    const b0 = this.#byte();
    const b1 = this.#byte();
    const start = this.#frameStart;
    this.#fin = (b0 & 0b1000_0000) !== 0;
    this.#rsv = (b0 & 0b0111_0000) >>> 4;
    this.#opcode = b0 & 0b0000_1111;
    this.#masked = (b1 & 0b1000_0000) !== 0;
    this.#length7 = b1 & 0b0111_1111;
    this.#maskingKey = null;
    const opcode = this.#opcode;

    // RFC 6455 §5.2: "If a nonzero value is received and none of the negotiated extensions defines
    // the meaning of such a nonzero value, the receiving endpoint MUST _Fail the WebSocket Connection_."
    const badRsv = this.#rsv & ~this.#rsvAllowed;
    if (badRsv !== 0) {
      const names = [4, 2, 1].filter((bit) => (badRsv & bit) !== 0).map((bit) => `RSV${bit === 4 ? 1 : bit === 2 ? 2 : 3}`);
      return fault('rsv-without-extension', 1002, start, 1, '5.2',
        `${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set but no extension that defines ${names.length > 1 ? 'them' : 'it'} was negotiated (RFC 6455 §5.2).`);
    }
    // RFC 6455 §5.2: "If an unknown opcode is received, the receiving endpoint MUST _Fail the WebSocket Connection_."
    if (!isKnownOpcode(opcode)) {
      return fault('reserved-opcode', 1002, start, 1, '5.2',
        `Opcode 0x${opcode.toString(16).toUpperCase()} is reserved for ${isControl(opcode) ? 'future control frames' : 'future data frames'}; no extension defines it (RFC 6455 §5.2).`);
    }
    const control = isControl(opcode);
    // RFC 6455 §5.5: "Control frames themselves MUST NOT be fragmented."
    if (control && !this.#fin) {
      return fault('fragmented-control-frame', 1002, start, 1, '5.5',
        `A ${opcodeName(opcode)} frame has FIN=0: control frames must not be fragmented (RFC 6455 §5.5).`);
    }
    // RFC 6455 §5.1: "A server MUST close the connection upon receiving a frame that is not masked."
    if (this.#sender === 'client' && !this.#masked) {
      return fault('mask-required', 1002, start + 1, 1, '5.1',
        'The frame is not masked (MASK=0), but a client must mask every frame it sends to a server (RFC 6455 §5.1).');
    }
    // RFC 6455 §5.1: "A client MUST close a connection if it detects a masked frame."
    if (this.#sender === 'server' && this.#masked) {
      return fault('mask-forbidden', 1002, start + 1, 1, '5.1',
        'The frame is masked (MASK=1), but a server must not mask the frames it sends to a client (RFC 6455 §5.1).');
    }
    // RFC 6455 §5.5: "All control frames MUST have a payload length of 125 bytes or less"
    if (control && this.#length7 > 125) {
      return fault('control-frame-too-long', 1002, start + 1, 1, '5.5',
        `A ${opcodeName(opcode)} frame declares an extended payload length (${this.#length7}): control frames carry at most 125 bytes (RFC 6455 §5.5).`);
    }
    if (opcode === Opcode.Continuation) {
      // RFC 6455 §5.4: a continuation frame only continues a fragmented message.
      if (!this.#inMessage) {
        return fault('unexpected-continuation', 1002, start, 1, '5.4',
          'A continuation frame (opcode 0x0) arrived, but no fragmented message was in progress to continue (RFC 6455 §5.4).');
      }
    } else if (!control && this.#inMessage) {
      // RFC 6455 §5.4: fragments of one message are not interleaved with another message.
      return fault('expected-continuation', 1002, start, 1, '5.4',
        `A new ${opcodeName(opcode)} message started while a fragmented message was unfinished; its next fragment must use opcode 0x0 (continuation) (RFC 6455 §5.4).`);
    }
    // RFC 6455 §5.5.1: a close payload, if present, starts with a 2-byte code.
    if (opcode === Opcode.Close && this.#length7 === 1) {
      return fault('close-payload-one-byte', 1002, start + 1, 1, '5.5.1',
        'The close frame has a 1-byte payload: a close payload is empty or starts with a 2-byte status code (RFC 6455 §5.5.1).');
    }

    if (this.#length7 === 126) {
      this.#state = State.Length16;
      this.#lengthForm = 16;
      this.#headerLength = 4 + (this.#masked ? 4 : 0);
      return null;
    }
    if (this.#length7 === 127) {
      this.#state = State.Length64;
      this.#lengthForm = 64;
      this.#headerLength = 10 + (this.#masked ? 4 : 0);
      return null;
    }
    this.#lengthForm = 7;
    this.#headerLength = 2 + (this.#masked ? 4 : 0);
    return this.#setLength(this.#length7);
  }

  #setLength(length: number): Fault | null {
    this.#payloadLength = length;
    const lengthBytes = this.#lengthForm === 7 ? 1 : this.#lengthForm === 16 ? 3 : 9;
    if (length > this.#maxPayload) {
      return fault('payload-too-large', 1009, this.#frameStart + 1, lengthBytes, '7.4.1',
        `The frame declares a ${length}-byte payload, over this endpoint's limit of ${this.#maxPayload} bytes; it is refused before any of it is read (1009 Message Too Big, RFC 6455 §7.4.1).`);
    }
    if (!isControl(this.#opcode)) {
      const total = (this.#opcode === Opcode.Continuation ? this.#messageLength : 0) + length;
      if (total > this.#maxMessage) {
        return fault('message-too-large', 1009, this.#frameStart + 1, lengthBytes, '7.4.1',
          `This fragment would bring the message to ${total} bytes, over this endpoint's limit of ${this.#maxMessage} bytes (1009 Message Too Big, RFC 6455 §7.4.1).`);
      }
    }
    if (this.#masked) {
      this.#state = State.MaskingKey;
    } else {
      this.#startPayload();
    }
    return null;
  }

  #startPayload(): void {
    this.#state = State.Payload;
    this.#payloadDone = 0;
    this.#firstPart = EMPTY;
    this.#gathered = null;
    const opcode = this.#opcode;
    if (opcode === Opcode.Text) {
      this.#utf8.reset();
      this.#checkingText = this.#validateUtf8;
    } else if (opcode === Opcode.Continuation) {
      this.#checkingText = this.#validateUtf8 && this.#messageIsText;
    } else {
      this.#checkingText = false;
    }
  }

  // ---- payload ------------------------------------------------------------------------------

  /** Take whatever payload bytes are buffered, unmask and (for text) validate them as they come. */
  #readPayload(): Fault | null {
    while (this.#payloadDone < this.#payloadLength && this.#buffered > 0) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#pos;
      const take = Math.min(available, this.#payloadLength - this.#payloadDone);
      const part = chunk.subarray(this.#pos, this.#pos + take);
      this.#advance(take);
      if (this.#maskingKey !== null) applyMask(part, this.#maskingKey, this.#payloadDone);
      if (this.#checkingText) {
        const bad = this.#utf8.update(part);
        if (bad !== -1) {
          const at = this.#frameStart + this.#headerLength + this.#payloadDone + bad;
          return fault('invalid-utf8', 1007, at, 1, '8.1',
            `Byte ${hex2(part[bad]!)} at payload offset ${this.#payloadDone + bad} cannot be part of valid UTF-8, and a text message must be UTF-8 (RFC 6455 §8.1, 1007).`);
        }
      }
      if (this.#payloadDone === 0) this.#firstPart = part;
      else this.#gather(part);
      this.#payloadDone += take;
    }
    return null;
  }

  /** Append `part` (after #payloadDone bytes) to the gathered payload; memory stays under twice what arrived. */
  #gather(part: Uint8Array): void {
    const held = this.#payloadDone;
    const needed = held + part.length;
    let buffer = this.#gathered;
    if (buffer === null || needed > buffer.length) {
      const grown = this.#allocate(Math.min(this.#payloadLength, Math.max(needed, 2 * (buffer?.length ?? held))));
      grown.set(buffer === null ? this.#firstPart : buffer.subarray(0, held), 0);
      buffer = this.#gathered = grown;
    }
    buffer.set(part, held);
  }

  #finishFrame(): Frame | Fault {
    // Complete, the gathered buffer is exactly the payload (its growth stops at the payload length).
    const payload = this.#gathered ?? this.#firstPart;
    this.#firstPart = EMPTY;
    this.#gathered = null;

    const opcode = this.#opcode;
    const payloadStart = this.#frameStart + this.#headerLength;
    if (opcode === Opcode.Close) {
      const f = this.#checkClosePayload(payload, payloadStart);
      if (f) return f;
    } else if (!isControl(opcode)) {
      if (opcode !== Opcode.Continuation) {
        this.#messageIsText = opcode === Opcode.Text;
        this.#messageLength = 0;
      }
      this.#messageLength += payload.length;
      if (this.#fin) {
        this.#inMessage = false;
        // RFC 6455 §8.1: the whole message must be UTF-8, so it cannot end mid-sequence.
        if (this.#checkingText && !this.#utf8.complete) {
          const pending = this.#utf8.pendingBytes;
          this.#utf8.reset();
          // The unfinished sequence's bytes in this frame; an empty final fragment has none, and its
          // FIN bit (first byte) is what ended the message.
          const inFrame = Math.min(pending, payload.length);
          const at = inFrame > 0 ? payloadStart + payload.length - inFrame : this.#frameStart;
          return fault('invalid-utf8', 1007, at, Math.max(1, inFrame), '8.1',
            'The text message ends in the middle of a UTF-8 sequence: a text message must be complete UTF-8 (RFC 6455 §8.1, 1007).');
        }
      } else {
        this.#inMessage = true;
      }
    }

    const frame: Frame = {
      kind: 'frame',
      fin: this.#fin,
      rsv1: (this.#rsv & 4) !== 0,
      rsv2: (this.#rsv & 2) !== 0,
      rsv3: (this.#rsv & 1) !== 0,
      opcode,
      masked: this.#masked,
      maskingKey: this.#maskingKey,
      payloadLength: this.#payloadLength,
      lengthForm: this.#lengthForm,
      headerLength: this.#headerLength,
      payload,
      offset: this.#frameStart,
    };
    this.#state = State.Header;
    return frame;
  }

  #checkClosePayload(payload: Uint8Array, payloadStart: number): Fault | null {
    if (payload.length < 2) return null;
    const code = (payload[0]! << 8) | payload[1]!;
    // RFC 6455 §7.4: only defined codes may be sent; §7.4.1 lists those that must never be.
    if (!isValidCloseCode(code)) {
      return fault('invalid-close-code', 1002, payloadStart, 2, '7.4',
        `The close frame carries status code ${code}, which ${describeBadCode(code)} (RFC 6455 §7.4).`);
    }
    if (this.#validateUtf8 && payload.length > 2) {
      // RFC 6455 §5.5.1: the close reason "is not guaranteed to be human readable" but MUST be UTF-8.
      const v = new Utf8Validator();
      const bad = v.update(payload, 2);
      if (bad !== -1 || !v.complete) {
        // A reason that ends mid-sequence is at fault from the sequence's first byte.
        const at = bad !== -1 ? bad : payload.length - v.pendingBytes;
        return fault('invalid-utf8', 1007, payloadStart + at, bad !== -1 ? 1 : v.pendingBytes, '5.5.1',
          `The close reason is not valid UTF-8 (at payload offset ${at}); the reason of a close frame must be UTF-8 (RFC 6455 §5.5.1, 1007).`);
      }
    }
    return null;
  }

  // ---- input buffer -------------------------------------------------------------------------

  #fail(found: Fault): Fault {
    const f: Fault = { ...found, frameOffset: this.#frameStart };
    this.#state = State.Failed;
    this.#fault = f;
    this.#chunks = [];
    this.#pos = 0;
    this.#buffered = 0;
    this.#firstPart = EMPTY;
    this.#gathered = null;
    return f;
  }

  #advance(n: number): void {
    this.#pos += n;
    this.#buffered -= n;
    this.#offset += n;
    if (this.#pos === this.#chunks[0]!.length) {
      this.#chunks.shift();
      this.#pos = 0;
    }
  }

  /** One byte; the caller checked that it is buffered. */
  #byte(): number {
    const chunk = this.#chunks[0]!;
    const value = chunk[this.#pos]!;
    this.#advance(1);
    return value;
  }

  #uint32(): number {
    return ((this.#byte() << 24) >>> 0) + ((this.#byte() << 16) | (this.#byte() << 8) | this.#byte());
  }

  /** `n` buffered bytes: a view when they lie in one chunk, else a copy. */
  #take(n: number): Uint8Array {
    const chunk = this.#chunks[0]!;
    if (chunk.length - this.#pos >= n) {
      const view = chunk.subarray(this.#pos, this.#pos + n);
      this.#advance(n);
      return view;
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#byte();
    return out;
  }
}

function opcodeName(opcode: number): string {
  switch (opcode) {
    case Opcode.Continuation: return 'continuation';
    case Opcode.Text: return 'text';
    case Opcode.Binary: return 'binary';
    case Opcode.Close: return 'close';
    case Opcode.Ping: return 'ping';
    case Opcode.Pong: return 'pong';
    default: return `0x${opcode.toString(16)}`;
  }
}

function hex2(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0')}`;
}

function describeBadCode(code: number): string {
  if (code === 1005 || code === 1006 || code === 1015) return 'is reserved for local reporting and must never be sent in a close frame';
  if (code === 1004) return 'is reserved and not defined';
  if (code < 1000) return 'is below 1000, a range no endpoint uses';
  if (code < 3000) return 'is in the range 1000-2999 reserved for the protocol, and not assigned';
  return 'is 5000 or higher, outside every defined range';
}

/** The result of decoding a whole byte string at once (the decoder page and the CLI). */
export interface DecodeResult {
  frames: Frame[];
  fault: Fault | null;
  incomplete: Incomplete | null;
}

/**
 * Decode every frame in `bytes` (which is copied, not modified). Stops at the first fault, or
 * reports where the bytes end mid-frame.
 */
export function decodeFrames(bytes: Uint8Array, options: ParserOptions = {}): DecodeResult {
  const parser = new FrameParser(options);
  parser.push(bytes.slice());
  const frames: Frame[] = [];
  for (;;) {
    const item = parser.next();
    if (item === null) break;
    if (item.kind === 'fault') return { frames, fault: item, incomplete: null };
    frames.push(item);
  }
  return { frames, fault: null, incomplete: parser.incomplete };
}
