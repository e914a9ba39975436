/**
 * The inspector hub: connections publish what crossed their sockets; `/inspect` subscribers get
 * the messages for the connections they may watch (their own session's, or every one for a
 * class-mode `?all` subscriber).
 *
 * The tap never stalls the connection it watches: `publish()` is synchronous, builds a message
 * only if some subscriber has room for it, and each subscriber has a bounded queue (count and
 * bytes). What does not fit is counted and announced later with one `dropped` message.
 *
 * Traffic (`read` and `frame` messages) is also held to a budget per subscriber, a token bucket in
 * messages/s and in reported frame bytes/s, refilled by one timer: building a message costs a few
 * µs (JSON, hex) against about half a µs for an echo, and a page takes in some 20,000 a second at
 * most. The check is made before anything is built (`wanted()`, a comparison per subscriber), so a
 * connection whose subscribers have no budget left costs almost nothing; what is skipped is counted
 * and announced with `dropped` (reason "rate").
 */
import type { InspectorOptions } from '../options.ts';
import type { ServerConnection } from '../connection.ts';
import { stamp, type ConnectionInfo, type DroppedMessage, type InspectorMessage } from './messages.ts';

/** Over the byte budget, a frame is reported with this many of its bytes (header and the first of its payload). */
export const TRUNCATED_FRAME_BYTES = 256;
/** How often the budgets are refilled, ms. */
const REFILL_MS = 50;

/** Builds a traffic message reporting at most `cap` bytes of its frame. */
export type TrafficBuilder = (cap: number) => InspectorMessage;

export interface SubscriberScope {
  /** Watch this session's connections... */
  session: string | null;
  /** ...or every connection (class mode only). */
  all: boolean;
}

/** One `/inspect` connection's view of the hub: a bounded queue in front of its socket. */
export class Subscriber {
  readonly scope: SubscriberScope;
  readonly connection: ServerConnection;
  readonly #limits: Required<InspectorOptions>;
  #queue: string[] = [];
  #head = 0;
  #bytes = 0;
  /** Not yet announced: dropped because the queue was full, and skipped over the rate budget. */
  #dropped = 0;
  #droppedRate = 0;
  #totalDropped = 0;
  #scheduled = false;
  /** Token buckets: messages and frame bytes this subscriber may still be sent (Infinity: no limit). */
  #tokens: number;
  #byteTokens: number;

  constructor(connection: ServerConnection, scope: SubscriberScope, limits: Required<InspectorOptions>) {
    this.connection = connection;
    this.scope = scope;
    this.#limits = limits;
    this.#tokens = limits.rateMessages === 0 ? Infinity : limits.rateMessages;
    this.#byteTokens = limits.rateBytes === 0 ? Infinity : limits.rateBytes;
  }

  /** May this subscriber watch connections of `session`? */
  watches(session: string | null): boolean {
    return this.scope.all || (session !== null && session === this.scope.session);
  }

  get queued(): number {
    return this.#queue.length - this.#head;
  }

  get queuedBytes(): number {
    return this.#bytes;
  }

  /** Messages dropped so far, announced or not. */
  get totalDropped(): number {
    return this.#totalDropped;
  }

  get full(): boolean {
    return this.queued >= this.#limits.queueCount || this.#bytes >= this.#limits.queueBytes;
  }

  /** Would a traffic message be taken now? (Some budget left and room in the queue.) */
  get wants(): boolean {
    return this.#tokens >= 1 && this.connection.state === 'OPEN' && !this.full;
  }

  /** Queue a message if there is room (building it only then), else count it as dropped. */
  offer(json: () => string): void {
    if (this.connection.state !== 'OPEN') return;
    if (this.full) {
      this.#dropped++;
      this.#totalDropped++;
      return;
    }
    this.#announceDrops();
    this.#enqueue(json());
    this.#schedule();
  }

  /**
   * A traffic message reporting `bytes` of a frame (0 for a read): within the budget it is queued
   * with at most `maxFrameBytes` of them, or `TRUNCATED_FRAME_BYTES` when the byte budget is short;
   * otherwise it is counted as skipped. `json(cap)` builds it.
   */
  offerTraffic(bytes: number, json: (cap: number) => string): void {
    if (this.#tokens < 1) {
      this.skip(1);
      return;
    }
    if (this.connection.state !== 'OPEN') return;
    if (this.full) {
      this.#dropped++;
      this.#totalDropped++;
      return;
    }
    let cap = this.#limits.maxFrameBytes;
    let reported = bytes < cap ? bytes : cap;
    if (reported > this.#byteTokens) {
      if (cap <= TRUNCATED_FRAME_BYTES) {
        this.skip(1);
        return;
      }
      cap = TRUNCATED_FRAME_BYTES;
      reported = bytes < cap ? bytes : cap;
      if (reported > this.#byteTokens) {
        this.skip(1);
        return;
      }
    }
    this.#tokens--;
    this.#byteTokens -= reported;
    this.#announceDrops();
    this.#enqueue(json(cap));
    this.#schedule();
  }

  /** `count` traffic messages not built for this subscriber: over its budget, or its queue full. */
  skip(count: number): void {
    if (this.connection.state !== 'OPEN') return;
    if (this.#tokens < 1) this.#droppedRate += count;
    else this.#dropped += count;
    this.#totalDropped += count;
  }

  /** Add `ms` worth of budget (up to one second's), and announce what was skipped meanwhile. */
  refill(ms: number): void {
    const { rateMessages, rateBytes } = this.#limits;
    if (rateMessages > 0) this.#tokens = Math.min(rateMessages, this.#tokens + (rateMessages * ms) / 1000);
    if (rateBytes > 0) this.#byteTokens = Math.min(rateBytes, this.#byteTokens + (rateBytes * ms) / 1000);
    if ((this.#dropped > 0 || this.#droppedRate > 0) && this.connection.state === 'OPEN' && !this.full) {
      this.#announceDrops();
      this.#schedule();
    }
  }

  /**
   * Queue a reply (ack, error, hello) whatever the limits: the subscriber asked for it. But not
   * without end: the answers wait in this queue, not in the socket, so the subscriber's socket never
   * pushes back, and one that sends commands without reading the answers would grow it until the
   * server runs out of memory. At twice the limits unread it is failed with 1008 (Policy Violation).
   */
  reply(message: InspectorMessage): void {
    if (this.connection.state !== 'OPEN') return;
    if (this.queued >= 2 * this.#limits.queueCount || this.#bytes >= 2 * this.#limits.queueBytes) {
      this.discard();
      this.connection.abort(1008, 'commands sent faster than their answers are read', 'not reading');
      return;
    }
    this.#announceDrops();
    this.#enqueue(JSON.stringify(message));
    this.#schedule();
  }

  /**
   * Write queued messages while the socket has room; called again on 'drain'. Writing waits for
   * the next turn of the event loop (`#schedule`), so the connection being watched never pays for
   * the subscriber's socket, and one turn's messages go out in one corked write.
   */
  pump(): void {
    const connection = this.connection;
    const highWater = this.#limits.socketHighWater;
    if (connection.state !== 'OPEN') return;
    connection.corked(() => {
      while (this.queued > 0 && connection.state === 'OPEN' && connection.bufferedAmount < highWater) {
        const json = this.#queue[this.#head]!;
        this.#queue[this.#head++] = '';
        this.#bytes -= json.length;
        connection.sendText(json);
      }
      if (this.queued === 0) {
        this.#queue = [];
        this.#head = 0;
        if (connection.state === 'OPEN' && connection.bufferedAmount < highWater) {
          if (this.#dropped > 0) connection.sendText(JSON.stringify(this.#droppedMessage('queue')));
          if (this.#droppedRate > 0) connection.sendText(JSON.stringify(this.#droppedMessage('rate')));
        }
      } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    });
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.pump();
    });
  }

  /** Forget the queue (the subscriber's connection closed). */
  discard(): void {
    this.#queue = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #announceDrops(): void {
    if (this.#dropped > 0) this.#enqueue(JSON.stringify(this.#droppedMessage('queue')));
    if (this.#droppedRate > 0) this.#enqueue(JSON.stringify(this.#droppedMessage('rate')));
  }

  #droppedMessage(reason: DroppedMessage['reason']): DroppedMessage {
    let count: number;
    if (reason === 'rate') {
      count = this.#droppedRate;
      this.#droppedRate = 0;
    } else {
      count = this.#dropped;
      this.#dropped = 0;
    }
    return { type: 'dropped', ...stamp(), count, reason };
  }

  #enqueue(json: string): void {
    this.#queue.push(json);
    this.#bytes += json.length;
  }
}

export class InspectorHub {
  readonly classMode: boolean;
  readonly limits: Required<InspectorOptions>;
  readonly #subscribers = new Set<Subscriber>();
  /** The subscribers of each session; and those that watch everything. */
  readonly #sessions = new Map<string, Subscriber[]>();
  #all: Subscriber[] = [];
  #refillTimer: NodeJS.Timeout | null = null;
  #refilledAt = 0;
  /** Open connections that can be watched (every connection but the subscribers themselves). */
  readonly #connections = new Map<number, ServerConnection>();

  constructor(options: { classMode: boolean; limits: Required<InspectorOptions> }) {
    this.classMode = options.classMode;
    this.limits = options.limits;
  }

  /** Is anyone watching connections of `session`? (Connections copy wire bytes only then.) */
  watching(session: string | null): boolean {
    if (this.#all.length > 0) return true;
    return session !== null && this.#sessions.has(session);
  }

  /**
   * Would some subscriber watching `session` take a traffic message now (budget left, room in its
   * queue)? When not, the tap skips the work (copies, parsing, building) and calls `skip()`.
   */
  wanted(session: string | null): boolean {
    for (const subscriber of this.#all) if (subscriber.wants) return true;
    if (session === null) return false;
    const list = this.#sessions.get(session);
    if (list === undefined) return false;
    for (const subscriber of list) if (subscriber.wants) return true;
    return false;
  }

  /** `count` traffic messages about `session` were not built: each watching subscriber counts them. */
  skip(session: string | null, count: number): void {
    for (const subscriber of this.#all) subscriber.skip(count);
    if (session === null) return;
    const list = this.#sessions.get(session);
    if (list !== undefined) for (const subscriber of list) subscriber.skip(count);
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  subscribers(): Subscriber[] {
    return [...this.#subscribers];
  }

  /**
   * Send a message to every subscriber watching `session`. `build` runs at most once, and only if
   * some subscriber has room; it must not throw.
   */
  publish(session: string | null, build: () => InspectorMessage): void {
    if (!this.watching(session)) return;
    let json: string | undefined;
    const lazy = (): string => (json ??= JSON.stringify(build()));
    for (const subscriber of this.#all) subscriber.offer(lazy);
    const list = session === null ? undefined : this.#sessions.get(session);
    if (list !== undefined) for (const subscriber of list) subscriber.offer(lazy);
  }

  /**
   * A traffic message (`read`, `frame`) reporting `bytes` bytes of a frame (0 for a read), held to
   * each subscriber's budget. `build(cap)` runs at most once per cap (full, or truncated when a
   * subscriber's byte budget is short), only for subscribers that take it; it must not throw.
   */
  publishTraffic(session: string | null, bytes: number, build: TrafficBuilder): void {
    let full: string | undefined;
    let short: string | undefined;
    const lazy = (cap: number): string =>
      cap === this.limits.maxFrameBytes ? (full ??= JSON.stringify(build(cap))) : (short ??= JSON.stringify(build(cap)));
    for (const subscriber of this.#all) subscriber.offerTraffic(bytes, lazy);
    const list = session === null ? undefined : this.#sessions.get(session);
    if (list !== undefined) for (const subscriber of list) subscriber.offerTraffic(bytes, lazy);
  }

  subscribe(subscriber: Subscriber): void {
    if (this.#subscribers.has(subscriber)) return;
    this.#subscribers.add(subscriber);
    const { session, all } = subscriber.scope;
    if (all) this.#all = [...this.#all, subscriber];
    else if (session !== null) this.#sessions.set(session, [...(this.#sessions.get(session) ?? []), subscriber]);
    if (this.#refillTimer === null && (this.limits.rateMessages > 0 || this.limits.rateBytes > 0)) {
      this.#refilledAt = performance.now();
      this.#refillTimer = setInterval(() => this.#refill(), REFILL_MS);
      this.#refillTimer.unref();
    }
  }

  #refill(): void {
    const now = performance.now();
    const ms = now - this.#refilledAt;
    this.#refilledAt = now;
    for (const subscriber of this.#subscribers) subscriber.refill(ms);
  }

  unsubscribe(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber)) return;
    subscriber.discard();
    const { session, all } = subscriber.scope;
    if (all) this.#all = this.#all.filter((s) => s !== subscriber);
    else if (session !== null) {
      const rest = (this.#sessions.get(session) ?? []).filter((s) => s !== subscriber);
      if (rest.length === 0) this.#sessions.delete(session);
      else this.#sessions.set(session, rest);
    }
    if (this.#subscribers.size === 0 && this.#refillTimer !== null) {
      clearInterval(this.#refillTimer);
      this.#refillTimer = null;
    }
  }

  /** A watchable connection opened (the server calls this after the 101). */
  addConnection(connection: ServerConnection): void {
    this.#connections.set(connection.id, connection);
  }

  removeConnection(connection: ServerConnection): void {
    this.#connections.delete(connection.id);
  }

  connection(id: number): ServerConnection | undefined {
    return this.#connections.get(id);
  }

  /** The open connections `subscriber` may watch, as in their `open` messages. */
  snapshot(subscriber: Subscriber): ConnectionInfo[] {
    const out: ConnectionInfo[] = [];
    for (const connection of this.#connections.values()) {
      if (subscriber.watches(connection.session)) out.push(connection.info);
    }
    return out;
  }
}
