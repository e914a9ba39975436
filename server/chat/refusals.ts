/**
 * The room's refusals that are not about a nickname or a message's text (those are in names.ts and
 * text.ts): each an `error` message with a sentence a person can read.
 */
import { errorMessage, type ErrorMessage } from './messages.ts';
import type { RateLimit, TokenBucket } from './rate.ts';
import { StoreUnavailableError } from './store.ts';

export function notJoined(): ErrorMessage {
  return errorMessage('not-joined', 'Join the room first: send {"type":"join","name":"…"}.');
}

export function unknownRecipient(wanted: string): ErrorMessage {
  return errorMessage('unknown-recipient', `No one called ${wanted.slice(0, 40)} is in the room.`);
}

/** Takes a token from `bucket`, or says how long to wait. */
export function rateLimited(bucket: TokenBucket, rate: RateLimit, now: number): ErrorMessage | null {
  if (bucket.take(now)) return null;
  const wait = bucket.waitMs(now);
  return errorMessage(
    'rate-limited',
    `Too fast: at most ${rate.perSecond} messages a second (${rate.burst} at once). Wait ${(wait / 1000).toFixed(1)} s.`,
    { retryAfterMs: wait },
  );
}

/** `waiting` of the user's messages are queued already (`storeThere`: the store is just slow). */
export function tooMany(waiting: number, storeThere: boolean): ErrorMessage {
  return storeThere
    ? errorMessage('rate-limited', `Too fast: ${waiting} of your messages are still waiting to be handled.`, { retryAfterMs: 1000 })
    : errorMessage('unavailable', `${waiting} of your messages are waiting for the room to be back; this one was not sent.`, {
        retryAfterMs: 2000,
      });
}

/** `what` ("Joining", "Sending") cannot be done while the store is away. */
export function unavailable(what: string): ErrorMessage {
  return errorMessage('unavailable', `${what} is paused: this server lost the room's shared store. Try again in a few seconds.`, {
    retryAfterMs: 2000,
  });
}

/** A store request failed: away (try again), or refused (say why). */
export function storeFailed(error: unknown, what: string): ErrorMessage {
  if (error instanceof StoreUnavailableError) return unavailable(what);
  return errorMessage('unavailable', `${what} failed: ${error instanceof Error ? error.message : String(error)}`);
}
