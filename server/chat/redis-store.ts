/**
 * The room's shared state in Redis (`npm start -- --redis redis://HOST:PORT/DB`), so any number of
 * server processes, on one machine or many, serve one room. Two connections per process: one for
 * the scripts of server/chat/redis-scripts.ts, one subscribed to the room's channel and to this
 * process's own (sharded pub/sub where the server has it, Redis 7+; plain pub/sub before).
 *
 * Losing Redis while running: the store says `degraded` (the room tells its users), requests fail
 * with `StoreUnavailableError` (the room holds messages and retries them, with dedupe keys, so a
 * retry never posts twice), the client library reconnects with backoff, and on reconnecting the
 * store re-registers this process's users, catches up on the messages it missed (from the history
 * and its inbox, by `seq`) and hands the room the current user list, then says `ok`.
 */
import { createClient, ErrorReply } from 'redis';
import { parseStoreEvent } from './store.ts';
import { EventGate } from './event-gate.ts';
import { eventsOf, messagesOf, parseUsers } from './redis-replies.ts';
import type {
  ChatStore,
  JoinRequest,
  JoinResult,
  PostRequest,
  PostResult,
  PrivateRequest,
  PrivateResult,
  StoreEvent,
  StoreListener,
} from './store.ts';
import { StoreUnavailableError } from './store.ts';
import type { UserInfo } from './messages.ts';
import { DEFAULT_PREFIX, runScript, SCRIPTS, type Script } from './redis-scripts.ts';
import { describeRedisError, RedisUnavailableError, redactRedisUrl } from './redis-url.ts';

export interface RedisStoreOptions {
  /** `redis://[user:password@]host[:port][/db]` (or `rediss://` for TLS). */
  url: string;
  /** Prefix of every key and channel; keep the `{…}` hash tag. Default `framescope:{chat}`. */
  prefix?: string;
  /** Milliseconds between heartbeats (default 1000). */
  heartbeatMs?: number;
  /** A process silent for this long loses its users (default 3000). */
  presenceTtlMs?: number;
  /** Give up connecting at start after this long (default 3000). */
  connectTimeoutMs?: number;
  /** Longest wait between reconnect attempts (default 2000); they start at 100 ms and double. */
  maxBackoffMs?: number;
  now?: () => number;
  log?: (line: string) => void;
}

function makeClient(url: string, connectTimeout: number, reconnectStrategy: (retries: number, cause: Error) => number | Error | false) {
  return createClient({ url, disableOfflineQueue: true, socket: { connectTimeout, reconnectStrategy } });
}

type Client = ReturnType<typeof makeClient>;
type State = 'idle' | 'ready' | 'degraded' | 'recovering' | 'closed';

export class RedisStore implements ChatStore {
  readonly kind = 'redis';
  /** This process, as Redis knows it. */
  readonly proc: string;
  /** The URL without its password, for messages. */
  readonly where: string;
  readonly #url: string;
  readonly #prefix: string;
  readonly #heartbeatMs: number;
  readonly #ttl: number;
  readonly #connectTimeout: number;
  readonly #maxBackoff: number;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  #commands: Client | null = null;
  #subscriber: Client | null = null;
  #publish: 'spublish' | 'publish' = 'publish';
  #listener: StoreListener | null = null;
  #state: State = 'idle';
  #opened = false;
  #recovering = false;
  readonly #events = new EventGate((event) => this.#deliver(event));
  #startSeq = 0;
  /** This process's users: name key -> user JSON, for re-registering them after an outage. */
  readonly #mine = new Map<string, string>();
  #waiters: ((available: boolean) => void)[] = [];
  #timer: ReturnType<typeof setInterval> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #reapAfter = 0;
  readonly #pending = new Set<Promise<unknown>>();

  constructor(options: RedisStoreOptions) {
    this.#url = options.url;
    this.where = redactRedisUrl(options.url);
    this.#prefix = options.prefix ?? DEFAULT_PREFIX;
    this.#heartbeatMs = options.heartbeatMs ?? 1000;
    this.#ttl = options.presenceTtlMs ?? 3000;
    this.#connectTimeout = options.connectTimeoutMs ?? 3000;
    this.#maxBackoff = options.maxBackoffMs ?? 2000;
    this.#now = options.now ?? (() => Date.now());
    this.#log = options.log ?? (() => {});
    const bytes = new Uint8Array(8);
    globalThis.crypto.getRandomValues(bytes);
    this.proc = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  get available(): boolean {
    return this.#state === 'ready';
  }

  /** `spublish` (sharded pub/sub) or `publish`: what this server offered. */
  get publishCommand(): string {
    return this.#publish;
  }

  whenAvailable(): Promise<boolean> {
    if (this.#state === 'ready') return Promise.resolve(true);
    if (this.#state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  async open(listener: StoreListener): Promise<{ users: UserInfo[] }> {
    this.#listener = listener;
    let users: UserInfo[];
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The connect timeout covers TCP only: something that accepts and never answers like Redis would hang.
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer like Redis's within ${this.#connectTimeout} ms (is that a Redis server?)`)),
        this.#connectTimeout,
      );
    });
    try {
      users = await Promise.race([this.#start(), deadline]);
    } catch (error) {
      this.#destroy();
      this.#state = 'closed';
      throw new RedisUnavailableError(this.where, error);
    } finally {
      clearTimeout(timer);
    }
    this.#opened = true;
    this.#state = 'ready';
    this.#events.openAfter(this.#startSeq);
    this.#timer = setInterval(() => void this.#tick(), this.#heartbeatMs);
    this.#timer.unref();
    this.#log(`chat: room state in Redis at ${this.where} (${this.#publish === 'spublish' ? 'sharded pub/sub' : 'pub/sub'}), process ${this.proc}`);
    return { users };
  }

  /** Connects both clients, subscribes, registers this process: the room as it is. */
  async #start(): Promise<UserInfo[]> {
    const commands = this.#client();
    this.#commands = commands;
    await commands.connect();
    this.#publish = (await this.#hasShardedPubSub(commands)) ? 'spublish' : 'publish';
    const subscriber = this.#client(commands);
    this.#subscriber = subscriber;
    await subscriber.connect();
    const channels = [`${this.#prefix}:room`, `${this.#prefix}:proc:${this.proc}`];
    const onMessage = (message: string): void => this.#received(message);
    if (this.#publish === 'spublish') await subscriber.sSubscribe(channels, onMessage);
    else await subscriber.subscribe(channels, onMessage);
    const snapshot = await this.#resume();
    this.#startSeq = snapshot.seq;
    // Users of processes that stopped without a word (before this one started) leave now.
    await this.#call(SCRIPTS.tick, [String(this.#ttl), '1']);
    return snapshot.users;
  }

  async join(request: JoinRequest): Promise<JoinResult> {
    const user = JSON.stringify(request.user);
    const reply = (await this.#run(SCRIPTS.join, request.time, [
      request.key,
      user,
      String(request.maxUsers),
      String(request.history),
    ])) as unknown[];
    const status = String(reply[0]);
    if (status === 'stale') throw this.#stale();
    if (status === 'taken' || status === 'full') return { ok: false, reason: status };
    this.#mine.set(request.key, user);
    return {
      ok: true,
      seq: Number(reply[1]),
      users: parseUsers(String(reply[2])),
      history: messagesOf(reply[3]),
    };
  }

  async leave(key: string, time: string): Promise<void> {
    // Forget it first: if Redis is away now, re-registering after the outage drops it there too.
    this.#mine.delete(key);
    try {
      await this.#run(SCRIPTS.leave, time, [key]);
    } catch (error) {
      if (!(error instanceof StoreUnavailableError)) throw error;
    }
  }

  async post(request: PostRequest): Promise<PostResult> {
    const reply = (await this.#run(SCRIPTS.post, request.body.time, [
      request.fromKey,
      request.dedupe.sender,
      String(request.dedupe.n),
      JSON.stringify(request.body),
      String(request.history),
    ])) as unknown[];
    if (reply[0] === 'ok') return { ok: true, id: Number(reply[1]) };
    if (this.#mine.has(request.fromKey)) throw this.#stale();
    return { ok: false, reason: 'not-joined' };
  }

  async sendPrivate(request: PrivateRequest): Promise<PrivateResult> {
    const reply = (await this.#run(SCRIPTS.private, request.body.time, [
      request.fromKey,
      request.dedupe.sender,
      String(request.dedupe.n),
      JSON.stringify(request.body),
      request.toKey,
      JSON.stringify(request.fromKey),
      JSON.stringify(request.toKey),
    ])) as unknown[];
    if (reply[0] === 'ok') return { ok: true, id: Number(reply[1]) };
    if (reply[0] === 'unknown-recipient') return { ok: false, reason: 'unknown-recipient' };
    if (this.#mine.has(request.fromKey)) throw this.#stale();
    return { ok: false, reason: 'not-joined' };
  }

  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    const connected = this.#state === 'ready';
    this.#state = 'closed';
    this.#stopTimers();
    this.#wake(false);
    await Promise.race([Promise.allSettled([...this.#pending]), delay(2000)]);
    if (connected && this.#commands?.isReady) {
      try {
        await Promise.race([this.#call(SCRIPTS.quit, []), delay(2000)]);
      } catch {
        // Presence expiry takes this process's users out instead.
      }
    }
    await Promise.allSettled([this.#commands, this.#subscriber].map((client) => (client?.isOpen ? client.close() : undefined)));
    this.#destroy();
  }

  /** For tests: stop like a killed process (no goodbye), so presence expiry has to notice. */
  crash(): void {
    this.#state = 'closed';
    this.#stopTimers();
    this.#wake(false);
    this.#destroy();
  }

  // ---- connections ---------------------------------------------------------------------------

  #client(from?: Client): Client {
    const client =
      from?.duplicate() ??
      makeClient(this.#url, this.#connectTimeout, (retries, cause) => this.#reconnectDelay(retries, cause));
    client.on('error', (error: unknown) => this.#lost(describeRedisError(error)));
    client.on('reconnecting', () => this.#lost('reconnecting'));
    client.on('ready', () => this.#reconnected());
    return client;
  }

  /** Before the first successful open: give up at once (a clear error). After: back off and retry. */
  #reconnectDelay(retries: number, cause: Error): number | Error | false {
    if (this.#state === 'closed') return false;
    if (!this.#opened) return cause;
    const base = Math.min(this.#maxBackoff, 100 * 2 ** Math.min(retries, 10));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  async #hasShardedPubSub(client: Client): Promise<boolean> {
    try {
      const info = (await client.sendCommand(['COMMAND', 'INFO', 'SPUBLISH'])) as unknown[];
      return Array.isArray(info) && info[0] !== null && info[0] !== undefined;
    } catch {
      return false;
    }
  }

  #lost(reason: string): void {
    if (!this.#opened || this.#state === 'closed') return;
    this.#events.hold();
    if (this.#state === 'ready') {
      this.#state = 'degraded';
      this.#log(`chat: lost Redis at ${this.where} (${reason}); reconnecting with backoff`);
      this.#listener?.status('degraded', reason);
    } else if (this.#state === 'recovering') {
      this.#state = 'degraded';
    }
  }

  #reconnected(): void {
    if (!this.#opened || this.#state === 'closed' || this.#state === 'ready') return;
    if (this.#commands?.isReady && this.#subscriber?.isReady) void this.#recover();
  }

  /** Re-register, catch up, resync: then `ok`. */
  async #recover(): Promise<void> {
    if (this.#recovering || this.#state === 'closed') return;
    this.#recovering = true;
    this.#state = 'recovering';
    this.#events.hold();
    try {
      const snapshot = await this.#resume();
      if (this.#state !== 'recovering') return;
      if (snapshot.conflicts.length > 0) {
        for (const key of snapshot.conflicts) this.#mine.delete(key);
        this.#listener?.evicted(snapshot.conflicts);
      }
      this.#state = 'ready';
      this.#reapAfter = this.#now() + this.#ttl;
      this.#events.catchUp([...snapshot.history, ...snapshot.inbox], snapshot.seq, () => this.#listener?.resync(snapshot.users));
      this.#log(`chat: Redis at ${this.where} is back; caught up to event ${this.#events.highWater}`);
      this.#listener?.status('ok', `Redis at ${this.where} answers again`);
      this.#wake(true);
    } catch (error) {
      if (this.#closed) return;
      this.#state = 'degraded';
      this.#log(`chat: catching up with Redis failed (${describeRedisError(error)}); trying again`);
      this.#retry ??= setTimeout(() => {
        this.#retry = null;
        this.#reconnected();
      }, 1000);
    } finally {
      this.#recovering = false;
    }
  }

  async #resume(): Promise<{ seq: number; users: UserInfo[]; conflicts: string[]; history: StoreEvent[]; inbox: StoreEvent[] }> {
    const pairs = [...this.#mine].flat();
    const reply = (await this.#call(SCRIPTS.resume, [String(this.#ttl), '1000000', ...pairs])) as unknown[];
    return {
      seq: Number(reply[0]),
      users: parseUsers(String(reply[1])),
      conflicts: (reply[2] as unknown[]).map(String),
      history: eventsOf(reply[3]),
      inbox: eventsOf(reply[4]),
    };
  }

  async #tick(): Promise<void> {
    if (this.#state !== 'ready') return;
    const reap = this.#now() >= this.#reapAfter;
    try {
      const reply = (await this.#run(SCRIPTS.tick, null, [String(this.#ttl), reap ? '1' : '0'])) as unknown[];
      if (Number(reply[0]) === 0 && this.#state === 'ready') {
        this.#lost('this process missed its heartbeats and was taken for dead');
        void this.#recover();
      }
      if (Number(reply[1]) > 0) this.#log(`chat: ${String(reply[1])} user(s) of stopped processes left the room`);
    } catch {
      // The connection's own events say what went wrong.
    }
  }

  #stale(): StoreUnavailableError {
    this.#lost('this process was taken for dead');
    void this.#recover();
    return new StoreUnavailableError('the room is re-registering this process');
  }

  // ---- events --------------------------------------------------------------------------------

  #received(text: string): void {
    const event = parseStoreEvent(text);
    if (!event) {
      this.#log(`chat: ignored a message on the room's channel that is not an event (${text.slice(0, 80)})`);
      return;
    }
    this.#events.receive(event);
  }

  #deliver(event: StoreEvent): void {
    try {
      this.#listener?.event(event);
    } catch (error) {
      // The room's bug, not Redis's: say so, and keep delivering.
      this.#log(`chat: delivering event ${event.seq} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
  }

  // ---- commands ------------------------------------------------------------------------------

  /** A request from the room: only while ready, tracked so `close()` can wait for it. */
  #run(script: Script, time: string | null, args: string[]): Promise<unknown> {
    if (this.#state !== 'ready') {
      return Promise.reject(new StoreUnavailableError(`the room cannot reach Redis at ${this.where} now`));
    }
    const work = this.#call(script, args, time);
    this.#pending.add(work);
    const forget = (): void => {
      this.#pending.delete(work);
    };
    work.then(forget, forget);
    return work;
  }

  async #call(script: Script, args: string[], time: string | null = null): Promise<unknown> {
    const client = this.#commands;
    if (!client?.isReady) throw new StoreUnavailableError(`the room cannot reach Redis at ${this.where} now`);
    const argv = [this.#prefix, this.#publish, time ?? new Date(this.#now()).toISOString(), this.proc, ...args];
    try {
      return await runScript(client, script, argv);
    } catch (error) {
      if (error instanceof ErrorReply) throw new Error(`Redis refused the chat's ${script.name} script: ${error.message}`);
      throw new StoreUnavailableError(`the room cannot reach Redis at ${this.where} now (${describeRedisError(error)})`, { cause: error });
    }
  }

  /** Read through a getter, so the compiler does not narrow it across an await. */
  get #closed(): boolean {
    return this.#state === 'closed';
  }

  #wake(available: boolean): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const resolve of waiters) resolve(available);
  }

  #stopTimers(): void {
    if (this.#timer) clearInterval(this.#timer);
    if (this.#retry) clearTimeout(this.#retry);
    this.#timer = null;
    this.#retry = null;
  }

  #destroy(): void {
    for (const client of [this.#commands, this.#subscriber]) {
      try {
        if (client?.isOpen) client.destroy();
      } catch {
        // Already gone.
      }
    }
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
