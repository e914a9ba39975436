/**
 * permessage-deflate at work (RFC 7692 §6, §7.2): what a connection does with a message once the
 * handshake agreed the extension. The DEFLATE engine itself is passed in (`RawInflater`,
 * `RawDeflater`: node:zlib on the server, DecompressionStream in a browser), synchronous or
 * asynchronous, so the codec stays free of Node and the DOM; the RFC's rules are here: the tail
 * taken off and put back, a window kept or emptied per message, the size limit enforced while
 * inflating, and which messages are worth compressing.
 */
import type { DeflateParams } from './negotiate.ts';

/**
 * RFC 7692 §7.2.1 step 3: the sender removes "4 octets (that are 0x00 0x00 0xff 0xff) from the tail
 * end"; §7.2.2 step 1: the receiver will "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of
 * the payload of the message" before inflating. They are the empty stored block a sync flush ends with.
 */
export const DEFLATE_TAIL: Readonly<Uint8Array> = new Uint8Array([0x00, 0x00, 0xff, 0xff]);

/** What inflating one message came to. */
export type InflateOutcome =
  | { kind: 'inflated'; data: Uint8Array }
  /** Stopped once the output passed the limit: nothing past it was kept. */
  | { kind: 'too-large'; limit: number }
  /** The bytes are not DEFLATE data (zlib's reason). */
  | { kind: 'invalid'; reason: string };

/** Either a value now, or later (node:zlib's threadpool, a browser's DecompressionStream). */
export type Eventually<T> = T | PromiseLike<T>;

/** A raw DEFLATE decompressor (RFC 1951, no zlib header) whose LZ77 window lasts across calls. */
export interface RawInflater {
  /**
   * Inflate `data` as the continuation of everything inflated since the last `reset()`, with a
   * sync flush, stopping as soon as the output passes `limit` bytes (and then keeping none of it).
   */
  inflate(data: Uint8Array, limit: number): Eventually<InflateOutcome>;
  /** Empty the window: the next call starts a new stream. */
  reset(): void;
}

/** A raw DEFLATE compressor whose window lasts across calls. */
export interface RawDeflater {
  /** Compress `data` after everything since the last `reset()`, ending with a sync flush (so the output ends 00 00 ff ff). */
  deflate(data: Uint8Array): Eventually<Uint8Array>;
  reset(): void;
}

export interface DeflateEngines {
  inflater: RawInflater;
  deflater: RawDeflater;
}

export interface PerMessageDeflateOptions {
  /** Which end this is: it decides which `*_no_context_takeover` applies to which direction. */
  role: 'client' | 'server';
  params: DeflateParams;
  engines: DeflateEngines;
  /**
   * Messages shorter than this many bytes are sent uncompressed, with RSV1 0 (RFC 7692 §6:
   * compression is per message; an endpoint may send any message uncompressed). Default 0.
   */
  threshold?: number;
}

/** True for a thenable: the work went elsewhere (a threadpool, a stream) and ends later. */
export function isPending<T>(value: Eventually<T>): value is PromiseLike<T> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<T>).then === 'function';
}

function endsWithTail(bytes: Uint8Array): boolean {
  const n = bytes.length;
  return n >= 4 && bytes[n - 4] === 0x00 && bytes[n - 3] === 0x00 && bytes[n - 2] === 0xff && bytes[n - 1] === 0xff;
}

/** `payload` with the 4 tail octets after it (RFC 7692 §7.2.2 step 1). */
export function withTail(payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(payload.length + 4);
  out.set(payload, 0);
  out.set(DEFLATE_TAIL, payload.length);
  return out;
}

/**
 * A sync-flushed DEFLATE output as it goes on the wire: the 00 00 ff ff tail removed (RFC 7692
 * §7.2.1 step 3). Nothing left (an empty message) becomes the single byte 0x00, an empty stored
 * block's header (§7.2.3.6, "Generating an Empty Fragment").
 */
export function stripTail(compressed: Uint8Array): Uint8Array {
  const body = endsWithTail(compressed) ? compressed.subarray(0, compressed.length - 4) : compressed;
  return body.length > 0 ? body : new Uint8Array([0x00]);
}

export class PerMessageDeflate {
  readonly params: DeflateParams;
  readonly role: 'client' | 'server';
  readonly threshold: number;
  readonly #inflater: RawInflater;
  readonly #deflater: RawDeflater;
  /** Empty the receiving window after each message: the peer takes no context over. */
  readonly #resetReceived: boolean;
  /** Empty the sending window after each message. */
  readonly #resetSent: boolean;

  constructor(options: PerMessageDeflateOptions) {
    this.params = options.params;
    this.role = options.role;
    this.threshold = Math.max(0, options.threshold ?? 0);
    this.#inflater = options.engines.inflater;
    this.#deflater = options.engines.deflater;
    const server = options.role === 'server';
    // RFC 7692 §7.1.1.1 / §7.1.1.2: with *_no_context_takeover, that side "MUST start compressing
    // each new message with an empty LZ77 sliding window"; its peer's decompressor may empty its too.
    this.#resetReceived = server ? this.params.clientNoContextTakeover : this.params.serverNoContextTakeover;
    this.#resetSent = server ? this.params.serverNoContextTakeover : this.params.clientNoContextTakeover;
  }

  /** Is a message of `length` bytes sent compressed (at or above the threshold)? */
  compresses(length: number): boolean {
    return length >= this.threshold;
  }

  /**
   * A compressed message's payload (its fragments' payloads joined) inflated: the tail put back
   * (§7.2.2), the output bounded by `limit` while it is produced.
   */
  inflate(payload: Uint8Array, limit: number): Eventually<InflateOutcome> {
    const result = this.#inflater.inflate(withTail(payload), limit);
    if (isPending(result)) return Promise.resolve(result).then((outcome) => this.#afterInflate(outcome));
    return this.#afterInflate(result);
  }

  /** A message compressed for the wire (§7.2.1): DEFLATE with a sync flush, the tail removed. */
  deflate(data: Uint8Array): Eventually<Uint8Array> {
    const result = this.#deflater.deflate(data);
    if (isPending(result)) return Promise.resolve(result).then((out) => this.#afterDeflate(out));
    return this.#afterDeflate(result);
  }

  #afterInflate(outcome: InflateOutcome): InflateOutcome {
    // After a failure the window is unknown; the connection fails anyway, and a fresh one is safe.
    if (this.#resetReceived || outcome.kind !== 'inflated') this.#inflater.reset();
    return outcome;
  }

  #afterDeflate(out: Uint8Array): Uint8Array {
    if (this.#resetSent) this.#deflater.reset();
    return stripTail(out);
  }
}
