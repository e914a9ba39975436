/**
 * The room's shared state, behind one interface: who is in the room (nicknames claimed
 * case-insensitively, by key), the history, message ids, presence, and the fan-out of everything
 * that happens to every server process. Two implementations: `MemoryStore` (one process, the
 * default) and `RedisStore` (any number of processes joined through Redis, `--redis URL`).
 * tests/server/chat-store.test.ts runs one suite against both.
 *
 * The room (server/chat/room.ts) keeps what is local to one process — its connections, their
 * rate limits and error counts — and asks the store for everything the processes share. Every
 * change the store accepts comes back to every process as a `StoreEvent`, numbered by `seq` in the
 * one order all processes see; a process receives each event once.
 */
import type { ChatMessage, PrivateMessage, UserInfo } from './messages.ts';

/** Someone joined or left: `users` is the whole room after it, in join order. */
export interface PresenceEvent {
  kind: 'join' | 'leave';
  seq: number;
  user: UserInfo;
  time: string;
  users: UserInfo[];
}

/** A public message, for everyone in the room. */
export interface MessageEvent {
  kind: 'message';
  seq: number;
  message: ChatMessage;
}

/** A private message: delivered by the processes holding `from` and `to` (name keys) to them. */
export interface PrivateEvent {
  kind: 'private';
  seq: number;
  from: string;
  to: string;
  message: PrivateMessage;
}

export type StoreEvent = PresenceEvent | MessageEvent | PrivateEvent;

/** What the store tells its process, as it happens. */
export interface StoreListener {
  /** An event, in `seq` order, each once. */
  event(event: StoreEvent): void;
  /** Lost the shared state (`degraded`, with the cause), or back and caught up (`ok`). */
  status(state: 'degraded' | 'ok', cause: string): void;
  /**
   * After an outage, the room as it is now: events this process missed are not replayed one by
   * one for joins and leaves, so the room compares this list with what its users last saw.
   */
  resync(users: UserInfo[]): void;
  /** While this process was cut off, others took these names (keys) of its users. */
  evicted(keys: string[]): void;
}

/** The body of a message, before the store numbers it. */
export interface MessageBody {
  from: string;
  colour: string;
  text: string;
  time: string;
}

export interface JoinRequest {
  key: string;
  user: UserInfo;
  maxUsers: number;
  /** How many public messages to hand back for the newcomer's `welcome`. */
  history: number;
  time: string;
}

export type JoinResult =
  | {
      ok: true;
      /** The `seq` of this join's own event: the welcome's history is everything before it. */
      seq: number;
      users: UserInfo[];
      history: ChatMessage[];
    }
  | { ok: false; reason: 'taken' | 'full' };

/**
 * Names a request so that a retry (after an outage lost its answer) never posts it twice: `sender`
 * is unique to one connection, which makes its requests one after another, numbered by `n`
 * (increasing). The store remembers each sender's last `n`; a request not above it was done.
 */
export interface Dedupe {
  sender: string;
  n: number;
}

export interface PostRequest {
  fromKey: string;
  dedupe: Dedupe;
  body: MessageBody;
  /** Public messages kept. */
  history: number;
}

export interface PrivateRequest {
  fromKey: string;
  toKey: string;
  dedupe: Dedupe;
  body: MessageBody;
}

/** `not-joined`: the sender is not (or no longer) in the room as far as the store knows. */
export type PostResult = { ok: true; id: number } | { ok: false; reason: 'not-joined' };
export type PrivateResult = { ok: true; id: number } | { ok: false; reason: 'not-joined' | 'unknown-recipient' };

export interface ChatStore {
  /** `memory` or `redis`, for the log. */
  readonly kind: string;
  /** Connects and starts delivering events; resolves with the room as it is. */
  open(listener: StoreListener): Promise<{ users: UserInfo[] }>;
  /** Can the store take requests now? (False while degraded.) */
  readonly available: boolean;
  /** Resolves true once available again, or false when the store is closed. */
  whenAvailable(): Promise<boolean>;
  /** Claims `key` atomically for this process, unless it is taken or the room is full. */
  join(request: JoinRequest): Promise<JoinResult>;
  /** Releases `key` (if this process holds it) and tells everyone. */
  leave(key: string, time: string): Promise<void>;
  post(request: PostRequest): Promise<PostResult>;
  /** Routed to the process holding `toKey` (and echoed to the sender's). */
  sendPrivate(request: PrivateRequest): Promise<PrivateResult>;
  /** Leaves every key this process holds, stops. */
  close(): Promise<void>;
}

/**
 * The store cannot be reached now (Redis is down or reconnecting). The request may be retried
 * once `whenAvailable()` resolves; with its `dedupe` key a retry never duplicates a message.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreUnavailableError';
  }
}

/** Reads one event as a store publishes it (JSON); null for anything else. */
export function parseStoreEvent(text: string): StoreEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!isRecord(value) || typeof value['seq'] !== 'number') return null;
  const seq = value['seq'];
  switch (value['kind']) {
    case 'join':
    case 'leave': {
      const user = value['user'];
      const users = value['users'];
      if (!isUser(user) || !Array.isArray(users) || !users.every(isUser) || typeof value['time'] !== 'string') return null;
      return { kind: value['kind'], seq, user: userInfo(user), time: value['time'], users: users.map(userInfo) };
    }
    case 'message': {
      const id = value['id'];
      const body = value['body'];
      if (typeof id !== 'number' || !isBody(body)) return null;
      return { kind: 'message', seq, message: { type: 'message', id, from: body.from, colour: body.colour, text: body.text, time: body.time } };
    }
    case 'private': {
      const { id, body, from, to, toUser } = value;
      if (typeof id !== 'number' || !isBody(body) || typeof from !== 'string' || typeof to !== 'string' || !isUser(toUser)) return null;
      return {
        kind: 'private',
        seq,
        from,
        to,
        message: {
          type: 'private',
          id,
          from: body.from,
          colour: body.colour,
          to: toUser.name,
          toColour: toUser.colour,
          text: body.text,
          time: body.time,
        },
      };
    }
    default:
      return null;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isUser(value: unknown): value is UserInfo {
  return isRecord(value) && typeof value['name'] === 'string' && typeof value['colour'] === 'string';
}

/** Exactly the two public fields, whatever else was stored. */
function userInfo(user: UserInfo): UserInfo {
  return { name: user.name, colour: user.colour };
}

function isBody(value: unknown): value is MessageBody {
  return (
    isRecord(value) &&
    typeof value['from'] === 'string' &&
    typeof value['colour'] === 'string' &&
    typeof value['text'] === 'string' &&
    typeof value['time'] === 'string'
  );
}
