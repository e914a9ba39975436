/**
 * The chat room as this page sees it: the server's greeting (suggested nickname, limits), who this
 * page is once joined, who else is here, and the log of what was said. It reads the server's
 * messages (docs/chat-protocol.md) and says what to send; the socket is the session's.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import {
  appendEntries,
  messageEntry,
  newHistory,
  noticeEntry,
  presenceEntry,
  privateEntry,
  type LogEntry,
  type NoticeEntry,
} from './log';
import {
  characters,
  type ChatLimits,
  type ChatMessage,
  type ErrorMessage,
  type HelloMessage,
  type PresenceMessage,
  type PrivateMessage,
  type StatusMessage,
  type UserInfo,
  type WelcomeMessage,
} from './protocol';
import { refusalSentence } from './refusal';

/**
 * - `greeting`: waiting for the server's `hello` on this socket;
 * - `choosing`: greeted, waiting for the user's nickname;
 * - `joining`: `join` sent, waiting for `welcome` or an error;
 * - `joined`: in the room.
 */
export type RoomStage = 'greeting' | 'choosing' | 'joining' | 'joined';

/** The server's refusals of a nickname (while joining); `unavailable`: joins wait for the room's store. */
const NAME_ERRORS = new Set(['name-empty', 'name-too-long', 'name-invalid', 'name-taken', 'room-full', 'already-joined', 'unavailable']);

/** A nickname's limit before the server's `hello` says otherwise (docs/chat-protocol.md). */
const DEFAULT_NAME_MAX = 24;

/** ISO 8601 for a notice's `<time>`. */
function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

/** The room's `status` as the page says it. */
export function statusSentence(status: StatusMessage): () => string {
  return status.state === 'ok' ? () => m.chat_room_back() : () => m.chat_room_degraded();
}

export class ChatRoom {
  #stage = $state<RoomStage>('greeting');
  #suggestion = $state('');
  #limits = $state.raw<ChatLimits | null>(null);
  #me = $state.raw<UserInfo | null>(null);
  #users = $state.raw<readonly UserInfo[]>([]);
  #entries = $state.raw<readonly LogEntry[]>([]);
  /** Made when read, so the sentence follows the language switch. */
  #joinError = $state.raw<(() => string) | null>(null);
  /** The nickname to join with again after a reconnect. */
  #rejoinAs: string | null = null;
  readonly #now: () => number;

  /** `now()`: wall-clock milliseconds, for the times of the page's own notices. */
  constructor(now: () => number) {
    this.#now = now;
  }

  get stage(): RoomStage {
    return this.#stage;
  }
  /** The server's suggested nickname (or a free variant after `name-taken`). */
  get suggestion(): string {
    return this.#suggestion;
  }
  get limits(): ChatLimits | null {
    return this.#limits;
  }
  /** This page's user, once joined (kept while reconnecting). */
  get me(): UserInfo | null {
    return this.#me;
  }
  get users(): readonly UserInfo[] {
    return this.#users;
  }
  get entries(): readonly LogEntry[] {
    return this.#entries;
  }
  /** The nickname this page asked to join with (or joins with again after a reconnect), or null. */
  get joiningAs(): string | null {
    return this.#rejoinAs;
  }
  get joinError(): string | null {
    return this.#joinError?.() ?? null;
  }

  /** A new socket is opening: the room waits for its `hello`. */
  connecting(): void {
    this.#stage = 'greeting';
  }

  /** `hello`: returns the nickname to join with again (after a reconnect), or null to let the user choose. */
  greeted(hello: HelloMessage): string | null {
    this.#suggestion = hello.suggestion;
    this.#limits = hello.limits;
    this.#stage = this.#rejoinAs === null ? 'choosing' : 'joining';
    return this.#rejoinAs;
  }

  /**
   * The user asks to join as `name`: returns the nickname to send, or null when it cannot be
   * sent (`joinError` says why). `connected`: the socket is OPEN.
   */
  join(name: string, connected: boolean): string | null {
    const trimmed = name.trim();
    if (!trimmed) {
      this.#joinError = () => m.chat_name_empty();
      return null;
    }
    const max = this.#limits?.nameMaxLength ?? DEFAULT_NAME_MAX;
    const length = characters(trimmed);
    if (length > max) {
      this.#joinError = () => m.chat_name_too_long({ max: formatCount(max), name: trimmed, length: formatCount(length) });
      return null;
    }
    if (this.#stage !== 'choosing' || !connected) {
      this.#joinError = () => m.chat_not_connected_yet();
      return null;
    }
    this.#joinError = null;
    this.#stage = 'joining';
    this.#rejoinAs = trimmed;
    return trimmed;
  }

  /** `welcome`: in the room, with the history this page does not show yet. */
  welcomed(message: WelcomeMessage): void {
    this.#me = message.you;
    this.#users = message.users;
    const history = newHistory(this.#entries, message.history).map((item) => messageEntry(item, message.you.name, true));
    if (history.length > 0) {
      const count = history.length;
      this.notice(() => m.chat_history({ count }), 'info');
    }
    this.#entries = appendEntries(this.#entries, history);
    this.#stage = 'joined';
    this.#joinError = null;
  }

  /**
   * Someone joined or left, or said something (to all, or privately); or the room's `status`: a
   * room on several server processes lost the store they share (`degraded`) or has it again.
   */
  heard(message: PresenceMessage | ChatMessage | PrivateMessage | StatusMessage): void {
    const me = this.#me?.name ?? null;
    switch (message.type) {
      case 'join':
      case 'leave':
        this.#users = message.users;
        this.#append(presenceEntry(message, me));
        return;
      case 'message':
        this.#append(messageEntry(message, me));
        return;
      case 'private':
        this.#append(privateEntry(message, me));
        return;
      case 'status': {
        // The server's `reason` is English for every client; the page says it from `state`.
        const say = statusSentence(message);
        this.notice(say, message.state === 'ok' ? 'ok' : 'error');
        return;
      }
    }
  }

  /**
   * A nickname refused while joining: back to choosing, with the server's reason and suggestion.
   * Returns whether it was the automatic join after a reconnect, or null when `error` is not a
   * refused nickname (nothing changes then).
   */
  nameRefused(error: ErrorMessage): { rejoin: boolean } | null {
    if (this.#stage !== 'joining' || !NAME_ERRORS.has(error.code)) return null;
    const rejoin = this.#me !== null;
    const name = this.#rejoinAs;
    const limits = this.#limits;
    this.#stage = 'choosing';
    this.#rejoinAs = null;
    this.#me = null;
    this.#joinError = () => refusalSentence(error, { name, limits });
    if (error.suggestion) this.#suggestion = error.suggestion;
    return { rejoin };
  }

  /** The connection was lost: nobody is listed; a page that was in the room joins again as itself. */
  lost(): void {
    if ((this.#stage === 'joined' || this.#stage === 'joining') && this.#me) this.#rejoinAs = this.#me.name;
    this.#users = [];
    this.#stage = 'greeting';
  }

  /** Out of the room for good (left, or sent away): returns whether this page was in it. */
  left(): boolean {
    const wasIn = this.#me !== null;
    this.#me = null;
    this.#users = [];
    this.#rejoinAs = null;
    return wasIn;
  }

  /** A line from the page itself in the log; `say` makes its sentence when it is shown. */
  notice(say: () => string, tone: NoticeEntry['tone']): void {
    this.#append(noticeEntry(say, tone, isoTime(this.#now())));
  }

  #append(entry: LogEntry): void {
    this.#entries = appendEntries(this.#entries, [entry]);
  }
}
