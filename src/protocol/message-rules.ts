/**
 * The message rules (in the manner of wsproto's `MessageDecoder`): what a frame may be given the
 * frames before it. The frame decoder asks them as each frame arrives (see `FrameChecks`), so
 * each is decided from the first bytes that can decide it:
 *
 *   - fragment order (RFC 6455 §5.4): a continuation only continues, a new data message waits for
 *     the last one's final fragment; control frames may come between fragments;
 *   - message size: the fragments so far plus this frame's declared length, from its header;
 *   - UTF-8 across fragments (§5.6, §8.1): text is validated as its bytes arrive, so a sequence
 *     that cannot become valid fails inside the frame that breaks it, and a message may not end
 *     inside a sequence;
 *   - the close payload (§5.5.1, §7.4): a status code that may be sent, and a UTF-8 reason.
 */
import { isValidCloseCode } from './close-codes.ts';
import { fault, type Fault } from './fault.ts';
import type { FrameChecks } from './frame-checks.ts';
import { isControl, Opcode } from './opcodes.ts';
import { Utf8Validator, type Utf8Check } from './utf8.ts';

export interface MessageRulesOptions {
  /** Largest message (all fragments together); a larger one fails with 1009. */
  maxMessage?: number;
  /** Check text payloads and close reasons for UTF-8 (default true). */
  validateUtf8?: boolean;
  /** A native whole-buffer UTF-8 check to try first on long text pieces (see `Utf8Check`). */
  utf8Check?: Utf8Check;
}

export class MessageRules implements FrameChecks {
  readonly #maxMessage: number;
  readonly #validateUtf8: boolean;
  readonly #utf8: Utf8Validator;

  // The data message in progress (§5.4 fragmentation).
  #inMessage = false;
  #messageIsText = false;
  #messageLength = 0;
  /** The message in progress began with RSV1 (permessage-deflate): its payload is compressed. */
  #messageCompressed = false;
  /** FrameChecks: is this frame's payload text, validated as it arrives? (A field, read per frame.) */
  checksPayload = false;
  #opcode = 0;

  constructor(options: MessageRulesOptions = {}) {
    this.#maxMessage = Math.min(options.maxMessage ?? Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    this.#validateUtf8 = options.validateUtf8 ?? true;
    this.#utf8 = new Utf8Validator(options.utf8Check ?? null);
  }

  /** Is a data message open (a fragment with FIN=0 seen, its final fragment not yet)? */
  get inMessage(): boolean {
    return this.#inMessage;
  }

  start(opcode: number, _fin: boolean, frameOffset: number, rsv1 = false): Fault | null {
    this.#opcode = opcode;
    if (opcode === Opcode.Continuation) {
      // RFC 6455 §5.4: FAULTS['unexpected-continuation']
      if (!this.#inMessage) return outOfOrder('unexpected-continuation', opcode, frameOffset);
      this.checksPayload = this.#validateUtf8 && this.#messageIsText && !this.#messageCompressed;
    } else if (!isControl(opcode)) {
      // RFC 6455 §5.4: FAULTS['expected-continuation']
      if (this.#inMessage) return outOfOrder('expected-continuation', opcode, frameOffset);
      // A compressed message's wire bytes are DEFLATE data: its text is checked once inflated.
      this.#messageCompressed = rsv1;
      this.checksPayload = this.#validateUtf8 && opcode === Opcode.Text && !rsv1;
      if (this.checksPayload) this.#utf8.reset();
    } else {
      this.checksPayload = false;
    }
    return null;
  }

  length(payloadLength: number, frameOffset: number, lengthBytes: number): Fault | null {
    const opcode = this.#opcode;
    if (isControl(opcode)) return null;
    const length = (opcode === Opcode.Continuation ? this.#messageLength : 0) + payloadLength;
    // RFC 6455 §7.4.1 (1009), decided from the header: FAULTS['message-too-large']
    return length <= this.#maxMessage ? null : tooLarge(length, this.#maxMessage, frameOffset, lengthBytes);
  }

  payload(part: Uint8Array, payloadOffset: number, payloadStart: number, frameOffset: number, kept?: number): Fault | null {
    const bad = this.#utf8.update(part, 0, part.length, kept);
    if (bad === -1) return null;
    // RFC 6455 §8.1: FAULTS['invalid-utf8'], as soon as a byte cannot lead to valid UTF-8.
    const at = payloadOffset + bad;
    return fault('invalid-utf8', { offset: payloadStart + at, frameOffset }, { in: 'text', byte: part[bad]!, payloadOffset: at });
  }

  end(opcode: number, fin: boolean, payload: Uint8Array, payloadStart: number, frameOffset: number): Fault | null {
    if (opcode === Opcode.Close) return this.#closePayload(payload, payloadStart, frameOffset);
    if (isControl(opcode)) return null;
    if (opcode !== Opcode.Continuation) {
      this.#messageIsText = opcode === Opcode.Text;
      this.#messageLength = 0;
    }
    this.#messageLength += payload.length;
    if (!fin) {
      this.#inMessage = true;
      return null;
    }
    this.#inMessage = false;
    // RFC 6455 §5.6: "the whole message MUST contain valid UTF-8", so it cannot end mid-sequence.
    if (this.checksPayload && !this.#utf8.complete) return this.#unfinishedText(payload, payloadStart, frameOffset);
    return null;
  }

  /** The text message ended inside a UTF-8 sequence: FAULTS['invalid-utf8'] (kept out of `end`). */
  #unfinishedText(payload: Uint8Array, payloadStart: number, frameOffset: number): Fault {
    const pending = this.#utf8.pendingBytes;
    this.#utf8.reset();
    // The unfinished sequence's bytes in this frame; an empty final fragment has none, and its
    // FIN bit (first byte) is what ended the message.
    const inFrame = Math.min(pending, payload.length);
    const payloadOffset = inFrame > 0 ? payload.length - inFrame : null;
    const site = payloadOffset !== null ? { offset: payloadStart + payloadOffset, length: inFrame, frameOffset } : { offset: frameOffset, frameOffset };
    return fault('invalid-utf8', site, { in: 'text', byte: null, payloadOffset });
  }

  #closePayload(payload: Uint8Array, payloadStart: number, frameOffset: number): Fault | null {
    if (payload.length < 2) return null;
    const code = (payload[0]! << 8) | payload[1]!;
    // RFC 6455 §7.4: FAULTS['invalid-close-code'] (which codes may be sent: close-codes.ts)
    if (!isValidCloseCode(code)) return fault('invalid-close-code', { offset: payloadStart, length: 2, frameOffset }, { code });
    if (!this.#validateUtf8 || payload.length === 2) return null;
    // RFC 6455 §5.5.1: the body "MAY contain UTF-8-encoded data with value /reason/"; §8.1 fails on invalid UTF-8.
    const v = new Utf8Validator();
    const bad = v.update(payload, 2);
    if (bad === -1 && v.complete) return null;
    // A reason that ends mid-sequence is at fault from the sequence's first byte.
    const at = bad !== -1 ? bad : payload.length - v.pendingBytes;
    const site = { offset: payloadStart + at, length: bad !== -1 ? 1 : v.pendingBytes, frameOffset };
    return fault('invalid-utf8', site, { in: 'close-reason', byte: bad !== -1 ? payload[bad]! : null, payloadOffset: at });
  }
}

/** A frame out of its message's order (kept out of `start`, which runs for every frame). */
function outOfOrder(rule: 'unexpected-continuation' | 'expected-continuation', opcode: number, frameOffset: number): Fault {
  const site = { offset: frameOffset, frameOffset };
  return rule === 'unexpected-continuation' ? fault(rule, site, {}) : fault(rule, site, { opcode });
}

function tooLarge(length: number, limit: number, frameOffset: number, lengthBytes: number): Fault {
  return fault('message-too-large', { offset: frameOffset + 1, length: lengthBytes, frameOffset }, { length, limit });
}
