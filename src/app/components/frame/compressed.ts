/**
 * A compressed message (permessage-deflate) as the frame view explains it: the payload on the wire,
 * the tail put back, the bytes inflated here in the browser (DecompressionStream('deflate-raw'),
 * with the window the sender had), and what the server reported, compared.
 */
import * as m from '../../../paraglide/messages.js';
import { formatCount } from '../format';
import { DEFLATE_TAIL, inflateAfter, type InflateOutcome, type OneShotInflate } from '../../../protocol';

export interface CompressedMessageView {
  /** The message's compressed payload, all fragments joined, unmasked (the tail removed, as sent). */
  payload: Uint8Array;
  binary: boolean;
  /** How many frames carried it. */
  frames: number;
  /**
   * What the sender's LZ77 window held before this message (context takeover): the last bytes of
   * the messages it compressed before, at most 32 KiB. Empty without context takeover; null when
   * the page cannot know it (earlier messages no longer held, or cut short).
   */
  window: Uint8Array | null;
  contextTakeover: boolean;
  /** What the server's tap reported for this message (it inflated it, or compressed it), if anything. */
  server: { data: Uint8Array; length: number; truncated: boolean } | null;
}

/** The largest message inflated for display. */
export const DISPLAY_LIMIT = 16 * 1024 * 1024;

/** DecompressionStream('deflate-raw'), stopping past `limit` bytes. */
export const browserInflate: OneShotInflate = async (stream, limit) => {
  if (typeof DecompressionStream === 'undefined') return { kind: 'invalid', reason: m.frame_inflate_no_stream() };
  const ds = new DecompressionStream('deflate-raw');
  const writer = ds.writable.getWriter();
  writer.write(stream as Uint8Array<ArrayBuffer>).catch(() => {});
  writer.close().catch(() => {});
  const reader = ds.readable.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > limit) {
        await reader.cancel().catch(() => {});
        return { kind: 'too-large', limit };
      }
      chunks.push(value);
    }
  } catch (error) {
    return { kind: 'invalid', reason: error instanceof Error ? error.message : String(error) };
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return { kind: 'inflated', data: out };
};

/** Inflate the message for display, after the window (an unknown window is tried as empty). */
export function inflateForDisplay(view: CompressedMessageView, inflate: OneShotInflate = browserInflate): Promise<InflateOutcome> {
  return inflateAfter(inflate, view.payload, view.window ?? new Uint8Array(0), DISPLAY_LIMIT);
}

/** The payload with its 00 00 ff ff tail put back (RFC 7692 §7.2.2), for the hex view. */
export function withTailShown(payload: Uint8Array): { bytes: Uint8Array; tailAt: number } {
  const bytes = new Uint8Array(payload.length + 4);
  bytes.set(payload, 0);
  bytes.set(DEFLATE_TAIL, payload.length);
  return { bytes, tailAt: payload.length };
}

/** "7 → 5 bytes" and what the ratio says. */
export function ratioText(wire: number, inflated: number): string {
  if (inflated === 0) return m.frame_ratio_empty({ count: wire, wire: formatCount(wire) });
  const percent = Math.round((wire / inflated) * 100);
  const ratio = m.frame_ratio({ wire: formatCount(wire), inflated: formatCount(inflated), percent: formatCount(percent) });
  return wire > inflated ? m.frame_ratio_larger({ ratio }) : ratio;
}

/** Does the window already hold this message (so a few bytes point back to it, RFC 7692 §7.2.3.2)? */
export function windowHolds(window: Uint8Array | null, data: Uint8Array): boolean {
  if (window === null || data.length < 3 || data.length > window.length) return false;
  outer: for (let i = window.length - data.length; i >= 0; i--) {
    for (let j = 0; j < data.length; j++) if (window[i + j] !== data[j]) continue outer;
    return true;
  }
  return false;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
