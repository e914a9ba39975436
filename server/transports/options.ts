/**
 * The comparison endpoints' limits (docs/compare.md). Every one bounds a resource a client could
 * otherwise hold: runs, queued echoes, bodies being read, held requests, open streams, and the
 * answers written to clients that do not read them.
 */
import { MAX_MESSAGE_BYTES } from '../../src/wire/compare.ts';
import type { QueueLimits } from './queue.ts';

export interface CompareOptions {
  /** Runs remembered at once (a run is one client's comparison). */
  maxRuns?: number;
  /** A run with nothing open is forgotten after this many ms. */
  runIdleMs?: number;
  /** Bytes in one message (a bigger POST gets 413). */
  maxMessageBytes?: number;
  /** Echoes waiting for one client of one transport; over it a send gets 503. */
  queue?: Partial<QueueLimits>;
  /** Bytes of echoes waiting across every run; over it a send gets 503. */
  maxQueuedBytes?: number;
  /** Bytes of message bodies being received at once, all requests together; over it a send gets 503. */
  maxBodyBytesInFlight?: number;
  /** Long polling: how long a poll is held when there is nothing to send (ms); then it is answered empty. */
  holdMs?: number;
  /** Long polling: held polls at once, all runs together; over it a poll gets 503. */
  maxHeld?: number;
  /** SSE: open event streams at once; over it a new stream gets 503. */
  maxStreams?: number;
  /** SSE: unsent bytes a stream may have (past the event just written) before the server drops it: a client that stopped reading. */
  streamHighWater?: number;
  /**
   * Bytes written to clients' sockets and not yet read, poll answers and event streams together:
   * a poll answer that would pass it gets 503, an event stream whose write would pass it is dropped.
   */
  maxUnsentBytes?: number;
  /** A socket that takes none of its unsent bytes for this many ms is dropped (its client stopped reading). */
  stallMs?: number;
  /** Bytes of echo text in one poll's answer (at least one echo); the client asks again for the rest. */
  maxAnswerBytes?: number;
  /** SSE: a comment line every this many ms keeps an idle stream open through proxies. */
  keepaliveMs?: number;
  /** SSE: the `retry:` the server sends, how long EventSource waits to reconnect (ms). */
  retryMs?: number;
  /** The clock, in ms (tests pass their own). */
  now?: () => number;
}

export type ResolvedCompareOptions = Required<Omit<CompareOptions, 'queue'>> & { queue: QueueLimits };

export function resolveCompareOptions(options: CompareOptions = {}): ResolvedCompareOptions {
  return {
    maxRuns: options.maxRuns ?? 1024,
    runIdleMs: options.runIdleMs ?? 10 * 60_000,
    maxMessageBytes: options.maxMessageBytes ?? MAX_MESSAGE_BYTES,
    queue: { maxMessages: 10_000, maxBytes: 4 * 1024 * 1024, ...options.queue },
    maxQueuedBytes: options.maxQueuedBytes ?? 64 * 1024 * 1024,
    maxBodyBytesInFlight: options.maxBodyBytesInFlight ?? 16 * 1024 * 1024,
    holdMs: options.holdMs ?? 25_000,
    maxHeld: options.maxHeld ?? 256,
    maxStreams: options.maxStreams ?? 256,
    streamHighWater: options.streamHighWater ?? 256 * 1024,
    maxUnsentBytes: options.maxUnsentBytes ?? 32 * 1024 * 1024,
    stallMs: options.stallMs ?? 30_000,
    maxAnswerBytes: options.maxAnswerBytes ?? 1024 * 1024,
    keepaliveMs: options.keepaliveMs ?? 15_000,
    retryMs: options.retryMs ?? 1000,
    now: options.now ?? (() => performance.now()),
  };
}
