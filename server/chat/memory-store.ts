/**
 * The room's shared state in this process's memory: the default (`npm start` with no `--redis`).
 * A `MemoryBackend` is the state; each `MemoryStore` attached to it plays one server process, so
 * the store tests can run two "processes" against it exactly as they run two against Redis. Events
 * are delivered synchronously, before the request that caused them resolves.
 */
import type { ChatMessage, UserInfo } from './messages.ts';
import type {
  ChatStore,
  Dedupe,
  JoinRequest,
  JoinResult,
  MessageEvent,
  PostRequest,
  PostResult,
  PrivateRequest,
  PrivateResult,
  StoreEvent,
  StoreListener,
} from './store.ts';
import { StoreUnavailableError } from './store.ts';

export interface MemoryStoreOptions {
  /**
   * Milliseconds between heartbeats; a store silent for `presenceTtlMs` loses its users. 0 (the
   * default): no heartbeats, for a single process, which cannot outlive its own room.
   */
  heartbeatMs?: number;
  presenceTtlMs?: number;
}

/** Senders whose last request is remembered, at most (the oldest are forgotten first). */
const DEDUPE_KEPT = 10_000;

interface Holder {
  user: UserInfo;
  owner: MemoryStore;
}

/** The state several `MemoryStore`s share. */
export class MemoryBackend {
  readonly now: () => number;
  #seq = 0;
  #id = 0;
  /** By name key, in join order. */
  readonly #users = new Map<string, Holder>();
  readonly #history: MessageEvent[] = [];
  /** Each sender's last request: its number and the id it got. */
  readonly #done = new Map<string, { n: number; id: number }>();
  /** Attached stores and when their presence expires (ms; Infinity without heartbeats). */
  readonly #stores = new Map<MemoryStore, number>();

  constructor(now: () => number = () => Date.now()) {
    this.now = now;
  }

  get users(): UserInfo[] {
    return [...this.#users.values()].map((holder) => holder.user);
  }

  attach(store: MemoryStore, ttl: number): void {
    this.#stores.set(store, ttl > 0 ? this.now() + ttl : Infinity);
  }

  /** Gone without a word (a crash): its users stay until its presence expires. */
  detach(store: MemoryStore): void {
    const expires = this.#stores.get(store);
    if (expires === Infinity) this.#stores.delete(store);
  }

  join(store: MemoryStore, request: JoinRequest): JoinResult {
    if (this.#users.has(request.key)) return { ok: false, reason: 'taken' };
    if (this.#users.size >= request.maxUsers) return { ok: false, reason: 'full' };
    const history = this.#history.slice(-request.history).map((event) => event.message);
    this.#users.set(request.key, { user: request.user, owner: store });
    const seq = ++this.#seq;
    this.#publish({ kind: 'join', seq, user: request.user, time: request.time, users: this.users });
    return { ok: true, seq, users: this.users, history };
  }

  leave(store: MemoryStore, key: string, time: string): void {
    const holder = this.#users.get(key);
    if (holder?.owner !== store) return;
    this.#remove(key, holder, time);
  }

  post(store: MemoryStore, request: PostRequest): PostResult {
    const done = this.#done.get(request.dedupe.sender);
    if (done && done.n >= request.dedupe.n) return { ok: true, id: done.id };
    if (this.#users.get(request.fromKey)?.owner !== store) return { ok: false, reason: 'not-joined' };
    const id = ++this.#id;
    const message: ChatMessage = { type: 'message', id, ...request.body };
    const event: MessageEvent = { kind: 'message', seq: ++this.#seq, message };
    this.#history.push(event);
    if (this.#history.length > request.history) this.#history.splice(0, this.#history.length - request.history);
    this.#remember(request.dedupe, id);
    this.#publish(event);
    return { ok: true, id };
  }

  sendPrivate(store: MemoryStore, request: PrivateRequest): PrivateResult {
    const done = this.#done.get(request.dedupe.sender);
    if (done && done.n >= request.dedupe.n) return { ok: true, id: done.id };
    if (this.#users.get(request.fromKey)?.owner !== store) return { ok: false, reason: 'not-joined' };
    const recipient = this.#users.get(request.toKey);
    if (!recipient) return { ok: false, reason: 'unknown-recipient' };
    const id = ++this.#id;
    const event: StoreEvent = {
      kind: 'private',
      seq: ++this.#seq,
      from: request.fromKey,
      to: request.toKey,
      message: {
        type: 'private',
        id,
        from: request.body.from,
        colour: request.body.colour,
        to: recipient.user.name,
        toColour: recipient.user.colour,
        text: request.body.text,
        time: request.body.time,
      },
    };
    this.#remember(request.dedupe, id);
    recipient.owner.deliver(event);
    if (store !== recipient.owner) store.deliver(event);
    return { ok: true, id };
  }

  /** `store` is alive for `ttl` more ms; stores whose time ran out lose their users. */
  heartbeat(store: MemoryStore, ttl: number): void {
    const now = this.now();
    this.#stores.set(store, now + ttl);
    const time = new Date(now).toISOString();
    for (const [other, expires] of this.#stores) {
      if (expires >= now) continue;
      this.#stores.delete(other);
      for (const [key, holder] of this.#users) if (holder.owner === other) this.#remove(key, holder, time);
    }
  }

  /** A clean stop: its users leave now. */
  close(store: MemoryStore, time: string): void {
    for (const [key, holder] of this.#users) if (holder.owner === store) this.#remove(key, holder, time);
    this.#stores.delete(store);
  }

  #remove(key: string, holder: Holder, time: string): void {
    this.#users.delete(key);
    this.#publish({ kind: 'leave', seq: ++this.#seq, user: holder.user, time, users: this.users });
  }

  #remember(dedupe: Dedupe, id: number): void {
    this.#done.delete(dedupe.sender);
    this.#done.set(dedupe.sender, { n: dedupe.n, id });
    if (this.#done.size > DEDUPE_KEPT) {
      const oldest = this.#done.keys().next().value;
      if (oldest !== undefined) this.#done.delete(oldest);
    }
  }

  #publish(event: StoreEvent): void {
    for (const store of [...this.#stores.keys()]) store.deliver(event);
  }
}

export class MemoryStore implements ChatStore {
  readonly kind = 'memory';
  readonly backend: MemoryBackend;
  readonly #heartbeatMs: number;
  readonly #ttl: number;
  #listener: StoreListener | null = null;
  #timer: ReturnType<typeof setInterval> | null = null;
  #closed = false;

  constructor(backend: MemoryBackend = new MemoryBackend(), options: MemoryStoreOptions = {}) {
    this.backend = backend;
    this.#heartbeatMs = options.heartbeatMs ?? 0;
    this.#ttl = this.#heartbeatMs > 0 ? (options.presenceTtlMs ?? this.#heartbeatMs * 3) : 0;
  }

  get available(): boolean {
    return this.#listener !== null && !this.#closed;
  }

  whenAvailable(): Promise<boolean> {
    return Promise.resolve(!this.#closed);
  }

  open(listener: StoreListener): Promise<{ users: UserInfo[] }> {
    this.#listener = listener;
    this.backend.attach(this, this.#ttl);
    if (this.#heartbeatMs > 0) {
      this.#timer = setInterval(() => this.backend.heartbeat(this, this.#ttl), this.#heartbeatMs);
      this.#timer.unref();
    }
    return Promise.resolve({ users: this.backend.users });
  }

  join(request: JoinRequest): Promise<JoinResult> {
    return this.#run(() => this.backend.join(this, request));
  }

  leave(key: string, time: string): Promise<void> {
    return this.#run(() => this.backend.leave(this, key, time));
  }

  post(request: PostRequest): Promise<PostResult> {
    return this.#run(() => this.backend.post(this, request));
  }

  sendPrivate(request: PrivateRequest): Promise<PrivateResult> {
    return this.#run(() => this.backend.sendPrivate(this, request));
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#stop();
      this.backend.close(this, new Date(this.backend.now()).toISOString());
    }
    return Promise.resolve();
  }

  /** For tests: stop like a killed process, leaving its users to presence expiry. */
  crash(): void {
    this.#closed = true;
    this.#stop();
    this.#listener = null;
    this.backend.detach(this);
  }

  /** @internal The backend hands this store an event for its process. */
  deliver(event: StoreEvent): void {
    this.#listener?.event(event);
  }

  #stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
  }

  #run<T>(work: () => T): Promise<T> {
    if (!this.available) return Promise.reject(new StoreUnavailableError('the chat store is closed'));
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
