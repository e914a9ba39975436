/**
 * The decoder's "deflate negotiated" switch at work: the compressed messages of a paste (RSV1 on
 * their first frame, RFC 7692 §6) inflated for display, in order, with the window carried from
 * one to the next as their sender's was (context takeover), unless the sender emptied it after
 * each (`*_no_context_takeover`). The pasted bytes come from one sender, so there is one window.
 */
import { DisplayInflater, type OneShotInflate } from '../../protocol';
import { browserInflate, DISPLAY_LIMIT, type CompressedMessageView } from '../components/frame/compressed';
import type { DecodeAnalysis } from './analyze';

export class DecoderInflation {
  readonly #analysis: DecodeAnalysis;
  readonly #noContextTakeover: boolean;
  readonly #inflater: DisplayInflater;
  /** Messages inflated so far (by index), and the window before each compressed one. */
  #next = 0;
  #windows = new Map<number, Uint8Array | null>();
  #broken = false;
  #work: Promise<unknown> = Promise.resolve();

  constructor(analysis: DecodeAnalysis, noContextTakeover = false, inflate: OneShotInflate = browserInflate) {
    this.#analysis = analysis;
    this.#noContextTakeover = noContextTakeover;
    this.#inflater = new DisplayInflater(inflate, noContextTakeover);
  }

  /** Does message `index` start with RSV1 on a text or binary frame, all its frames present? */
  compressed(index: number): boolean {
    const message = this.#analysis.messages[index];
    if (!message || message.kind !== 'message' || message.unfinished) return false;
    const first = message.frames[0]!;
    return (this.#analysis.bytes[this.#analysis.frames.offsets[first]!]! & 0b0100_0000) !== 0;
  }

  /** Its compressed payload: its frames' payloads, unmasked, joined. */
  payload(index: number): Uint8Array {
    const { frames, plain } = this.#analysis;
    const parts = this.#analysis.messages[index]!.frames.map((f) => {
      const start = frames.offsets[f]! + frames.headerLengths[f]!;
      return plain.subarray(start, start + frames.payloadLengths[f]!);
    });
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  /** Message `index` as the frame view explains it, once the messages before it are inflated. */
  view(index: number): Promise<CompressedMessageView | null> {
    if (!this.compressed(index)) return Promise.resolve(null);
    const result = this.#work.then(async () => {
      while (this.#next < index) {
        const k = this.#next++;
        if (!this.compressed(k)) continue;
        this.#windows.set(k, this.#broken ? null : this.#inflater.window);
        if (this.#broken) continue;
        const outcome = await this.#inflater.next(this.payload(k), DISPLAY_LIMIT);
        // A message that does not inflate leaves the window unknown from here on.
        if (outcome.kind !== 'inflated') this.#broken = true;
      }
      const window = this.#windows.get(index) ?? (index === this.#next && !this.#broken ? this.#inflater.window : null);
      const message = this.#analysis.messages[index]!;
      return {
        payload: this.payload(index),
        binary: message.binary,
        frames: message.frames.length,
        window: this.#noContextTakeover ? new Uint8Array(0) : window,
        contextTakeover: !this.#noContextTakeover,
        server: null,
      };
    });
    this.#work = result.catch(() => undefined);
    return result;
  }
}
