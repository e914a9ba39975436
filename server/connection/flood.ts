/**
 * The flood demonstration: the server sends `count` text messages on one connection as fast as
 * the peer reads them, so a class sees what a burst does to a page, and what backpressure is.
 * "As fast as the peer reads" is TCP's answer: the server writes while its socket holds less than
 * FLOOD_HIGH_WATER bytes unsent, then waits for 'drain' (counted as a wait), which comes when the
 * peer's kernel has taken the bytes, which it does as fast as the browser reads them. Writing more
 * would only pile the messages up in the server's memory. Every 1,000 messages it yields to the
 * event loop, so the other connections keep being served.
 */
import type { FloodMessage } from '../inspector/messages.ts';

/** Unsent bytes at which the flood waits for 'drain'. */
export const FLOOD_HIGH_WATER = 64 * 1024;
/** Messages written between two yields to the event loop. */
const BATCH = 1_000;
/** Progress reports at most this often (ms). */
const REPORT_MS = 100;

/** What a flood needs from its connection. */
export interface FloodHost {
  isOpen(): boolean;
  /** Queue a text message and write it (corked with the others of a batch). */
  sendText(text: string): boolean;
  /** Run `write` with the socket corked. */
  corked(write: () => void): void;
  /** Bytes written and not yet sent. */
  unsent(): number;
  /** Call `fn` once when the socket has drained (never, if it closes first). */
  onDrain(fn: () => void): void;
}

export type FloodProgress = Omit<FloodMessage, 'type' | 't' | 'wall' | 'id' | 'connection'>;

/** The text of message `i` (0-based) of `count`, padded with dots to `size` bytes when asked. */
export function floodText(i: number, count: number, size: number): string {
  const text = `flood ${i + 1} of ${count}`;
  return size > text.length ? text.padEnd(size, '.') : text;
}

export class Flood {
  readonly #host: FloodHost;
  readonly #count: number;
  readonly #size: number;
  readonly #report: (progress: FloodProgress) => void;
  readonly #started = performance.now();
  #sent = 0;
  #waits = 0;
  #maxUnsent = 0;
  #lastReport = 0;
  #done: FloodProgress['done'] = null;
  #waiting = false;

  constructor(host: FloodHost, count: number, size: number, report: (progress: FloodProgress) => void) {
    this.#host = host;
    this.#count = count;
    this.#size = size;
    this.#report = report;
  }

  get done(): boolean {
    return this.#done !== null;
  }

  start(): void {
    this.#pump();
  }

  /** Another flood replaced this one, or the connection is going: stop, and say so. */
  stop(why: 'stopped' | 'closed' = 'stopped'): void {
    if (this.#done !== null) return;
    this.#finish(why);
  }

  #pump(): void {
    this.#waiting = false;
    if (this.#done !== null) return;
    const host = this.#host;
    let wrote = 0;
    host.corked(() => {
      while (this.#sent < this.#count && wrote < BATCH) {
        if (!host.isOpen()) return;
        if (host.unsent() >= FLOOD_HIGH_WATER) break;
        host.sendText(floodText(this.#sent, this.#count, this.#size));
        this.#sent++;
        wrote++;
      }
    });
    const unsent = host.unsent();
    this.#maxUnsent = Math.max(this.#maxUnsent, unsent);
    if (!host.isOpen()) return this.#finish('closed');
    if (this.#sent >= this.#count) return this.#finish('sent');
    if (unsent >= FLOOD_HIGH_WATER) {
      // The peer is not reading as fast as we write: wait until the socket drains. The page hears
      // of the first wait at once (a stalled flood may send no other report for a while).
      this.#waits++;
      this.#waiting = true;
      this.#progress(this.#waits === 1);
      host.onDrain(() => this.#pump());
    } else {
      this.#progress();
      setImmediate(() => this.#pump());
    }
  }

  #progress(force = false): void {
    const now = performance.now();
    if (!force && now - this.#lastReport < REPORT_MS) return;
    this.#lastReport = now;
    this.#report({
      count: this.#count,
      sent: this.#sent,
      unsent: this.#host.unsent(),
      maxUnsent: this.#maxUnsent,
      waits: this.#waits,
      elapsed: Math.round((now - this.#started) * 1000) / 1000,
      done: this.#done,
    });
  }

  #finish(why: NonNullable<FloodProgress['done']>): void {
    this.#done = why;
    this.#progress(true);
  }

  /** Waiting for 'drain' (for tests). */
  get waiting(): boolean {
    return this.#waiting;
  }
}
