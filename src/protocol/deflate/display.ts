/**
 * Inflating for display, where the only DEFLATE engine is a one-shot one (a browser's
 * `DecompressionStream('deflate-raw')` has no sync flush and no dictionary), and where messages
 * come one at a time, from a capture or a paste.
 *
 * With context takeover a message may point back into the messages before it (RFC 7692 §7.2.3.2:
 * "Sharing LZ77 Sliding Window"), so it inflates only after what its sender's window held. A
 * stored block (BTYPE 00, RFC 1951 §3.2.4) carrying that window's bytes, put in front of the
 * message, puts them back into the decompressor's window; what comes out after them is the
 * message. The payload then gets its tail back (§7.2.2), and one empty stored block with BFINAL=1
 * ends the stream, so a one-shot decompressor finishes cleanly.
 */
import { DEFLATE_TAIL, isPending, type Eventually, type InflateOutcome } from './extension.ts';

/** The largest LZ77 window (RFC 7692 §7.1.2: 2^15 bytes). */
export const MAX_WINDOW = 32768;

/** Inflate a complete raw DEFLATE stream, stopping past `limit` bytes of output. */
export type OneShotInflate = (stream: Uint8Array, limit: number) => Eventually<InflateOutcome>;

/** An empty stored block with BFINAL=1: the end of a DEFLATE stream (RFC 1951 §3.2.3, §3.2.4). */
const FINAL_BLOCK = [0x01, 0x00, 0x00, 0xff, 0xff];

/** `window` (at most 65,535 bytes) as a stored block, BFINAL=0: header byte, LEN, NLEN (little-endian), the bytes. */
function storedBlock(window: Uint8Array): Uint8Array {
  const n = window.length;
  const out = new Uint8Array(5 + n);
  out[0] = 0x00;
  out[1] = n & 0xff;
  out[2] = n >>> 8;
  out[3] = ~n & 0xff;
  out[4] = (~n >>> 8) & 0xff;
  out.set(window, 5);
  return out;
}

/** The stream a one-shot decompressor inflates for one message after `window`. */
export function displayStream(payload: Uint8Array, window: Uint8Array, close = true): Uint8Array {
  const prefix = window.length > 0 ? storedBlock(window) : new Uint8Array(0);
  const tail = close ? [...DEFLATE_TAIL, ...FINAL_BLOCK] : [];
  const out = new Uint8Array(prefix.length + payload.length + tail.length);
  out.set(prefix, 0);
  out.set(payload, prefix.length);
  out.set(tail, prefix.length + payload.length);
  return out;
}

async function settle(value: Eventually<InflateOutcome>): Promise<InflateOutcome> {
  return isPending(value) ? await value : value;
}

/**
 * Inflate one message's payload after `window` (the sender's last inflated bytes, at most 32 KiB).
 * A message that ends its DEFLATE stream itself (a block with BFINAL=1, §7.2.3.4) is tried again
 * without the added end.
 */
export async function inflateAfter(inflate: OneShotInflate, payload: Uint8Array, window: Uint8Array, limit: number): Promise<InflateOutcome> {
  const skip = window.length;
  const strip = (outcome: InflateOutcome): InflateOutcome =>
    outcome.kind === 'inflated' ? { kind: 'inflated', data: outcome.data.subarray(skip) } : outcome;
  const first = await settle(inflate(displayStream(payload, window), limit + skip));
  if (first.kind !== 'invalid') return strip(first);
  const bare = await settle(inflate(displayStream(payload, window, false), limit + skip));
  return bare.kind === 'inflated' ? strip(bare) : first;
}

/**
 * One direction's decompression context for display: messages in the order they were sent, the
 * window carried from one to the next unless the sender empties it (`*_no_context_takeover`).
 */
export class DisplayInflater {
  readonly #inflate: OneShotInflate;
  readonly #noContextTakeover: boolean;
  #window: Uint8Array = new Uint8Array(0);

  constructor(inflate: OneShotInflate, noContextTakeover = false) {
    this.#inflate = inflate;
    this.#noContextTakeover = noContextTakeover;
  }

  /** The bytes the window holds before the next message (empty without context takeover). */
  get window(): Uint8Array {
    return this.#window;
  }

  /** Inflate the next compressed message; on success its bytes join the window. */
  async next(payload: Uint8Array, limit: number): Promise<InflateOutcome> {
    const outcome = await inflateAfter(this.#inflate, payload, this.#window, limit);
    if (outcome.kind === 'inflated' && !this.#noContextTakeover) this.#window = slideWindow(this.#window, outcome.data);
    return outcome;
  }
}

/** The last 32 KiB of `window` followed by `data`. */
export function slideWindow(window: Uint8Array, data: Uint8Array): Uint8Array {
  if (data.length >= MAX_WINDOW) return data.slice(data.length - MAX_WINDOW);
  const keep = Math.min(window.length, MAX_WINDOW - data.length);
  const out = new Uint8Array(keep + data.length);
  out.set(window.subarray(window.length - keep), 0);
  out.set(data, keep);
  return out;
}
