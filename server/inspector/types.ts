/**
 * The inspector's narrow interfaces. The hub, the subscribers' queues, the tap and the connection
 * each depend on these, not on one another's classes, so server/ has no import cycle and each part
 * can be tested alone (tests/server/hub.test.ts drives the hub with fake subscribers and a
 * subscriber with a fake socket):
 *
 *   InspectorHub      implements InspectorSink     (what a connection's tap needs from the hub)
 *   Subscriber        implements HubSubscriber     (what the hub needs from a subscriber)
 *   ServerConnection  implements SubscriberSocket  (what a subscriber's queue needs from its `/inspect` connection)
 *                     and WatchedConnection        (what the inspector may read and do on a watched connection)
 */
import type { ReadyState } from '../../src/protocol/index.ts';
import type { FloodProgress } from '../connection/flood.ts';
import type { ConnectionInfo, InspectorMessage, MisbehaveKind } from './messages.ts';

export interface SubscriberScope {
  /** Watch this session's connections... */
  session: string | null;
  /** ...or every connection (class mode only). */
  all: boolean;
}

/** Builds a traffic message reporting at most `cap` bytes of its frame. */
export type TrafficBuilder = (cap: number) => InspectorMessage;

/**
 * What the hub needs from a subscriber: whom it watches, whether it would take a traffic message
 * now, and a queue that takes each message offered or counts it as dropped.
 */
export interface HubSubscriber {
  readonly scope: SubscriberScope;
  /** May it watch connections of `session`? */
  watches(session: string | null): boolean;
  /** Would a traffic message be taken now (budget left, room in the queue)? */
  readonly wants: boolean;
  /** A message (built by `json()` only if taken); counted as dropped when the queue is full. */
  offer(json: () => string): void;
  /** A traffic message reporting `bytes` of a frame, held to the budget; `json(cap)` builds it with at most `cap` of them. */
  offerTraffic(bytes: number, json: (cap: number) => string): void;
  /** `count` traffic messages were not built for it (no budget or no room): count them as dropped. */
  skip(count: number): void;
  /** `ms` went by: add that much budget. */
  refill(ms: number): void;
  /** It left: forget its queue. */
  discard(): void;
}

/** What a subscriber's queue needs from the `/inspect` connection it writes to. */
export interface SubscriberSocket {
  readonly state: ReadyState;
  /** Bytes written and not yet sent. */
  readonly bufferedAmount: number;
  /** Run `write` so that what it sends goes out in one write. */
  corked(write: () => void): void;
  sendText(text: string): boolean;
  /** Fail the connection: a close frame with `code`, then TCP closed. */
  abort(code: number, reason: string, cause: string): void;
}

/** A connection the inspector reports on, and the demonstrations a page may ask of it. */
export interface WatchedConnection {
  readonly id: number;
  readonly session: string | null;
  /** The handshake, as the `open` message reports it. */
  readonly info: ConnectionInfo;
  readonly state: ReadyState;
  /** A connection through `/proxy`: it only relays, so no command may act on it. */
  readonly relay?: boolean;
  ping(payload?: Uint8Array): boolean;
  /** The next message it sends goes out in `count` fragments (with a ping after the first, if `ping`). */
  fragmentNext(count: number, ping?: boolean): void;
  close(code?: number, reason?: string, cause?: string): boolean;
  /** Send frames that break the protocol on purpose; returns the rule broken. */
  misbehave(kind: MisbehaveKind): string;
  /** Send `count` text messages as fast as the peer reads them (0: stop a running flood), reporting progress. */
  flood(count: number, size: number, report: (progress: FloodProgress) => void): void;
}

/** What a connection's tap needs from the hub. */
export interface InspectorSink {
  readonly limits: { readonly maxFrameBytes: number };
  /** Is anyone watching connections of `session`? */
  watching(session: string | null): boolean;
  /** Would some subscriber watching `session` take a traffic message now? */
  wanted(session: string | null): boolean;
  /** `count` traffic messages about `session` were not built: each watching subscriber counts them. */
  skip(session: string | null, count: number): void;
  publish(session: string | null, build: () => InspectorMessage): void;
  publishTraffic(session: string | null, bytes: number, build: TrafficBuilder): void;
  /** A watched connection opened (commands may name it) or closed. */
  addConnection(connection: WatchedConnection): void;
  removeConnection(connection: WatchedConnection): void;
}
