/** The chat room's limits and its clock and randomness (passed in, so tests can fix them). */
import type { RateLimit } from './rate.ts';

export interface ChatRoomOptions {
  /** Longest message text, in characters (code points). */
  messageMaxLength: number;
  /** Messages (public or private) per second per user, with a burst allowance. */
  rate: RateLimit;
  /** Users who may be joined at once; a join over it gets `room-full`. */
  maxUsers: number;
  /** Public messages kept and replayed to a newcomer. */
  history: number;
  /** This many errors within `errorWindowMs` close the connection with 1008. */
  maxErrors: number;
  errorWindowMs: number;
  /** The clock, in milliseconds since the epoch. */
  now: () => number;
  /** `digits` random hex digits, for guest names. */
  randomHex: (digits: number) => string;
}

export const DEFAULT_CHAT_OPTIONS: ChatRoomOptions = {
  messageMaxLength: 2000,
  rate: { perSecond: 2, burst: 5 },
  maxUsers: 100,
  history: 100,
  maxErrors: 20,
  errorWindowMs: 60_000,
  now: () => Date.now(),
  randomHex: (digits) => {
    const bytes = new Uint8Array(Math.ceil(digits / 2));
    globalThis.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0'))
      .join('')
      .slice(0, digits);
  },
};
