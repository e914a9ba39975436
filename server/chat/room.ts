/**
 * The chat room, sans I/O: it takes what a connection did (connected, sent text, sent binary,
 * went away) and returns what to send to whom, in order. The endpoint (server/endpoints/chat.ts)
 * is a thin loop around it; tests drive it with no sockets and a fake clock.
 */
import {
  characterCount,
  checkNickname,
  colourForName,
  NAME_MAX_LENGTH,
  nameKey,
  suggestFreeName,
  suggestGuestName,
  unicodeName,
} from './names.ts';
import {
  errorMessage,
  parseClientMessage,
  type ChatLimits,
  type ChatMessage,
  type ClientCommand,
  type ErrorMessage,
  type PrivateMessage,
  type ServerMessage,
  type UserInfo,
} from './messages.ts';
import { DEFAULT_CHAT_OPTIONS, type ChatRoomOptions } from './options.ts';
import { TokenBucket } from './rate.ts';

export { DEFAULT_CHAT_OPTIONS, type ChatRoomOptions } from './options.ts';

/** RFC 6455 §7.4.1: 1008 "a message that violates its policy". */
export const POLICY_VIOLATION = 1008;

export type ChatAction<Client> =
  | { kind: 'send'; to: readonly Client[]; message: ServerMessage }
  | { kind: 'close'; to: Client; code: number; reason: string };

interface Member {
  /** `greeted` until a join is accepted; `closing` after the room asked to close it. */
  state: 'greeted' | 'joined' | 'closing';
  suggestion: string;
  user: UserInfo | null;
  key: string;
  bucket: TokenBucket;
  errorTimes: number[];
}

/** Characters a message may not contain: C0/C1 controls except tab and line feed. */
const FORBIDDEN_TEXT = /(?![\t\n])\p{Cc}/u;

export class ChatRoom<Client = number> {
  readonly options: ChatRoomOptions;
  readonly #members = new Map<Client, Member>();
  /** Joined users by name key, in join order. */
  readonly #users = new Map<string, Client>();
  readonly #history: ChatMessage[] = [];
  #nextId = 1;

  constructor(options: Partial<ChatRoomOptions> = {}) {
    this.options = { ...DEFAULT_CHAT_OPTIONS, ...options };
  }

  get limits(): ChatLimits {
    const o = this.options;
    return {
      nameMaxLength: NAME_MAX_LENGTH,
      messageMaxLength: o.messageMaxLength,
      messagesPerSecond: o.rate.perSecond,
      burst: o.rate.burst,
      maxUsers: o.maxUsers,
      history: o.history,
      maxErrors: o.maxErrors,
      errorWindowMs: o.errorWindowMs,
    };
  }

  /** Everyone joined, in join order. */
  get users(): UserInfo[] {
    const list: UserInfo[] = [];
    for (const client of this.#users.values()) {
      const user = this.#members.get(client)?.user;
      if (user) list.push(user);
    }
    return list;
  }

  /** Public messages kept for newcomers, oldest first. */
  get history(): readonly ChatMessage[] {
    return this.#history;
  }

  /** A connection opened: greet it with a suggested nickname. */
  connect(client: Client): ChatAction<Client>[] {
    if (this.#members.has(client)) return [];
    const suggestion = suggestGuestName(this.options.randomHex, (candidate) => this.#isTakenOrOffered(candidate));
    this.#members.set(client, {
      state: 'greeted',
      suggestion,
      user: null,
      key: '',
      bucket: new TokenBucket(this.options.rate, this.options.now()),
      errorTimes: [],
    });
    return [send(client, { type: 'hello', suggestion, limits: this.limits })];
  }

  /** A text message arrived from `client`. */
  receiveText(client: Client, text: string): ChatAction<Client>[] {
    const member = this.#members.get(client);
    if (!member || member.state === 'closing') return [];
    // Room for 2000 characters of 4-byte UTF-8 escaped as \uXXXX\uXXXX, plus the envelope.
    const parsed = parseClientMessage(text, this.options.messageMaxLength * 12 + 1024);
    if (!parsed.ok) return this.#error(client, member, parsed.error);
    return this.#command(client, member, parsed.command);
  }

  /** A binary message arrived: the chat speaks JSON text only. */
  receiveBinary(client: Client, byteLength: number): ChatAction<Client>[] {
    const member = this.#members.get(client);
    if (!member || member.state === 'closing') return [];
    return this.#error(
      client,
      member,
      errorMessage(
        'binary-not-supported',
        `The chat reads JSON in text messages; a binary message (${byteLength} bytes) was ignored.`,
      ),
    );
  }

  /** The connection closed (for whatever reason): if it had joined, everyone else hears it left. */
  disconnect(client: Client): ChatAction<Client>[] {
    const member = this.#members.get(client);
    if (!member) return [];
    this.#members.delete(client);
    if (!member.user || this.#users.get(member.key) !== client) return [];
    this.#users.delete(member.key);
    const users = this.users;
    if (users.length === 0) return [];
    return [
      {
        kind: 'send',
        to: [...this.#users.values()],
        message: { type: 'leave', ...member.user, time: this.#time(), users },
      },
    ];
  }

  #command(client: Client, member: Member, command: ClientCommand): ChatAction<Client>[] {
    switch (command.type) {
      case 'join':
        return this.#join(client, member, command.name);
      case 'message':
        return this.#message(client, member, command.text);
      case 'private':
        return this.#private(client, member, command.to, command.text);
    }
  }

  #join(client: Client, member: Member, raw: string): ChatAction<Client>[] {
    if (member.state === 'joined' && member.user) {
      return this.#error(
        client,
        member,
        errorMessage('already-joined', `You are already in the room as ${member.user.name}.`),
      );
    }
    const check = checkNickname(raw);
    if (!check.ok) return this.#error(client, member, errorMessage(check.code, check.reason));
    const key = nameKey(check.name);
    if (this.#users.has(key)) {
      const suggestion = suggestFreeName(check.name, (candidate) => this.#isTakenOrOffered(candidate, member));
      return this.#error(
        client,
        member,
        errorMessage('name-taken', `Someone in the room is already called ${check.name}. Try ${suggestion}?`, {
          suggestion,
        }),
      );
    }
    if (this.#users.size >= this.options.maxUsers) {
      return this.#error(
        client,
        member,
        errorMessage('room-full', `The room is full (${this.options.maxUsers} people). Try again later.`),
      );
    }

    const user: UserInfo = { name: check.name, colour: colourForName(check.name) };
    member.state = 'joined';
    member.user = user;
    member.key = key;
    member.suggestion = '';
    this.#users.set(key, client);
    const users = this.users;
    return [
      send(client, { type: 'welcome', you: user, users, history: [...this.#history] }),
      { kind: 'send', to: [...this.#users.values()], message: { type: 'join', ...user, time: this.#time(), users } },
    ];
  }

  #message(client: Client, member: Member, raw: string): ChatAction<Client>[] {
    if (!member.user) return this.#notJoined(client, member);
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

    const problem = this.#checkText(text, null);
    if (problem) return this.#error(client, member, problem);
    const limited = this.#rateLimit(client, member);
    if (limited) return limited;

    const message: ChatMessage = {
      type: 'message',
      id: this.#nextId++,
      from: member.user.name,
      colour: member.user.colour,
      text,
      time: this.#time(),
    };
    this.#history.push(message);
    while (this.#history.length > this.options.history) this.#history.shift();
    return [{ kind: 'send', to: [...this.#users.values()], message }];
  }

  #private(client: Client, member: Member, to: string, raw: string): ChatAction<Client>[] {
    if (!member.user) return this.#notJoined(client, member);
    const wanted = to.trim().replace(/^@/u, '');
    const recipientClient = this.#users.get(nameKey(wanted));
    const recipient = recipientClient === undefined ? undefined : this.#members.get(recipientClient)?.user;
    if (recipientClient === undefined || !recipient) {
      return this.#error(
        client,
        member,
        errorMessage('unknown-recipient', `No one called ${wanted.slice(0, 40)} is in the room.`),
      );
    }
    const text = normalizeText(raw);
    const problem = this.#checkText(text, recipient.name);
    if (problem) return this.#error(client, member, problem);
    const limited = this.#rateLimit(client, member);
    if (limited) return limited;

    const message: PrivateMessage = {
      type: 'private',
      id: this.#nextId++,
      from: member.user.name,
      colour: member.user.colour,
      to: recipient.name,
      toColour: recipient.colour,
      text,
      time: this.#time(),
    };
    // To the recipient, and echoed to the sender; to no one else, and never into history.
    const recipients = recipientClient === client ? [client] : [recipientClient, client];
    return [{ kind: 'send', to: recipients, message }];
  }

  /** The longest joined name that `afterAt` starts with, followed by white space or the end. */
  #recipientAtStart(afterAt: string): { name: string; length: number } | null {
    let best: { name: string; length: number } | null = null;
    for (const user of this.users) {
      const length = user.name.length;
      if (best && length <= best.length) continue;
      const head = afterAt.slice(0, length);
      const next = afterAt.charAt(length);
      if (nameKey(head) === nameKey(user.name) && (next === '' || /\s/u.test(next))) {
        best = { name: user.name, length };
      }
    }
    return best;
  }

  #checkText(text: string, privateTo: string | null): ErrorMessage | null {
    if (text.trim().length === 0) {
      return errorMessage(
        'message-empty',
        privateTo === null
          ? 'An empty message was not sent: type some text first.'
          : `A private message needs text after @${privateTo}.`,
      );
    }
    const max = this.options.messageMaxLength;
    if (text.length > max) {
      const length = characterCount(text);
      if (length > max) {
        return errorMessage('message-too-long', `A message has at most ${max} characters; this one has ${length}.`);
      }
    }
    const forbidden = FORBIDDEN_TEXT.exec(text);
    if (forbidden) {
      return errorMessage(
        'message-invalid',
        `A message cannot contain control character ${unicodeName(forbidden[0].codePointAt(0) ?? 0)} (at character ${forbidden.index + 1}).`,
      );
    }
    return null;
  }

  #rateLimit(client: Client, member: Member): ChatAction<Client>[] | null {
    const now = this.options.now();
    if (member.bucket.take(now)) return null;
    const wait = member.bucket.waitMs(now);
    const { perSecond, burst } = this.options.rate;
    return this.#error(
      client,
      member,
      errorMessage(
        'rate-limited',
        `Too fast: at most ${perSecond} messages a second (${burst} at once). Wait ${(wait / 1000).toFixed(1)} s.`,
        { retryAfterMs: wait },
      ),
    );
  }

  #notJoined(client: Client, member: Member): ChatAction<Client>[] {
    return this.#error(
      client,
      member,
      errorMessage('not-joined', 'Join the room first: send {"type":"join","name":"…"}.'),
    );
  }

  /** Sends `error` and counts it; the `maxErrors`-th within the window closes the connection with 1008. */
  #error(client: Client, member: Member, error: ErrorMessage): ChatAction<Client>[] {
    const now = this.options.now();
    member.errorTimes.push(now);
    while ((member.errorTimes[0] ?? now) <= now - this.options.errorWindowMs) member.errorTimes.shift();
    if (member.errorTimes.length < this.options.maxErrors) return [send(client, error)];

    member.state = 'closing';
    const seconds = Math.round(this.options.errorWindowMs / 1000);
    return [
      send(client, error),
      send(
        client,
        errorMessage(
          'too-many-errors',
          `${member.errorTimes.length} errors in ${seconds} s: the server closes this connection (1008).`,
        ),
      ),
      { kind: 'close', to: client, code: POLICY_VIOLATION, reason: 'too many errors' },
    ];
  }

  /** True when a joined user has this name (case-insensitively) or it was offered to someone else. */
  #isTakenOrOffered(candidate: string, except?: Member): boolean {
    const key = nameKey(candidate);
    if (this.#users.has(key)) return true;
    for (const member of this.#members.values()) {
      if (member !== except && member.state !== 'joined' && nameKey(member.suggestion) === key) return true;
    }
    return false;
  }

  #time(): string {
    return new Date(this.options.now()).toISOString();
  }
}

function send<Client>(client: Client, message: ServerMessage): ChatAction<Client> {
  return { kind: 'send', to: [client], message };
}

/** Line ends as `\n`: CRLF and a lone CR become LF. */
function normalizeText(text: string): string {
  return text.replace(/\r\n?/gu, '\n');
}

/** For text that starts with `@` and a non-space: what follows the `@`; otherwise null. */
function privatePrefix(text: string): string | null {
  if (!text.startsWith('@')) return null;
  const rest = text.slice(1);
  if (rest.length === 0 || /^\s/u.test(rest)) return null;
  return rest;
}
