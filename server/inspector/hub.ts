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
import { stamp, type ConnectionInfo, type InspectorMessage, type StudentInfo } from './messages.ts';
import { Students } from './students.ts';
import type { Subscriber } from './subscriber.ts';
import type { HubSubscriber, InspectorSink, TrafficBuilder, WatchedConnection } from './types.ts';

/** How often the budgets are refilled, ms. */
const REFILL_MS = 50;

/**
 * The hub, for subscribers of type `S` (the `/inspect` queues by default; tests use fakes). It knows
 * nothing of sockets: subscribers are `HubSubscriber`s, connections `WatchedConnection`s.
 */
export class InspectorHub<S extends HubSubscriber = Subscriber> implements InspectorSink {
  readonly classMode: boolean;
  readonly limits: Required<InspectorOptions>;
  readonly #subscribers = new Set<S>();
  /** The subscribers of each session; and those that watch everything. */
  readonly #sessions = new Map<string, S[]>();
  #all: S[] = [];
  #refillTimer: NodeJS.Timeout | null = null;
  #refilledAt = 0;
  /** Open connections that can be watched (every connection but the subscribers themselves). */
  readonly #connections = new Map<number, WatchedConnection>();

  /** Class mode: the students (one per session), for the teacher's view. */
  readonly students: Students;

  constructor(options: { classMode: boolean; limits: Required<InspectorOptions> }) {
    this.classMode = options.classMode;
    this.limits = options.limits;
    this.students = new Students((student) => this.publishToAll(() => ({ type: 'student', ...stamp(), ...student })));
  }

  /** Send a message to the subscribers that watch every connection (the teacher's view) only. */
  publishToAll(build: () => InspectorMessage): void {
    if (this.#all.length === 0) return;
    let json: string | undefined;
    const lazy = (): string => (json ??= JSON.stringify(build()));
    for (const subscriber of this.#all) subscriber.offer(lazy);
  }

  /** The students known, for a `?all` subscriber's hello (class mode; none otherwise). */
  studentList(): StudentInfo[] {
    return this.classMode ? this.students.list() : [];
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

  subscribers(): S[] {
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

  subscribe(subscriber: S): void {
    if (this.#subscribers.has(subscriber)) return;
    this.#subscribers.add(subscriber);
    const { session, all } = subscriber.scope;
    if (all) this.#all = [...this.#all, subscriber];
    else if (session !== null) this.#sessions.set(session, [...(this.#sessions.get(session) ?? []), subscriber]);
    if (this.classMode && !all && session !== null) this.students.page(session, 1);
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

  unsubscribe(subscriber: S): void {
    if (!this.#subscribers.delete(subscriber)) return;
    subscriber.discard();
    const { session, all } = subscriber.scope;
    if (all) this.#all = this.#all.filter((s) => s !== subscriber);
    else if (session !== null) {
      const rest = (this.#sessions.get(session) ?? []).filter((s) => s !== subscriber);
      if (rest.length === 0) this.#sessions.delete(session);
      else this.#sessions.set(session, rest);
      if (this.classMode) this.students.page(session, -1);
    }
    if (this.#subscribers.size === 0 && this.#refillTimer !== null) {
      clearInterval(this.#refillTimer);
      this.#refillTimer = null;
    }
  }

  /** A watchable connection opened (the server calls this after the 101). */
  addConnection(connection: WatchedConnection): void {
    this.#connections.set(connection.id, connection);
    if (this.classMode && connection.session !== null) this.students.seen(connection.session);
  }

  removeConnection(connection: WatchedConnection): void {
    this.#connections.delete(connection.id);
  }

  connection(id: number): WatchedConnection | undefined {
    return this.#connections.get(id);
  }

  /** Every watchable connection open now, oldest first. */
  openConnections(): WatchedConnection[] {
    return [...this.#connections.values()];
  }

  /** The open connections `subscriber` may watch, as in their `open` messages. */
  snapshot(subscriber: S): ConnectionInfo[] {
    const out: ConnectionInfo[] = [];
    for (const connection of this.#connections.values()) {
      if (subscriber.watches(connection.session)) out.push(connection.info);
    }
    return out;
  }
}
