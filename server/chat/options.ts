/**
 * The chat room's limits and their defaults; `hello` tells a client what they are
 * (docs/chat-protocol.md, "Limits and abuse").
 */
import type { ChatLimits } from './messages.ts';
import { NAME_MAX_LENGTH } from './names.ts';
import type { RateLimit } from './rate.ts';

export interface ChatRoomOptions {
  /** Longest message text, in characters (code points). */
  messageMaxLength: number;
  /** Messages (public or private) per second per user, with a burst allowance. */
  rate: RateLimit;
  /** Users who may be joined at once (on every process together); a join over it gets `room-full`. */
  maxUsers: number;
  /** Public messages kept and replayed to a newcomer. */
  history: number;
  /** This many errors within `errorWindowMs` close the connection with 1008. */
  maxErrors: number;
  errorWindowMs: number;
  /**
   * Messages one user may have waiting for the store (while it is away, or slow); past it a
   * message is refused (`unavailable`, or `rate-limited` when the store is there).
   */
  maxQueued: number;
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
  maxQueued: 50,
  now: () => Date.now(),
  randomHex: (digits) => {
    const bytes = new Uint8Array(Math.ceil(digits / 2));
    globalThis.crypto.getRandomValues(bytes);
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0'))
      .join('')
      .slice(0, digits);
  },
};

/** RFC 6455 §7.4.1: 1008 "a message that violates its policy". */
export const POLICY_VIOLATION = 1008;

export function limitsOf(options: ChatRoomOptions): ChatLimits {
  return {
    nameMaxLength: NAME_MAX_LENGTH,
    messageMaxLength: options.messageMaxLength,
    messagesPerSecond: options.rate.perSecond,
    burst: options.rate.burst,
    maxUsers: options.maxUsers,
    history: options.history,
    maxErrors: options.maxErrors,
    errorWindowMs: options.errorWindowMs,
  };
}
