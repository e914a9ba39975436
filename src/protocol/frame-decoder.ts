/**
 * The frame decoder: bytes in, frames or one fault out, one frame at a time (in the manner of
 * wsproto's `FrameDecoder`). It knows the frame format of RFC 6455 §5.2 and the rules about a
 * single frame: RSV bits, reserved opcodes, masking by sender, control frames (FIN=1, at most
 * 125 bytes), minimal length encodings, the 64-bit length's top bit, the payload limit, and a
 * close payload of one byte. Rules about a frame's place in a message (fragment order, UTF-8
 * across fragments, message size, the close code and reason) are asked of a `FrameChecks`
 * (message-rules.ts) at the moment each can be decided: after the first two bytes, once the
 * length is known, as each piece of payload arrives, and when the frame is complete.
 *
 * Feed chunks of any size with `push()`, then call `next()` until it returns null ("need more
 * bytes"). A frame may be split anywhere, including inside the extended payload length or the
 * masking key, and one chunk may hold many frames.
 *
 * Ownership: `push()` takes the chunk. Masked payloads are unmasked in place, and frames' payloads
 * are views into the pushed chunks where a payload did not span two of them. With `unmaskInPlace:
 * false`, a payload that spans chunks may be unmasked straight into its own array instead, leaving
 * those bytes in the chunks as they were sent (`unmaskedTo` says how far the chunks were unmasked).
 */
import { allocatePooled, type Allocate } from './encoder.ts';
import { fault, type Fault, type FaultRule, type FaultSite, type RsvBit } from './fault.ts';
import { NO_FRAME_CHECKS, type FrameChecks } from './frame-checks.ts';
import type { Frame, FrameSender, Incomplete, LengthForm } from './frame.ts';
import { applyMaskKept, NOT_KEPT } from './mask.ts';
import { isControl, isKnownOpcode, Opcode } from './opcodes.ts';
import { PayloadParts } from './payload-parts.ts';

export interface FrameDecoderOptions {
  /** Who sent the bytes. Default 'any': masking is not checked. */
  sender?: FrameSender;
  /** Largest payload accepted in one frame; a larger declared length fails with 1009. */
  maxPayload?: number;
  /** RSV bits that a negotiated extension defines (none by default). */
  allowRsv1?: boolean;
  allowRsv2?: boolean;
  allowRsv3?: boolean;
  /**
   * permessage-deflate was negotiated (RFC 7692 §6): RSV1 marks a compressed message, allowed on
   * the first frame of a data message only (a control or continuation frame with it is a fault).
   */
  perMessageCompressed?: boolean;
  /** Where a payload that spans several pushed chunks is joined (see `Allocate` in encoder.ts). */
  allocate?: Allocate;
  /**
   * true (the default): masked payloads are unmasked in the pushed chunks, which then hold every
   * payload unmasked (the decoder page shows them so). false: a payload that spans chunks may be
   * unmasked straight into its own array, as the WebAssembly kernel copies it out of its memory
   * (one pass over the bytes less, payload-parts.ts); the chunks keep those bytes as sent.
   */
  unmaskInPlace?: boolean;
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
/** The rules the header's bits decide by themselves (their faults need no values from elsewhere). */
type HeaderRule = Exclude<
  FaultRule,
  | 'unexpected-continuation'
  | 'expected-continuation'
  | 'non-minimal-length'
  | 'payload-too-large'
  | 'message-too-large'
  | 'invalid-close-code'
  | 'invalid-utf8'
  | 'inflate-failed'
  | 'inflated-too-large'
  | 'inflated-invalid-utf8'
>;

const RSV_BITS: readonly [number, RsvBit][] = [[4, 'RSV1'], [2, 'RSV2'], [1, 'RSV3']];

export class FrameDecoder {
  readonly #sender: FrameSender;
  readonly #maxPayload: number;
  readonly #rsvAllowed: number;
  /** RSV1 means "compressed" (permessage-deflate), on first data frames only. */
  readonly #compressed: boolean;
  readonly #allocate: Allocate;
  readonly #checks: FrameChecks;
  readonly #unmaskInPlace: boolean;

  // Buffered input: a list of chunks, the read position in the first one, and a running total.
  #chunks: Uint8Array[] = [];
  #pos = 0;
  #buffered = 0;
  /** Stream offset of the next unread byte. */
  #offset = 0;

  #state = State.Header;
  #fault: Fault | null = null;
  /** After a fault: the stream offset up to which the pushed chunks hold the failed frame's payload unmasked. */
  #unmaskedTo = 0;

  // The frame being read.
  #frameStart = 0;
  #fin = false;
  #rsv = 0;
  #opcode = 0;
  #masked = false;
  /** The 7-bit payload length field (126 and 127 announce an extended length). */
  #length7 = 0;
  #payloadLength = 0;
  #lengthForm: LengthForm = 7;
  #headerLength = 2;
  #maskingKey: Uint8Array | null = null;
  /** Are this frame's payload pieces checked as they arrive (FrameChecks.checksPayload)? */
  #checkPieces = false;
  // The payload so far: the whole of it when it came in one piece (most frames), else its pieces,
  // joined once when the frame is complete (payload-parts.ts).
  #firstPart: Uint8Array = EMPTY;
  readonly #parts: PayloadParts;
  #payloadDone = 0;

  /** `checks`: the message layer's rules (null decodes frames alone, each judged by itself). */
  constructor(options: FrameDecoderOptions = {}, checks: FrameChecks | null = null) {
    this.#sender = options.sender ?? 'any';
    this.#maxPayload = Math.min(options.maxPayload ?? MAX_SAFE, MAX_SAFE);
    this.#compressed = options.perMessageCompressed ?? false;
    this.#rsvAllowed = (options.allowRsv1 || this.#compressed ? 4 : 0) | (options.allowRsv2 ? 2 : 0) | (options.allowRsv3 ? 1 : 0);
    this.#allocate = options.allocate ?? allocatePooled;
    this.#checks = checks ?? NO_FRAME_CHECKS;
    this.#unmaskInPlace = options.unmaskInPlace ?? true;
    this.#parts = new PayloadParts(this.#allocate);
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
          // FAULTS['non-minimal-length'] (RFC 6455 §5.2)
          if (length < 126) return this.#fail(this.#nonMinimal(length, 16));
          const f = this.#setLength(length);
          if (f) return this.#fail(f);
          break;
        }
        case State.Length64: {
          if (this.#buffered < 8) return null;
          const high = this.#uint32();
          const low = this.#uint32();
          // FAULTS['length-msb-set'] (RFC 6455 §5.2)
          if (high >= 0x80000000) return this.#fail(this.#refuse('length-msb-set', 2));
          const length = high * 0x100000000 + low;
          if (length < 65536) return this.#fail(this.#nonMinimal(length, 64));
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
          // Complete: the one piece, or the pieces joined.
          const payloadStart = this.#frameStart + this.#headerLength;
          const inChunks = payloadStart + (this.#parts.length > 0 ? this.#parts.unmaskedInChunks : this.#payloadLength);
          const payload = this.#parts.length > 0 ? this.#parts.join() : this.#firstPart;
          this.#firstPart = EMPTY;
          const end = this.#checks.end(this.#opcode, this.#fin, payload, payloadStart, this.#frameStart);
          if (end) return this.#fail(end, inChunks);
          return this.#frame(payload);
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

  /**
   * After a fault, the stream offset up to which the pushed chunks hold the failed frame's payload
   * unmasked; the bytes after it (up to `offset`) are as they were sent. It is `offset` but where
   * `unmaskInPlace: false` sent part of the payload straight to its own array.
   */
  get unmaskedTo(): number {
    return this.#state === State.Failed ? this.#unmaskedTo : this.#offset;
  }

  /** Total bytes consumed into frames (the stream offset of the next unread byte). */
  get offset(): number {
    return this.#offset;
  }

  /** Bytes pushed but not yet consumed. */
  get bufferedAmount(): number {
    return this.#buffered;
  }

  /**
   * Bytes this decoder holds in memory: those pushed and not yet read, and the payload read so far
   * of a frame not yet complete. What a server counts against its memory budget.
   */
  get heldBytes(): number {
    return this.#buffered + (this.#state === State.Payload ? this.#payloadDone : 0);
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

  /** The bytes `offset` to `offset + length` of the current frame, as a fault's site. */
  #site(offset: number, length: number): FaultSite {
    return { offset: this.#frameStart + offset, length, frameOffset: this.#frameStart };
  }

  /**
   * A fault the header's own bits decide, at byte `at` of the frame (a call kept out of
   * #readHeader, which runs for every frame): its detail values from the frame read so far.
   */
  #refuse(rule: HeaderRule, at: number): Fault {
    const site = this.#site(at, 1);
    const opcode = this.#opcode;
    switch (rule) {
      case 'rsv-without-extension': {
        const bad = this.#rsv & ~this.#rsvAllowed;
        return fault(rule, site, { bits: RSV_BITS.filter(([bit]) => (bad & bit) !== 0).map(([, name]) => name) });
      }
      case 'reserved-opcode':
      case 'rsv1-not-first-frame':
      case 'fragmented-control-frame':
        return fault(rule, site, { opcode });
      case 'control-frame-too-long':
        return fault(rule, site, { opcode, lengthField: this.#length7 });
      default:
        return fault(rule, site, {});
    }
  }

  /** FAULTS['non-minimal-length'], pointing at the whole extended length. */
  #nonMinimal(length: number, lengthForm: 16 | 64): Fault {
    return fault('non-minimal-length', this.#site(2, lengthForm / 8), { length, lengthForm });
  }

  /** The first two bytes, and every rule they decide; each rule is a row of FAULTS (fault.ts). */
  #readHeader(): Fault | null {
    this.#frameStart = this.#offset;
    const b0 = this.#byte();
    const b1 = this.#byte();
    this.#fin = (b0 & 0b1000_0000) !== 0;
    this.#rsv = (b0 & 0b0111_0000) >>> 4;
    const opcode = (this.#opcode = b0 & 0b0000_1111);
    this.#masked = (b1 & 0b1000_0000) !== 0;
    const length7 = (this.#length7 = b1 & 0b0111_1111);
    this.#maskingKey = null;

    // Each rule is a row of FAULTS (fault.ts), checked in the order of the header's bits.
    // RFC 6455 §5.2, RSV1-3: FAULTS['rsv-without-extension']
    if ((this.#rsv & ~this.#rsvAllowed) !== 0) return this.#refuse('rsv-without-extension', 0);
    // RFC 6455 §5.2, Opcode: FAULTS['reserved-opcode']
    if (!isKnownOpcode(opcode)) return this.#refuse('reserved-opcode', 0);
    const control = isControl(opcode);
    // RFC 7692 §6.1: FAULTS['rsv1-not-first-frame']
    if (this.#compressed && (this.#rsv & 4) !== 0 && (control || opcode === Opcode.Continuation)) return this.#refuse('rsv1-not-first-frame', 0);
    // RFC 6455 §5.5: FAULTS['fragmented-control-frame']
    if (control && !this.#fin) return this.#refuse('fragmented-control-frame', 0);
    // RFC 6455 §5.1: FAULTS['mask-required'] and FAULTS['mask-forbidden']
    if (this.#sender === 'client' && !this.#masked) return this.#refuse('mask-required', 1);
    if (this.#sender === 'server' && this.#masked) return this.#refuse('mask-forbidden', 1);
    // RFC 6455 §5.5: FAULTS['control-frame-too-long']
    if (control && length7 > 125) return this.#refuse('control-frame-too-long', 1);
    // RFC 6455 §5.5.1: FAULTS['close-payload-one-byte']
    if (opcode === Opcode.Close && length7 === 1) return this.#refuse('close-payload-one-byte', 1);
    // The frame's place in its message (§5.4): the message layer's rules.
    const f = this.#checks.start(opcode, this.#fin, this.#frameStart, (this.#rsv & 4) !== 0);
    if (f) return f;

    if (length7 === 126) {
      this.#state = State.Length16;
      this.#lengthForm = 16;
      this.#headerLength = 4 + (this.#masked ? 4 : 0);
      return null;
    }
    if (length7 === 127) {
      this.#state = State.Length64;
      this.#lengthForm = 64;
      this.#headerLength = 10 + (this.#masked ? 4 : 0);
      return null;
    }
    this.#lengthForm = 7;
    this.#headerLength = 2 + (this.#masked ? 4 : 0);
    return this.#setLength(length7);
  }

  #setLength(length: number): Fault | null {
    this.#payloadLength = length;
    const lengthBytes = this.#lengthForm === 7 ? 1 : this.#lengthForm === 16 ? 3 : 9;
    // RFC 6455 §7.4.1 (1009), decided from the header: FAULTS['payload-too-large']
    if (length > this.#maxPayload) return fault('payload-too-large', this.#site(1, lengthBytes), { length, limit: this.#maxPayload });
    const f = this.#checks.length(length, this.#frameStart, lengthBytes);
    if (f) return f;
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
    this.#checkPieces = this.#checks.checksPayload;
    this.#parts.begin(this.#payloadLength, this.#maskingKey, !this.#unmaskInPlace, this.#checkPieces);
  }

  // ---- payload ------------------------------------------------------------------------------

  /** Take whatever payload bytes are buffered, unmask them, and pass them on to be checked as they come. */
  #readPayload(): Fault | null {
    while (this.#payloadDone < this.#payloadLength && this.#buffered > 0) {
      const chunk = this.#chunks[0]!;
      const available = chunk.length - this.#pos;
      const take = Math.min(available, this.#payloadLength - this.#payloadDone);
      let part = chunk.subarray(this.#pos, this.#pos + take);
      this.#advance(take);
      // Where the masking kernel left a copy of the unmasked piece, for the UTF-8 check to read.
      let kept = NOT_KEPT;
      if (take === this.#payloadLength) {
        // The whole payload in one chunk (most frames): unmasked in place, a view of the chunk.
        if (this.#maskingKey !== null) kept = applyMaskKept(part, this.#maskingKey, 0);
        this.#firstPart = part;
      } else {
        part = this.#parts.add(part);
        kept = this.#parts.kept;
      }
      if (this.#checkPieces) {
        const f = this.#checks.payload(part, this.#payloadDone, this.#frameStart + this.#headerLength, this.#frameStart, kept);
        if (f) return f;
      }
      this.#payloadDone += take;
    }
    return null;
  }

  /** The frame read, as a value; the decoder is ready for the next header. */
  #frame(payload: Uint8Array): Frame {
    this.#state = State.Header;
    return {
      kind: 'frame',
      fin: this.#fin,
      rsv1: (this.#rsv & 4) !== 0,
      rsv2: (this.#rsv & 2) !== 0,
      rsv3: (this.#rsv & 1) !== 0,
      opcode: this.#opcode,
      masked: this.#masked,
      maskingKey: this.#maskingKey,
      payloadLength: this.#payloadLength,
      lengthForm: this.#lengthForm,
      headerLength: this.#headerLength,
      payload,
      offset: this.#frameStart,
    };
  }

  // ---- input buffer -------------------------------------------------------------------------

  /** `unmaskedTo`: how far the chunks hold the frame's payload unmasked (see the getter). */
  #fail(f: Fault, unmaskedTo = this.#state === State.Payload && this.#parts.length > 0 ? this.#frameStart + this.#headerLength + this.#parts.unmaskedInChunks : this.#offset): Fault {
    this.#unmaskedTo = unmaskedTo;
    this.#state = State.Failed;
    this.#fault = f;
    this.#chunks = [];
    this.#pos = 0;
    this.#buffered = 0;
    this.#firstPart = EMPTY;
    this.#parts.clear();
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
