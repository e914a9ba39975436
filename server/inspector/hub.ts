/**
 * The inspector hub: connections publish what crossed their sockets; `/inspect` subscribers get
 * the messages for the connections they may watch (their own session's, or every one for a
 * class-mode `?all` subscriber).
 *
 * The tap never stalls the connection it watches: `publish()` is synchronous, builds a message
 * only if some subscriber has room for it, and each subscriber has a bounded queue (count and
 * bytes). What does not fit is counted and announced later with one `dropped` message.
 */
import type { InspectorOptions } from '../options.ts';
import type { ServerConnection } from '../connection.ts';
import { stamp, type ConnectionInfo, type InspectorMessage } from './messages.ts';

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
  #dropped = 0;
  #totalDropped = 0;
  #scheduled = false;

  constructor(connection: ServerConnection, scope: SubscriberScope, limits: Required<InspectorOptions>) {
    this.connection = connection;
    this.scope = scope;
    this.#limits = limits;
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
        if (this.#dropped > 0 && connection.state === 'OPEN' && connection.bufferedAmount < highWater) {
          connection.sendText(JSON.stringify(this.#droppedMessage()));
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
    if (this.#dropped > 0) this.#enqueue(JSON.stringify(this.#droppedMessage()));
  }

  #droppedMessage(): InspectorMessage {
    const count = this.#dropped;
    this.#dropped = 0;
    return { type: 'dropped', ...stamp(), count };
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
  /** How many subscribers watch each session; plus those that watch everything. */
  readonly #sessions = new Map<string, number>();
  #allCount = 0;
  /** Open connections that can be watched (every connection but the subscribers themselves). */
  readonly #connections = new Map<number, ServerConnection>();

  constructor(options: { classMode: boolean; limits: Required<InspectorOptions> }) {
    this.classMode = options.classMode;
    this.limits = options.limits;
  }

  /** Is anyone watching connections of `session`? (Connections copy wire bytes only then.) */
  watching(session: string | null): boolean {
    if (this.#allCount > 0) return true;
    return session !== null && this.#sessions.has(session);
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
    for (const subscriber of this.#subscribers) {
      if (subscriber.watches(session)) subscriber.offer(lazy);
    }
  }

  subscribe(subscriber: Subscriber): void {
    if (this.#subscribers.has(subscriber)) return;
    this.#subscribers.add(subscriber);
    const { session, all } = subscriber.scope;
    if (all) this.#allCount++;
    else if (session !== null) this.#sessions.set(session, (this.#sessions.get(session) ?? 0) + 1);
  }

  unsubscribe(subscriber: Subscriber): void {
    if (!this.#subscribers.delete(subscriber)) return;
    subscriber.discard();
    const { session, all } = subscriber.scope;
    if (all) this.#allCount--;
    else if (session !== null) {
      const n = (this.#sessions.get(session) ?? 1) - 1;
      if (n <= 0) this.#sessions.delete(session);
      else this.#sessions.set(session, n);
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
