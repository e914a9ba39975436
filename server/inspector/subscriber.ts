/**
 * One `/inspect` subscriber's side of the hub: a bounded queue in front of its socket, and its
 * budget (a token bucket in messages/s and in reported frame bytes/s, refilled by the hub's timer).
 * Every message offered is either queued or counted as dropped, and the count is announced with
 * one `dropped` message when there is room again: delivered + dropped = produced.
 */
import type { InspectorOptions } from '../options.ts';
import { stamp, type DroppedMessage, type InspectorMessage } from './messages.ts';
import type { HubSubscriber, SubscriberScope, SubscriberSocket } from './types.ts';

/** Over the byte budget, a frame is reported with this many of its bytes (header and the first of its payload). */
export const TRUNCATED_FRAME_BYTES = 256;

/**
 * Writes to a subscriber's socket, while messages keep coming, are at least this many ms apart (a
 * frame of a 60 Hz display): the messages of a busy connection go out many to a write (and, with
 * `?batch`, many to an event) rather than a write and a wakeup of the subscriber per round trip,
 * each of which cost about as much as the echo they report (1 client × 32 B ping-pong, watched:
 * 65 µs of server CPU per round trip with a write per turn of the event loop, 19-23 µs so; 15 µs
 * unwatched). A message after a quiet spell still goes out on the next turn; a page draws what
 * came at most once per animation frame anyway.
 */
export const FLUSH_MS = 16;

/** A batch (`/inspect?batch`) holds at most this many characters of JSON, and this many messages. */
export const BATCH_CHARS = 256 * 1024;
export const BATCH_MESSAGES = 1_000;

/** One `/inspect` connection's view of the hub: a bounded queue in front of its socket. */
export class Subscriber implements HubSubscriber {
  readonly scope: SubscriberScope;
  /** The `/inspect` connection its messages go out on. */
  readonly socket: SubscriberSocket;
  readonly #limits: Required<InspectorOptions>;
  #queue: string[] = [];
  #head = 0;
  #bytes = 0;
  /** Not yet announced: dropped because the queue was full, and skipped over the rate budget. */
  #dropped = 0;
  #droppedRate = 0;
  #totalDropped = 0;
  #scheduled = false;
  /** When the queue was last written out (`#schedule`). */
  #pumpedAt = -Infinity;
  /** Token buckets: messages and frame bytes this subscriber may still be sent (Infinity: no limit). */
  #tokens: number;
  #byteTokens: number;
  /** `/inspect?batch`: each text message is a JSON array of the messages queued (docs/inspector.md). */
  readonly #batch: boolean;

  constructor(socket: SubscriberSocket, scope: SubscriberScope, limits: Required<InspectorOptions>, options: { batch?: boolean } = {}) {
    this.socket = socket;
    this.scope = scope;
    this.#limits = limits;
    this.#batch = options.batch ?? false;
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
    return this.#tokens >= 1 && this.socket.state === 'OPEN' && !this.full;
  }

  /** Queue a message if there is room (building it only then), else count it as dropped. */
  offer(json: () => string): void {
    if (this.socket.state !== 'OPEN') return;
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
    if (this.socket.state !== 'OPEN') return;
    if (this.full) {
      this.#dropped++;
      this.#totalDropped++;
      return;
    }
    let cap = this.#limits.maxFrameBytes;
    let reported = bytes < cap ? bytes : cap;
    if (reported > this.#byteTokens) {
      // Over the byte budget: cut short, or skipped (a "rate" drop, as for the message budget).
      cap = TRUNCATED_FRAME_BYTES;
      reported = bytes < cap ? bytes : cap;
      if (cap >= this.#limits.maxFrameBytes || reported > this.#byteTokens) {
        this.#droppedRate++;
        this.#totalDropped++;
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
    if (this.socket.state !== 'OPEN') return;
    if (this.#tokens < 1) this.#droppedRate += count;
    else this.#dropped += count;
    this.#totalDropped += count;
  }

  /** Add `ms` worth of budget (up to one second's), and announce what was skipped meanwhile. */
  refill(ms: number): void {
    const { rateMessages, rateBytes } = this.#limits;
    if (rateMessages > 0) this.#tokens = Math.min(rateMessages, this.#tokens + (rateMessages * ms) / 1000);
    if (rateBytes > 0) this.#byteTokens = Math.min(rateBytes, this.#byteTokens + (rateBytes * ms) / 1000);
    if ((this.#dropped > 0 || this.#droppedRate > 0) && this.socket.state === 'OPEN' && !this.full) {
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
    if (this.socket.state !== 'OPEN') return;
    if (this.queued >= 2 * this.#limits.queueCount || this.#bytes >= 2 * this.#limits.queueBytes) {
      this.discard();
      this.socket.abort(1008, 'commands sent faster than their answers are read', 'not reading');
      return;
    }
    this.#announceDrops();
    this.#enqueue(JSON.stringify(message));
    this.#schedule();
  }

  /**
   * Write queued messages while the socket has room; called again on 'drain'. Writing waits for
   * the next turn of the event loop, and while messages keep coming for FLUSH_MS after the last
   * write (`#schedule`), so the connection being watched never pays for the subscriber's socket,
   * and the messages queued meanwhile go out in one corked write.
   */
  pump(): void {
    const socket = this.socket;
    const highWater = this.#limits.socketHighWater;
    if (socket.state !== 'OPEN') return;
    socket.corked(() => {
      while (this.queued > 0 && socket.state === 'OPEN' && socket.bufferedAmount < highWater) {
        if (this.#batch) {
          socket.sendText(this.#takeBatch());
          continue;
        }
        const json = this.#queue[this.#head]!;
        this.#queue[this.#head++] = '';
        this.#bytes -= json.length;
        socket.sendText(json);
      }
      if (this.queued === 0) {
        this.#queue = [];
        this.#head = 0;
        if (socket.state === 'OPEN' && socket.bufferedAmount < highWater) {
          const drops: string[] = [];
          if (this.#dropped > 0) drops.push(JSON.stringify(this.#droppedMessage('queue')));
          if (this.#droppedRate > 0) drops.push(JSON.stringify(this.#droppedMessage('rate')));
          if (this.#batch && drops.length > 0) socket.sendText(`[${drops.join(',')}]`);
          else for (const json of drops) socket.sendText(json);
        }
      } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    });
  }

  /**
   * The next batch: queued messages joined into one JSON array, up to BATCH_MESSAGES or
   * BATCH_CHARS (at least one message), so a page takes one event for many messages.
   */
  #takeBatch(): string {
    const parts: string[] = [];
    let chars = 0;
    while (this.queued > 0 && parts.length < BATCH_MESSAGES) {
      const json = this.#queue[this.#head]!;
      if (parts.length > 0 && chars + json.length > BATCH_CHARS) break;
      this.#queue[this.#head++] = '';
      this.#bytes -= json.length;
      chars += json.length + 1;
      parts.push(json);
    }
    return `[${parts.join(',')}]`;
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const run = (): void => {
      this.#scheduled = false;
      this.#pumpedAt = performance.now();
      this.pump();
    };
    // The next turn of the event loop; but while messages keep coming, no sooner than FLUSH_MS
    // after the last write, so that a busy connection's messages go out many per write.
    const wait = this.#pumpedAt + FLUSH_MS - performance.now();
    if (wait <= 0) setImmediate(run);
    else setTimeout(run, wait);
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
