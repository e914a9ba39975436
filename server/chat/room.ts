/**
 * The chat room as one server process runs it: it takes what a connection did (connected, sent
 * text, sent binary, went away) and says what to send to whom through `output`. What is local to
 * the process lives here — the connections, their nicknames once joined, rate limits and error
 * counts; what the processes share (who is in the room, the history, ids, fan-out) lives in a
 * `ChatStore` (server/chat/store.ts): in memory by default, in Redis with `--redis`. No sockets:
 * the endpoint (server/endpoints/chat.ts) is a thin loop around it; tests drive it with a fake
 * clock and read what it sends.
 *
 * A command that needs the store (join, message, private) waits for it; a user's messages go to
 * the store one after another, so they arrive in the order sent, on every process. While the store
 * is away (`degraded`) a user's messages wait (up to `maxQueued`) and go when it is back.
 */
import { checkNickname, colourForName, nameKey, suggestFreeName, suggestGuestName } from './names.ts';
import { errorMessage, parseClientMessage, type ClientCommand, type ErrorMessage, type ServerMessage, type UserInfo } from './messages.ts';
import { DEFAULT_CHAT_OPTIONS, type ChatRoomOptions, limitsOf, POLICY_VIOLATION } from './options.ts';
import { Member } from './member.ts';
import { MemoryStore } from './memory-store.ts';
import { notJoined, rateLimited, storeFailed, tooMany, unavailable, unknownRecipient } from './refusals.ts';
import { StoreUnavailableError, type ChatStore, type MessageBody, type StoreEvent } from './store.ts';
import { checkText, normalizeText, privatePrefix } from './text.ts';

export { DEFAULT_CHAT_OPTIONS, POLICY_VIOLATION, type ChatRoomOptions } from './options.ts';

export type ChatAction<Client> =
  | { kind: 'send'; to: readonly Client[]; message: ServerMessage }
  | { kind: 'close'; to: Client; code: number; reason: string };

const RESOLVED = Promise.resolve();
/** Store requests one user may have queued even while the store is there (a raised rate limit). */
const QUEUED_MAX = 1000;
/** Events kept to hand a newcomer what arrived between its join and the store's answer. */
const RECENT_KEPT = 1024;

export class ChatRoom<Client = number> {
  readonly options: ChatRoomOptions;
  readonly store: ChatStore;
  /** Resolves once the store is open; rejects when it cannot be (Redis unreachable at start). */
  readonly ready: Promise<void>;
  readonly #output: (action: ChatAction<Client>) => void;
  readonly #members = new Map<Client, Member>();
  /** Joined members of this process by name key. */
  readonly #local = new Map<string, Client>();
  /** Everyone in the room (all processes), in join order, as of event `#usersSeq`. */
  #users: UserInfo[] = [];
  #userKeys = new Set<string>();
  #usersSeq = 0;
  readonly #recent: StoreEvent[] = [];
  /** Why the store is away, or null. */
  #degraded: string | null = null;
  readonly #dedupePrefix: string;
  #connected = 0;

  constructor(output: (action: ChatAction<Client>) => void, options: Partial<ChatRoomOptions> = {}, store?: ChatStore) {
    this.options = { ...DEFAULT_CHAT_OPTIONS, ...options };
    this.store = store ?? new MemoryStore();
    this.#output = output;
    // Not `options.randomHex`: tests count its calls to predict guest names.
    this.#dedupePrefix = DEFAULT_CHAT_OPTIONS.randomHex(12);
    this.ready = this.store
      .open({
        event: (event) => this.#event(event),
        status: (state, reason) => this.#status(state, reason),
        resync: (users) => this.#resync(users),
        evicted: (keys) => this.#evicted(keys),
      })
      .then(({ users }) => this.#setUsers(users, 0));
    this.ready.catch(() => {});
  }

  /** Everyone in the room, on every process, in join order. */
  get users(): UserInfo[] {
    return this.#users;
  }

  /** A connection opened: greet it with a suggested nickname (and the room's state if degraded). */
  connect(client: Client): void {
    if (this.#members.has(client)) return;
    const suggestion = suggestGuestName(this.options.randomHex, (candidate) => this.#isTakenOrOffered(candidate));
    const sender = `${this.#dedupePrefix}-${++this.#connected}`;
    this.#members.set(client, new Member(suggestion, sender, this.options.rate, this.options.now()));
    this.#send([client], { type: 'hello', suggestion, limits: limitsOf(this.options) });
    if (this.#degraded !== null) this.#send([client], { type: 'status', state: 'degraded', reason: this.#degraded });
  }

  /** A text message arrived from `client`. Resolves once it is handled (the store answered). */
  receiveText(client: Client, text: string): Promise<void> {
    const member = this.#members.get(client);
    if (!member?.active) return RESOLVED;
    if (member.state === 'joining') {
      if (member.early.length >= this.options.maxQueued) return this.#error(client, member, tooMany(member.early.length, true), true);
      return new Promise((done) => member.early.push({ text, done }));
    }
    // Room for 2000 characters of 4-byte UTF-8 escaped as \uXXXX\uXXXX, plus the envelope.
    const parsed = parseClientMessage(text, this.options.messageMaxLength * 12 + 1024);
    if (!parsed.ok) return this.#error(client, member, parsed.error);
    return this.#command(client, member, parsed.command);
  }

  /** A binary message arrived: the chat speaks JSON text only. */
  receiveBinary(client: Client, byteLength: number): void {
    const member = this.#members.get(client);
    if (!member?.active) return;
    void this.#error(
      client,
      member,
      errorMessage('binary-not-supported', `The chat reads JSON in text messages; a binary message (${byteLength} bytes) was ignored.`),
    );
  }

  /** The connection closed (for whatever reason): if it had joined, everyone else hears it left. */
  disconnect(client: Client): Promise<void> {
    const member = this.#members.get(client);
    if (!member) return RESOLVED;
    this.#members.delete(client);
    member.state = 'gone';
    for (const early of member.early.splice(0)) early.done();
    if (!member.user || this.#local.get(member.key) !== client) return RESOLVED;
    this.#local.delete(member.key);
    return this.store.leave(member.key, this.#time()).catch(() => {});
  }

  /** Stops the store (after the connections are closed): this process's users leave the room. */
  close(): Promise<void> {
    return this.store.close();
  }

  // ---- commands ------------------------------------------------------------------------------

  #command(client: Client, member: Member, command: ClientCommand): Promise<void> {
    switch (command.type) {
      case 'join':
        return this.#join(client, member, command.name);
      case 'message':
        return this.#message(client, member, command.text);
      case 'private':
        return this.#private(client, member, command.to, command.text);
    }
  }

  #join(client: Client, member: Member, raw: string): Promise<void> {
    if (member.state === 'joined' && member.user) {
      return this.#error(client, member, errorMessage('already-joined', `You are already in the room as ${member.user.name}.`));
    }
    const check = checkNickname(raw);
    if (!check.ok) return this.#error(client, member, errorMessage(check.code, check.reason));
    if (!this.store.available) return this.#error(client, member, unavailable('Joining'));
    member.state = 'joining';
    const user: UserInfo = { name: check.name, colour: colourForName(check.name) };
    return this.#joinStore(client, member, nameKey(check.name), user).finally(() => {
      for (const early of member.early.splice(0)) void this.receiveText(client, early.text).then(early.done);
    });
  }

  async #joinStore(client: Client, member: Member, key: string, user: UserInfo): Promise<void> {
    const { maxUsers, history } = this.options;
    let result;
    try {
      result = await this.store.join({ key, user, maxUsers, history, time: this.#time() });
    } catch (error) {
      if (member.state !== 'joining') return;
      member.state = 'greeted';
      await this.#error(client, member, storeFailed(error, 'Joining'));
      return;
    }
    if (member.state !== 'joining') {
      // Gone (or being closed) while the store decided: give the name back.
      if (result.ok) await this.store.leave(key, this.#time()).catch(() => {});
      return;
    }
    if (!result.ok) {
      member.state = 'greeted';
      if (result.reason === 'full') {
        await this.#error(client, member, errorMessage('room-full', `The room is full (${maxUsers} people). Try again later.`));
        return;
      }
      const suggestion = suggestFreeName(user.name, (candidate) => nameKey(candidate) === key || this.#isTakenOrOffered(candidate, member));
      await this.#error(
        client,
        member,
        errorMessage('name-taken', `Someone in the room is already called ${user.name}. Try ${suggestion}?`, { suggestion }),
      );
      return;
    }
    Object.assign(member, { state: 'joined', user, key, suggestion: '', since: result.seq });
    this.#local.set(key, client);
    if (result.seq > this.#usersSeq) this.#setUsers(result.users, result.seq);
    this.#send([client], { type: 'welcome', you: user, users: result.users, history: result.history });
    // What the store sent before it answered (this join's own event, at least with the in-memory store).
    for (const event of this.#recent) {
      if (event.seq >= result.seq && this.#recipients(event).includes(client)) this.#send([client], this.#messageOf(event));
    }
  }

  #message(client: Client, member: Member, raw: string): Promise<void> {
    if (member.state !== 'joined' || !member.user) return this.#error(client, member, notJoined());
    const text = normalizeText(raw);
    const at = privatePrefix(text);
    if (at !== null) {
      const match = this.#recipientAtStart(at);
      if (!match) {
        const token = at.split(/\s/u, 1)[0] ?? '';
        return this.#error(
          client,
          member,
          errorMessage(
            'unknown-recipient',
            `No one called ${token} is in the room. A private message is “@name text” with a name from the user list.`,
          ),
        );
      }
      return this.#private(client, member, match.name, at.slice(match.length).replace(/^\s/u, ''));
    }
    const problem = checkText(text, null, this.options.messageMaxLength) ?? rateLimited(member.bucket, this.options.rate, this.options.now());
    if (problem) return this.#error(client, member, problem);
    const body = this.#body(member.user, text);
    const dedupe = member.nextDedupe();
    return this.#queue(client, member, async () => {
      const result = await this.#withStore(member, () =>
        this.store.post({ fromKey: member.key, dedupe, body, history: this.options.history }),
      );
      if (result && !result.ok) await this.#error(client, member, notJoined());
    });
  }

  #private(client: Client, member: Member, to: string, raw: string): Promise<void> {
    if (member.state !== 'joined' || !member.user) return this.#error(client, member, notJoined());
    const wanted = to.trim().replace(/^@/u, '');
    const toKey = nameKey(wanted);
    const recipient = this.#users.find((user) => nameKey(user.name) === toKey);
    if (!recipient) return this.#error(client, member, unknownRecipient(wanted));
    const text = normalizeText(raw);
    const problem = checkText(text, recipient.name, this.options.messageMaxLength) ?? rateLimited(member.bucket, this.options.rate, this.options.now());
    if (problem) return this.#error(client, member, problem);
    const body = this.#body(member.user, text);
    const dedupe = member.nextDedupe();
    return this.#queue(client, member, async () => {
      const result = await this.#withStore(member, () => this.store.sendPrivate({ fromKey: member.key, toKey, dedupe, body }));
      if (result?.ok === false) {
        await this.#error(client, member, result.reason === 'unknown-recipient' ? unknownRecipient(wanted) : notJoined());
      }
    });
  }

  /** Runs `run` after the member's earlier store requests; a store error becomes an `error`. */
  #queue(client: Client, member: Member, run: () => Promise<void>): Promise<void> {
    const limit = this.store.available ? QUEUED_MAX : this.options.maxQueued;
    if (member.ops.length >= limit) return this.#error(client, member, tooMany(member.ops.length, this.store.available), true);
    return member.enqueue(async () => {
      try {
        await run();
      } catch (error) {
        if (member.state === 'joined') await this.#error(client, member, storeFailed(error, 'Sending'));
      }
    });
  }

  /** `request`, retried whenever the store comes back, while the member is in the room. */
  async #withStore<T>(member: Member, request: () => Promise<T>): Promise<T | null> {
    for (;;) {
      if (member.state !== 'joined') return null;
      try {
        return await request();
      } catch (error) {
        if (!(error instanceof StoreUnavailableError)) throw error;
        if (!(await this.store.whenAvailable())) return null;
      }
    }
  }

  // ---- what the store says -------------------------------------------------------------------

  #event(event: StoreEvent): void {
    this.#recent.push(event);
    if (this.#recent.length > RECENT_KEPT) this.#recent.splice(0, this.#recent.length - RECENT_KEPT / 2);
    if ((event.kind === 'join' || event.kind === 'leave') && event.seq > this.#usersSeq) this.#setUsers(event.users, event.seq);
    const to = this.#recipients(event);
    if (to.length > 0) this.#send(to, this.#messageOf(event));
  }

  /** Joined members of this process who get `event`. */
  #recipients(event: StoreEvent): Client[] {
    const to: Client[] = [];
    const gets = (client: Client | undefined): client is Client => {
      const member = client === undefined ? undefined : this.#members.get(client);
      return member?.state === 'joined' && member.since <= event.seq;
    };
    if (event.kind === 'private') {
      const recipient = this.#local.get(event.to);
      const sender = this.#local.get(event.from);
      if (gets(recipient)) to.push(recipient);
      // A note to oneself arrives once.
      if (gets(sender) && sender !== recipient) to.push(sender);
    } else {
      for (const client of this.#local.values()) if (gets(client)) to.push(client);
    }
    return to;
  }

  #messageOf(event: StoreEvent): ServerMessage {
    if (event.kind === 'message' || event.kind === 'private') return event.message;
    return { type: event.kind, ...event.user, time: event.time, users: event.users };
  }

  #status(state: 'degraded' | 'ok', cause: string): void {
    this.#degraded =
      state === 'degraded'
        ? `The room is degraded: this server lost its connection to the room's shared store (${cause}). ` +
          'Messages you send wait here until it is back; joining is paused.'
        : null;
    const reason = this.#degraded ?? 'The room is back: connected to its shared store again; messages sent meanwhile are delivered.';
    const to = [...this.#members].filter(([, member]) => member.state !== 'closing').map(([client]) => client);
    if (to.length > 0) this.#send(to, { type: 'status', state, reason });
  }

  /** After an outage: tell this process's users who left and who came while it was cut off. */
  #resync(users: UserInfo[]): void {
    const before = new Map(this.#users.map((user) => [nameKey(user.name), user]));
    const after = new Map(users.map((user) => [nameKey(user.name), user]));
    this.#setUsers(users, this.#usersSeq);
    const to = [...this.#local.values()];
    if (to.length === 0) return;
    const time = this.#time();
    for (const [key, user] of before) if (!after.has(key)) this.#send(to, { type: 'leave', ...user, time, users });
    for (const [key, user] of after) if (!before.has(key)) this.#send(to, { type: 'join', ...user, time, users });
  }

  /** Names this process's users lost while it was cut off: they have to join again. */
  #evicted(keys: string[]): void {
    for (const key of keys) {
      const client = this.#local.get(key);
      const member = client === undefined ? undefined : this.#members.get(client);
      if (client === undefined || !member?.user) continue;
      this.#local.delete(key);
      member.state = 'closing';
      this.#send([client], errorMessage('name-taken', `While this server was cut off from the room, someone else joined as ${member.user.name}. Join again to choose a name.`));
      this.#output({ kind: 'close', to: client, code: 1001, reason: 'name taken while the room was unreachable' });
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  #setUsers(users: UserInfo[], seq: number): void {
    this.#users = users;
    this.#usersSeq = seq;
    this.#userKeys = new Set(users.map((user) => nameKey(user.name)));
  }

  /** The longest name in the room that `afterAt` starts with, followed by white space or the end. */
  #recipientAtStart(afterAt: string): { name: string; length: number } | null {
    let best: { name: string; length: number } | null = null;
    for (const user of this.#users) {
      const length = user.name.length;
      if (best && length <= best.length) continue;
      const next = afterAt.charAt(length);
      if (nameKey(afterAt.slice(0, length)) === nameKey(user.name) && (next === '' || /\s/u.test(next))) {
        best = { name: user.name, length };
      }
    }
    return best;
  }

  /**
   * Sends `error` and counts it; the `maxErrors`-th within the window closes the connection with
   * 1008. It goes out after the replies to the member's earlier messages, unless `now`.
   */
  #error(client: Client, member: Member, error: ErrorMessage, now = false): Promise<void> {
    if (!member.active) return RESOLVED;
    const time = this.options.now();
    member.errorTimes.push(time);
    while ((member.errorTimes[0] ?? time) <= time - this.options.errorWindowMs) member.errorTimes.shift();
    const actions: ChatAction<Client>[] = [{ kind: 'send', to: [client], message: error }];
    if (member.errorTimes.length >= this.options.maxErrors) {
      member.state = 'closing';
      const seconds = Math.round(this.options.errorWindowMs / 1000);
      const last = `${member.errorTimes.length} errors in ${seconds} s: the server closes this connection (1008).`;
      actions.push({ kind: 'send', to: [client], message: errorMessage('too-many-errors', last) });
      // RFC 6455 §7.4.1: 1008 "indicates that an endpoint is terminating the connection because it
      // has received a message that violates its policy".
      actions.push({ kind: 'close', to: client, code: POLICY_VIOLATION, reason: 'too many errors' });
    }
    const emit = (): void => actions.forEach((action) => this.#output(action));
    if (now || member.ops.length === 0) {
      emit();
      return RESOLVED;
    }
    return member.enqueue(() => Promise.resolve(emit()));
  }

  /** True when someone in the room has this name (case-insensitively) or it was offered to someone else here. */
  #isTakenOrOffered(candidate: string, except?: Member): boolean {
    const key = nameKey(candidate);
    if (this.#userKeys.has(key)) return true;
    for (const member of this.#members.values()) {
      if (member !== except && member.state !== 'joined' && nameKey(member.suggestion) === key) return true;
    }
    return false;
  }

  #body(user: UserInfo, text: string): MessageBody {
    return { from: user.name, colour: user.colour, text, time: this.#time() };
  }

  #send(to: readonly Client[], message: ServerMessage): void {
    this.#output({ kind: 'send', to, message });
  }

  #time(): string {
    return new Date(this.options.now()).toISOString();
  }
}
