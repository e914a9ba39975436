import * as m from '../../paraglide/messages.js';
import { formatCount, formatOneDecimal } from '../components/format';

/**
 * When to try again after the connection is lost: exponential backoff with jitter, so a class of
 * thirty pages does not reconnect in the same millisecond after a server restart.
 */
export interface BackoffOptions {
  /** First delay in milliseconds. */
  initial: number;
  /** Largest delay. */
  max: number;
  /** 0.2 spreads each delay over ±20 %. */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initial: 500, max: 10_000, jitter: 0.2 };

/**
 * The delay before reconnect attempt `attempt` (1 for the first): initial·2^(attempt−1), capped,
 * then spread by `random()` in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options = DEFAULT_BACKOFF): number {
  const base = Math.min(options.max, options.initial * 2 ** Math.max(0, attempt - 1));
  const spread = base * options.jitter * (2 * random() - 1);
  return Math.max(0, Math.round(base + spread));
}

/** "in 2 s", "in 0.5 s". */
export function describeDelay(ms: number): string {
  const seconds = ms / 1000;
  return m.chat_delay({ seconds: seconds < 1 ? formatOneDecimal(seconds) : formatCount(Math.round(seconds)) });
}
