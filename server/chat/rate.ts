/**
 * A token bucket: `burst` tokens to start with, refilled at `perSecond` tokens a second up to
 * `burst`. Each message takes one token; with none left the message is refused. The clock is
 * passed in (milliseconds), so tests need no timers.
 */
export interface RateLimit {
  /** Tokens refilled per second: the sustained messages per second. */
  perSecond: number;
  /** Bucket size: how many messages may be sent at once after a pause. */
  burst: number;
}

export class TokenBucket {
  readonly #limit: RateLimit;
  #tokens: number;
  #updated: number;

  constructor(limit: RateLimit, now: number) {
    this.#limit = limit;
    this.#tokens = limit.burst;
    this.#updated = now;
  }

  /** Takes one token if there is one; returns whether it did. */
  take(now: number): boolean {
    this.#refill(now);
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Milliseconds until the next token (0 when one is available now). */
  waitMs(now: number): number {
    this.#refill(now);
    if (this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) / this.#limit.perSecond) * 1000);
  }

  #refill(now: number): void {
    const elapsed = Math.max(0, now - this.#updated) / 1000;
    this.#tokens = Math.min(this.#limit.burst, this.#tokens + elapsed * this.#limit.perSecond);
    this.#updated = now;
  }
}
