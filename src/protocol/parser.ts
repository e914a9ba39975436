/**
 * The streaming parser: bytes in, frames or one fault out. It is the frame decoder
 * (frame-decoder.ts: the frame format and the rules about one frame) with the message rules
 * (message-rules.ts: fragment order, UTF-8 across fragments, message size, the close payload)
 * asked as each frame arrives, so every rule RFC 6455 gives a receiver is checked, each from the
 * first byte that decides it (a text payload's UTF-8 as its bytes arrive, §8.1; a size from the
 * header, before any payload is buffered).
 *
 * Feed chunks of any size with `push()`, then call `next()` until it returns null ("need more
 * bytes"). Ownership: `push()` takes the chunk; masked payloads are unmasked in place.
 */
import { FrameDecoder, type FrameDecoderOptions } from './frame-decoder.ts';
import type { Fault } from './fault.ts';
import type { Frame, Incomplete } from './frame.ts';
import { MessageRules, type MessageRulesOptions } from './message-rules.ts';

export interface ParserOptions extends FrameDecoderOptions, MessageRulesOptions {}

export class FrameParser extends FrameDecoder {
  readonly #rules: MessageRules;

  constructor(options: ParserOptions = {}) {
    const rules = new MessageRules(options);
    super(options, rules);
    this.#rules = rules;
  }

  /** Is a data message open (a fragment with FIN=0 seen, its final fragment not yet)? */
  get inMessage(): boolean {
    return this.#rules.inMessage;
  }
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
