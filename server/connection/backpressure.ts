/**
 * Backpressure on one socket: when the peer stops reading what the server writes, the server stops
 * parsing and stops reading what the peer writes, until 'drain'. The peer's own writes then fill
 * the kernel's buffers and stop, so the server's memory for the connection stays bounded by one
 * read plus the answers to what it had already read.
 */
import type { Socket } from 'node:net';

/**
 * Unsent bytes past which the server stops reading from the peer (until 'drain'). Not Node's
 * writableNeedDrain (16 KiB): inside the corked loop every echo counts as unsent until uncork, so
 * one 64 KiB echo would pause reading and cost a drain round trip per message.
 */
export const BACKPRESSURE_BYTES = 1024 * 1024;

export class ReadGate {
  readonly #socket: Socket;
  #paused = false;
  #suspended = false;
  /** Reading stops while a received message inflates elsewhere (held), whatever backpressure says. */
  #held = false;

  constructor(socket: Socket) {
    this.#socket = socket;
  }

  /** Is reading paused because the peer is not reading what the server writes? */
  get paused(): boolean {
    return this.#paused;
  }

  /** More than BACKPRESSURE_BYTES written and not yet sent. */
  get full(): boolean {
    return this.#socket.writableLength > BACKPRESSURE_BYTES;
  }

  /** Stop reading the socket (until 'drain'). */
  pause(): void {
    if (this.#paused) return;
    this.#paused = true;
    this.#socket.pause();
  }

  /** Stop reading, and stop parsing what was read: the protocol loop waits for 'drain'. */
  suspend(): void {
    this.#suspended = true;
    this.pause();
  }

  /**
   * A received message is inflating on zlib's threadpool (`on`), or done: the peer's next bytes
   * wait in the kernel meanwhile, not in the parser's buffer.
   */
  hold(on: boolean): void {
    if (on === this.#held) return;
    this.#held = on;
    if (on) this.#socket.pause();
    else if (!this.#paused) this.#socket.resume();
  }

  /** 'drain': read again. Returns true when parsing was suspended (the loop should run again). */
  drained(gone: boolean): boolean {
    if (this.#paused && !gone) {
      this.#paused = false;
      if (!this.#held) this.#socket.resume();
    }
    const suspended = this.#suspended;
    this.#suspended = false;
    return suspended;
  }

  /** TCP is ending and reading resumes (to discard): not paused any more. */
  release(): void {
    this.#paused = false;
    this.#held = false;
  }
}
