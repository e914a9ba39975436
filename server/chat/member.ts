/**
 * One connection as the room sees it: where it is (greeted, joining, joined, closing, gone), its
 * nickname once joined, its rate limit and recent errors, and its requests to the store, run one
 * after another so a user's messages reach the room in the order sent.
 */
import type { UserInfo } from './messages.ts';
import { TokenBucket, type RateLimit } from './rate.ts';

export class Member {
  /** `joining` while the store decides; `closing` after the room asked to close it; `gone` after. */
  state: 'greeted' | 'joining' | 'joined' | 'closing' | 'gone' = 'greeted';
  suggestion: string;
  user: UserInfo | null = null;
  key = '';
  /** The `seq` of its own join: older events were in its welcome's history, or before it came. */
  since = Infinity;
  readonly bucket: TokenBucket;
  readonly errorTimes: number[] = [];
  /** Requests to the store, in order; the first one is running. */
  readonly ops: { run: () => Promise<void>; done: () => void }[] = [];
  /** Text that arrived while the join was with the store, handled once it answers. */
  early: { text: string; done: () => void }[] = [];
  /** Names its store requests (one after another) so a retry is never posted twice. */
  readonly sender: string;
  sent = 0;

  constructor(suggestion: string, sender: string, rate: RateLimit, now: number) {
    this.suggestion = suggestion;
    this.sender = sender;
    this.bucket = new TokenBucket(rate, now);
  }

  /** In the room, or on the way in or out: input from it is handled. */
  get active(): boolean {
    return this.state !== 'closing' && this.state !== 'gone';
  }

  /** Runs `run` after every request queued before it; resolves when it has run. */
  enqueue(run: () => Promise<void>): Promise<void> {
    return new Promise((done) => {
      this.ops.push({ run, done });
      if (this.ops.length === 1) void this.#pump();
    });
  }

  /** The next store request's dedupe name. */
  nextDedupe(): { sender: string; n: number } {
    return { sender: this.sender, n: ++this.sent };
  }

  async #pump(): Promise<void> {
    for (let op = this.ops[0]; op; op = this.ops[0]) {
      await op.run();
      this.ops.shift();
      op.done();
    }
  }
}
