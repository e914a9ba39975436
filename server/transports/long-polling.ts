/**
 * Long polling: the client asks "anything new?" and the server holds the question until there is
 * (or until `holdMs`, when it answers "nothing" and the client asks again). One request per batch
 * of echoes instead of one per interval, but still a whole request and response each time.
 *
 * Bounded: one held poll per run (a newer poll answers the older one, empty), at most `maxHeld`
 * held across all runs (over it: 503 with Retry-After), each for at most `holdMs`; a client that
 * goes away releases its poll at once. An answer carries at most `maxAnswerBytes` of echoes, within
 * the bound of what clients have not read (exchange.ts).
 */
import { COMPARE_PATHS } from '../../src/wire/compare.ts';
import type { Run } from './runs.ts';
import { answerPoll, queryNumber, type Exchange, type PollAnswers } from './exchange.ts';
import type { ResponseMeter } from './meter.ts';

interface Held {
  meter: ResponseMeter;
  after: number;
  timer: NodeJS.Timeout;
  release: () => void;
}

export class LongPolling {
  readonly #holdMs: number;
  readonly #maxHeld: number;
  readonly #answers: PollAnswers;
  readonly #held = new Map<Run, Held>();

  constructor(limits: { holdMs: number; maxHeld: number }, answers: PollAnswers) {
    this.#holdMs = limits.holdMs;
    this.#maxHeld = limits.maxHeld;
    this.#answers = answers;
  }

  /** Polls held right now. */
  get held(): number {
    return this.#held.size;
  }

  /** GET /compare/long-polling/poll?run=R&after=N: the echoes after N now, or as soon as there are some. */
  poll(ex: Exchange): void {
    const after = queryNumber(ex.url, 'after', 0);
    if (after === null) {
      ex.meter.text(400, '?after= is the last seq the client has: a whole number.');
      return;
    }
    const queue = ex.run.queues['long-polling'];
    queue.ack(after);
    const waiting = queue.since(after, this.#answers.maxBytes);
    // A newer poll from the same client: the older one is answered (empty) and let go.
    this.#answer(ex.run, false);
    if (waiting.length > 0) {
      answerPoll(ex.meter, waiting, this.#answers, describe(ex.run));
      return;
    }
    if (this.#held.size >= this.#maxHeld) {
      ex.meter.text(503, `The server holds ${this.#maxHeld} polls already; ask again in a second.`, { 'Retry-After': '1' });
      return;
    }
    this.#hold(ex.run, ex.meter, after);
  }

  /** An echo was queued for `run`: answer its held poll, if it has one. */
  queued(run: Run): void {
    this.#answer(run, true);
  }

  /** Answer every held poll (empty) and let them go: the server is shutting down. */
  close(): void {
    for (const run of [...this.#held.keys()]) this.#answer(run, false);
  }

  #hold(run: Run, meter: ResponseMeter, after: number): void {
    const release = (): void => {
      const held = this.#held.get(run);
      if (held?.meter !== meter) return;
      clearTimeout(held.timer);
      this.#held.delete(run);
      run.active--;
    };
    const timer = setTimeout(() => this.#answer(run, false), this.#holdMs);
    timer.unref();
    this.#held.set(run, { meter, after, timer, release });
    run.active++;
    // The client went away (or the answer went out): let the poll go.
    meter.res.once('close', release);
  }

  /** Answer `run`'s held poll with what is waiting (`withEchoes`) or nothing, and let it go. */
  #answer(run: Run, withEchoes: boolean): void {
    const held = this.#held.get(run);
    if (held === undefined) return;
    const messages = withEchoes ? run.queues['long-polling'].since(held.after, this.#answers.maxBytes) : [];
    if (withEchoes && messages.length === 0) return;
    held.release();
    if (!held.meter.open) return;
    answerPoll(held.meter, messages, this.#answers, describe(run));
  }
}

/** The poll, as the log names it. */
function describe(run: Run): string {
  return `GET ${COMPARE_PATHS.poll('long-polling')} run=${run.token}`;
}
