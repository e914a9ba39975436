/**
 * The chat page's state: one browser WebSocket to the server's `/chat`, the room as this page
 * sees it (who is here, what was said), the composer's draft, and reconnecting with backoff when
 * the server goes away. It speaks docs/chat-protocol.md: it waits for the server's `hello` before
 * it sends anything, so nothing is ever sent while the socket is CONNECTING.
 */
import { closeCodeInfo, READY_STATE_VALUES, type ReadyState } from '../../protocol';
import { backoffDelay, describeDelay } from './backoff';
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
  joinCommand,
  messageCommand,
  parseServerMessage,
  type ChatLimits,
  type ErrorMessage,
  type ServerMessage,
  type UserInfo,
} from './protocol';

/** The part of the browser's WebSocket the chat uses (a fake one in tests). */
export interface ChatSocket extends EventTarget {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export interface ChatEnvironment {
  createSocket(url: string): ChatSocket;
  /** Calls `fn` once after `ms`; the returned function cancels it. */
  setTimer(fn: () => void, ms: number): () => void;
  /** In [0, 1), for the backoff's jitter. */
  random(): number;
  /** Wall-clock milliseconds, for the times of the page's own notices. */
  now(): number;
}

export const browserEnvironment: ChatEnvironment = {
  createSocket: (url) => new WebSocket(url),
  setTimer(fn, ms) {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
  random: () => Math.random(),
  now: () => Date.now(),
};

/**
 * - `connecting`: a socket is opening (or open and waiting for `hello`);
 * - `choosing`: greeted, waiting for the user's nickname;
 * - `joining`: `join` sent, waiting for `welcome` or an error;
 * - `joined`: in the room;
 * - `waiting`: the connection was lost and a reconnect is scheduled;
 * - `offline`: not connected and not trying (left, refused, or no server address).
 */
export type ChatPhase = 'connecting' | 'choosing' | 'joining' | 'joined' | 'waiting' | 'offline';

export interface CloseSummary {
  code: number;
  reason: string;
  wasClean: boolean;
}

const NAME_ERRORS = new Set(['name-empty', 'name-too-long', 'name-invalid', 'name-taken', 'room-full', 'already-joined', 'unavailable']);
/** Errors about the message just sent: it goes back into the composer if that is empty. */
const DRAFT_ERRORS = new Set(['message-empty', 'message-too-long', 'message-invalid', 'rate-limited', 'unknown-recipient', 'unavailable']);

const READY_STATE_NAMES = Object.fromEntries(
  Object.entries(READY_STATE_VALUES).map(([name, value]) => [value, name]),
) as Record<number, ReadyState>;

/** "CONNECTING" … "CLOSED" for a readyState number. */
export function readyStateName(value: number | null): ReadyState | 'none' {
  return value === null ? 'none' : (READY_STATE_NAMES[value] ?? 'CLOSED');
}

/** "1006 Abnormal Closure" or "1001 Going Away: server shutting down". */
export function describeClose(code: number, reason: string): string {
  const words = `${code} ${closeCodeInfo(code).name}`;
  return reason ? `${words}: ${reason}` : words;
}

/** ISO 8601 for a notice's `<time>` (a plain value, not reactive state). */
function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}

function characters(text: string): number {
  let count = 0;
  for (const _ of text) count++;
  return count;
}

export class ChatSession {
  /** Where the chat connects, or null when there is nowhere to connect (see `addressError`). */
  readonly url: string | null;
  readonly addressError: string | null;

  #readyState = $state<number | null>(null);
  #phase = $state<ChatPhase>('offline');
  #suggestion = $state('');
  #limits = $state.raw<ChatLimits | null>(null);
  #me = $state.raw<UserInfo | null>(null);
  #users = $state.raw<readonly UserInfo[]>([]);
  #entries = $state.raw<readonly LogEntry[]>([]);
  #joinError = $state<string | null>(null);
  #composerError = $state<string | null>(null);
  #status = $state('');
  #reconnect = $state.raw<{ attempt: number; delay: number } | null>(null);
  #lastClose = $state.raw<CloseSummary | null>(null);
  #draft = $state('');
  #connections = $state(0);

  readonly #env: ChatEnvironment;
  #socket: ChatSocket | null = null;
  #cancelTimer: (() => void) | null = null;
  #attempt = 0;
  /** The nickname to join with again after a reconnect. */
  #rejoinAs: string | null = null;
  #leaving = false;
  #lastSent: string | null = null;
  #opened = false;
  readonly #prepare: (() => Promise<unknown>) | null;
  /** Counts connection attempts; a `prepare` that settles after a newer attempt (or leave) is ignored. */
  #generation = 0;

  /**
   * `prepare` runs before each connection attempt (the page opens the inspector tap there, so it
   * sees the handshake and the first frames); the socket opens when it settles.
   */
  constructor(
    address: { ok: true; url: string } | { ok: false; reason: string },
    env: ChatEnvironment = browserEnvironment,
    prepare: (() => Promise<unknown>) | null = null,
  ) {
    this.url = address.ok ? address.url : null;
    this.addressError = address.ok ? null : address.reason;
    this.#env = env;
    this.#prepare = prepare;
    if (!address.ok) this.#status = address.reason;
  }

  // ---- what the page reads ----

  /** The socket's readyState (0–3) as last seen, or null before the first socket. */
  get readyState(): number | null {
    return this.#readyState;
  }
  get readyStateName(): ReadyState | 'none' {
    return readyStateName(this.#readyState);
  }
  get phase(): ChatPhase {
    return this.#phase;
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
  get joinError(): string | null {
    return this.#joinError;
  }
  get composerError(): string | null {
    return this.#composerError;
  }
  /** One sentence on the connection, for a live region. */
  get status(): string {
    return this.#status;
  }
  get reconnect(): { attempt: number; delay: number } | null {
    return this.#reconnect;
  }
  get lastClose(): CloseSummary | null {
    return this.#lastClose;
  }
  /** How many sockets this session has opened (1 at first; more after reconnects). */
  get connections(): number {
    return this.#connections;
  }
  get draft(): string {
    return this.#draft;
  }
  set draft(value: string) {
    this.#draft = value;
    if (this.#composerError && value.trim() !== '') this.#composerError = null;
  }
  get canSend(): boolean {
    return this.#phase === 'joined' && this.#readyState === 1;
  }

  // ---- what the page does ----

  /** Opens the connection (again, after leaving). */
  start(): void {
    if (!this.url) return;
    this.#leaving = false;
    this.#attempt = 0;
    this.#open();
  }

  /** Sends `join` with `name`; false (and `joinError` says why) when it cannot. */
  join(name: string): boolean {
    const trimmed = name.trim();
    if (!trimmed) {
      this.#joinError = 'Type a nickname first: it needs at least one character.';
      return false;
    }
    const max = this.#limits?.nameMaxLength ?? 24;
    const length = characters(trimmed);
    if (length > max) {
      this.#joinError = `A nickname has at most ${max} characters; “${trimmed}” has ${length}.`;
      return false;
    }
    if (this.#phase !== 'choosing' || !this.#socket || this.#socket.readyState !== 1) {
      this.#joinError = 'Not connected yet: wait for the server to say hello, then join.';
      return false;
    }
    this.#joinError = null;
    this.#phase = 'joining';
    this.#rejoinAs = trimmed;
    this.#socket.send(joinCommand(trimmed));
    return true;
  }

  /** Sends the draft; false (and `composerError` says why) when it cannot. */
  send(): boolean {
    const text = this.#draft;
    if (text.trim() === '') {
      this.#composerError = 'Nothing to send: type a message first (Shift+Enter makes a new line).';
      return false;
    }
    if (!this.canSend || !this.#socket) {
      this.#composerError = 'Not connected: the message was not sent. It stays here until the connection is back.';
      return false;
    }
    const max = this.#limits?.messageMaxLength;
    if (max !== undefined) {
      const length = characters(text);
      if (length > max) {
        this.#composerError = `Too long: ${length} characters; the room takes at most ${max}.`;
        return false;
      }
    }
    this.#socket.send(messageCommand(text));
    this.#lastSent = text;
    this.#draft = '';
    this.#composerError = null;
    return true;
  }

  /** Leaves the room: closes with 1000 and does not reconnect. */
  leave(): void {
    this.#cancelReconnect();
    this.#generation += 1;
    this.#leaving = true;
    const socket = this.#socket;
    if (socket && socket.readyState <= 1) {
      socket.close(1000, 'left the room');
      this.#readyState = socket.readyState;
      this.#status = 'Leaving the room…';
    } else {
      this.#finishLeaving();
    }
  }

  /** Skips the rest of the backoff wait. */
  reconnectNow(): void {
    if (this.#phase !== 'waiting') return;
    this.#cancelReconnect();
    this.#open();
  }

  /** For the page going away: close quietly, cancel timers. */
  destroy(): void {
    this.#cancelReconnect();
    this.#generation += 1;
    this.#leaving = true;
    const socket = this.#socket;
    this.#socket = null;
    if (socket && socket.readyState <= 1) socket.close(1000, 'page closed');
  }

  // ---- the socket ----

  #open(): void {
    if (!this.url) return;
    this.#reconnect = null;
    const generation = ++this.#generation;
    if (!this.#prepare) {
      this.#connect();
      return;
    }
    this.#phase = 'connecting';
    this.#status = 'Opening the inspector tap, so this page can show its frames…';
    void this.#prepare()
      .catch(() => false)
      .then(() => {
        if (generation === this.#generation && !this.#leaving) this.#connect();
      });
  }

  #connect(): void {
    if (!this.url) return;
    let socket: ChatSocket;
    try {
      socket = this.#env.createSocket(this.url);
    } catch (error) {
      this.#phase = 'offline';
      this.#status = `Cannot connect to ${this.url}: ${error instanceof Error ? error.message : String(error)}`;
      return;
    }
    this.#socket = socket;
    this.#opened = false;
    this.#connections += 1;
    this.#readyState = socket.readyState;
    this.#phase = 'connecting';
    this.#status = this.#attempt > 0 ? `Reconnecting (attempt ${this.#attempt})…` : `Connecting to ${this.url}…`;

    socket.addEventListener('open', () => {
      if (socket !== this.#socket) return;
      this.#opened = true;
      this.#readyState = socket.readyState;
      this.#status = 'Connected; waiting for the server to say hello.';
    });
    socket.addEventListener('message', (event) => {
      if (socket !== this.#socket) return;
      this.#readyState = socket.readyState;
      const data = (event as MessageEvent).data;
      if (typeof data !== 'string') {
        this.#notice('The server sent a binary message; the chat reads text only, so it was ignored.', 'error');
        return;
      }
      const parsed = parseServerMessage(data);
      if (!parsed.ok) this.#notice(`Ignored: ${parsed.reason}.`, 'error');
      else this.#receive(parsed.message);
    });
    socket.addEventListener('error', () => {
      if (socket !== this.#socket) return;
      this.#readyState = socket.readyState;
    });
    socket.addEventListener('close', (event) => {
      if (socket !== this.#socket) return;
      const close = event as CloseEvent;
      this.#closed(socket, { code: close.code, reason: close.reason, wasClean: close.wasClean });
    });
  }

  #receive(message: ServerMessage): void {
    const me = this.#me?.name ?? null;
    switch (message.type) {
      case 'hello':
        this.#suggestion = message.suggestion;
        this.#limits = message.limits;
        if (this.#rejoinAs !== null) {
          this.#phase = 'joining';
          this.#socket?.send(joinCommand(this.#rejoinAs));
          this.#status = `Connected again; joining as ${this.#rejoinAs}…`;
        } else {
          this.#phase = 'choosing';
          this.#status = 'Connected. Choose a nickname to join the room.';
        }
        return;
      case 'welcome': {
        const returning = this.#attempt > 0;
        this.#me = message.you;
        this.#users = message.users;
        const history = newHistory(this.#entries, message.history).map((item) =>
          messageEntry(item, message.you.name, true),
        );
        if (history.length > 0) {
          const count = history.length === 1 ? 'the last message' : `the last ${history.length} messages`;
          this.#notice(`Earlier in the room: ${count}.`, 'info');
        }
        this.#entries = appendEntries(this.#entries, history);
        this.#phase = 'joined';
        this.#attempt = 0;
        this.#joinError = null;
        this.#status = returning
          ? `Reconnected: back in the room as ${message.you.name}.`
          : `Joined the room as ${message.you.name}.`;
        if (returning) this.#notice(this.#status, 'ok');
        return;
      }
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
      case 'status':
        // A room on several server processes lost (or got back) the store they share.
        this.#status = message.reason;
        this.#notice(message.reason, message.state === 'ok' ? 'ok' : 'error');
        return;
      case 'error':
        this.#serverError(message);
        return;
    }
  }

  #serverError(error: ErrorMessage): void {
    if (this.#phase === 'joining' && NAME_ERRORS.has(error.code)) {
      const wasRejoin = this.#me !== null;
      this.#phase = 'choosing';
      this.#rejoinAs = null;
      this.#me = null;
      this.#joinError = error.reason;
      if (error.suggestion) this.#suggestion = error.suggestion;
      this.#status = wasRejoin
        ? `Could not join again: ${error.reason}`
        : 'Choose another nickname.';
      if (wasRejoin) this.#notice(`Could not join again: ${error.reason}`, 'error');
      return;
    }
    if (DRAFT_ERRORS.has(error.code)) {
      this.#composerError = error.reason;
      if (this.#draft === '' && this.#lastSent !== null) this.#draft = this.#lastSent;
      return;
    }
    this.#notice(`The server says: ${error.reason}`, 'error');
  }

  #closed(socket: ChatSocket, close: CloseSummary): void {
    this.#socket = null;
    this.#readyState = socket.readyState;
    this.#lastClose = close;
    this.#users = [];
    const wasInRoom = this.#phase === 'joined' || this.#phase === 'joining';
    if (wasInRoom && this.#me) this.#rejoinAs = this.#me.name;

    if (this.#leaving) {
      this.#finishLeaving();
      return;
    }
    if (close.code === 1008) {
      this.#phase = 'offline';
      this.#me = null;
      this.#rejoinAs = null;
      this.#status = `The server closed the connection: ${describeClose(close.code, close.reason)}. Join again when you are ready.`;
      this.#notice(this.#status, 'error');
      return;
    }

    this.#attempt += 1;
    const delay = backoffDelay(this.#attempt, () => this.#env.random());
    this.#reconnect = { attempt: this.#attempt, delay };
    this.#phase = 'waiting';
    const when = describeDelay(delay);
    if (this.#opened || this.#attempt === 1) {
      const what = this.#opened
        ? `Connection lost (${describeClose(close.code, close.reason)}).`
        : `No chat server answered at ${this.url}.`;
      this.#status = `${what} Reconnecting ${when}…`;
      if (this.#opened && wasInRoom) this.#notice(this.#status, 'error');
    } else {
      this.#status = `Still no chat server (attempt ${this.#attempt}). Trying again ${when}…`;
    }
    this.#opened = false;
    this.#cancelTimer = this.#env.setTimer(() => {
      this.#cancelTimer = null;
      this.#open();
    }, delay);
  }

  #finishLeaving(): void {
    const wasIn = this.#me !== null;
    this.#phase = 'offline';
    this.#me = null;
    this.#users = [];
    this.#rejoinAs = null;
    this.#status = 'You left the room. Join again to come back.';
    if (wasIn) this.#notice('You left the room.', 'info');
  }

  #cancelReconnect(): void {
    this.#cancelTimer?.();
    this.#cancelTimer = null;
    this.#reconnect = null;
  }

  #append(entry: LogEntry): void {
    this.#entries = appendEntries(this.#entries, [entry]);
  }

  #notice(text: string, tone: NoticeEntry['tone']): void {
    this.#append(noticeEntry(text, tone, isoTime(this.#env.now())));
  }
}
