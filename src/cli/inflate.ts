/**
 * The CLI's inflater for permessage-deflate (RFC 7692), given to the capture importer: node:zlib's
 * raw inflate, one message at a time. Context takeover is kept per direction as zlib would keep it
 * in a long-lived stream: the last 32 KiB of what this direction inflated so far are the preset
 * dictionary for its next message (after a sync flush a DEFLATE stream carries nothing else from
 * one message to the next), unless the sender said it does not take context over.
 */
import { constants, inflateRawSync } from 'node:zlib';
import type { InflaterOptions, MessageInflater } from '../capture/index.ts';

/** Largest inflated message shown; a bigger one is refused (a compression bomb stays small on disk). */
export const MAX_INFLATED = 64 * 1024 * 1024;
/** 2^15: the largest LZ77 window (RFC 7692 §7.1.2: max_window_bits is 8 to 15). */
const WINDOW = 32 * 1024;
const TAIL = Uint8Array.of(0x00, 0x00, 0xff, 0xff);

export function nodeInflater(options: InflaterOptions): MessageInflater {
  let window: Uint8Array = new Uint8Array(0);
  return {
    inflate(payload: Uint8Array): Uint8Array {
      // RFC 7692 §7.2.2: "Append 4 octets of 0x00 0x00 0xff 0xff to the tail end of the payload of
      // the message. Decompress the resulting data using DEFLATE."
      const input = new Uint8Array(payload.length + TAIL.length);
      input.set(payload);
      input.set(TAIL, payload.length);
      let out: Uint8Array;
      try {
        out = inflateRawSync(input, {
          windowBits: 15,
          finishFlush: constants.Z_SYNC_FLUSH,
          maxOutputLength: MAX_INFLATED,
          ...(window.length > 0 ? { dictionary: window } : {}),
        });
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`it inflates to more than ${MAX_INFLATED / 1024 / 1024} MiB`);
        throw err;
      }
      if (!options.noContextTakeover) window = lastBytes(window, out, WINDOW);
      return new Uint8Array(out.buffer, out.byteOffset, out.length);
    },
  };
}

/** The last `n` bytes of `a` followed by `b`. */
function lastBytes(a: Uint8Array, b: Uint8Array, n: number): Uint8Array {
  if (b.length >= n) return b.slice(b.length - n);
  const keep = Math.min(a.length, n - b.length);
  const out = new Uint8Array(keep + b.length);
  out.set(a.subarray(a.length - keep));
  out.set(b, keep);
  return out;
}
