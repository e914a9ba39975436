/**
 * The chat page's state: a reconnecting WebSocket to the server's `/chat`
 * (reconnecting-socket.svelte.ts), the room as this page sees it (room.svelte.ts) and the message
 * box (composer.svelte.ts), tied together here with the one sentence that says how the
 * connection is. It speaks docs/chat-protocol.md: it waits for the server's `hello` before it
 * sends anything, so nothing is ever sent while the socket is CONNECTING.
 */
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { createBrowserSocket, describeClose, type CloseSummary } from '../socket/socket';
import { describeDelay } from './backoff';
import { ChatComposer } from './composer.svelte';
import { joinCommand, messageCommand, parseServerMessage, type ErrorMessage, type ServerMessage } from './protocol';
import { ReconnectingSocket, type AfterClose, type ReconnectEnvironment } from './reconnecting-socket.svelte';
import { refusalSentence } from './refusal';
import { ChatRoom, statusSentence } from './room.svelte';

export interface ChatEnvironment extends ReconnectEnvironment {
  /** Wall-clock milliseconds, for the times of the page's own notices. */
  now(): number;
}

export const browserEnvironment: ChatEnvironment = {
  createSocket: createBrowserSocket,
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

/** Errors about the message just sent: it goes back into the composer if that is empty. */
const DRAFT_ERRORS = new Set(['message-empty', 'message-too-long', 'message-invalid', 'rate-limited', 'unknown-recipient', 'unavailable']);

/**
 * RFC 6455 §7.4.1: "1008 indicates that an endpoint is terminating the connection because it has
 * received a message that violates its policy." The room sends it to a page that made too many
 * errors; trying again would only be refused again.
 */
const shouldRetry = (close: CloseSummary): boolean => close.code !== 1008;

export class ChatSession {
  /** Where the chat connects, or null when there is nowhere to connect (see `addressError`). */
  readonly url: string | null;
  readonly #address: { ok: true; url: string } | { ok: false; readonly reason: string };
  readonly connection: ReconnectingSocket;
  readonly room: ChatRoom;
  readonly composer = new ChatComposer();

  /** Made when read, so the sentence follows the language switch. */
  #status = $state.raw<() => string>(() => '');

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
    this.#address = address;
    this.room = new ChatRoom(() => env.now());
    this.connection = new ReconnectingSocket(
      this.url,
      env,
      {
        preparing: () => {
          this.#status = () => m.chat_status_preparing();
        },
        connecting: (attempt) => {
          this.room.connecting();
          const url = this.url ?? '';
          this.#status =
            attempt > 0 ? () => m.chat_status_reconnecting({ attempt: formatCount(attempt) }) : () => m.chat_status_connecting({ url });
        },
        refused: (message) => {
          const url = this.url ?? '';
          this.#status = () => m.chat_status_refused({ url, message });
        },
        open: () => {
          this.#status = () => m.chat_status_open();
        },
        message: (data) => this.#message(data),
        closed: (close, after) => this.#closed(close, after),
      },
      { prepare, retry: shouldRetry },
    );
    if (!address.ok) this.#status = () => address.reason;
  }

  // ---- what the page reads ----

  get phase(): ChatPhase {
    const link = this.connection.link;
    if (link !== 'open') return link;
    const stage = this.room.stage;
    return stage === 'greeting' ? 'connecting' : stage;
  }

  /** Why there is nowhere to connect, or null (see `url`). */
  get addressError(): string | null {
    return this.#address.ok ? null : this.#address.reason;
  }

  /** One sentence on the connection, for a live region. */
  get status(): string {
    return this.#status();
  }

  get canSend(): boolean {
    return this.phase === 'joined' && this.connection.readyState === 1;
  }

  // ---- what the page does ----

  /** Opens the connection (again, after leaving). */
  start(): void {
    this.connection.start();
  }

  /** Sends `join` with `name`; false (and `room.joinError` says why) when it cannot. */
  join(name: string): boolean {
    const nickname = this.room.join(name, this.connection.isOpen());
    if (nickname === null) return false;
    this.connection.send(joinCommand(nickname));
    return true;
  }

  /** Sends the draft; false (and `composer.error` says why) when it cannot. */
  send(): boolean {
    const text = this.composer.take(this.canSend, this.room.limits?.messageMaxLength);
    if (text === null) return false;
    this.connection.send(messageCommand(text));
    return true;
  }

  /** Leaves the room: closes with 1000 and does not reconnect. */
  leave(): void {
    if (this.connection.stop(1000, m.chat_close_left())) this.#status = () => m.chat_status_leaving();
    else this.#finishLeaving();
  }

  /** Skips the rest of the backoff wait. */
  reconnectNow(): void {
    this.connection.reconnectNow();
  }

  /** For the page going away: close quietly, cancel timers. */
  destroy(): void {
    this.connection.destroy();
  }

  // ---- what the server says ----

  #message(data: string | ArrayBuffer): void {
    if (typeof data !== 'string') {
      this.room.notice(() => m.chat_notice_binary(), 'error');
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) this.room.notice(() => m.chat_notice_ignored({ reason: parsed.reason }), 'error');
    else this.#receive(parsed.message);
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case 'hello': {
        const rejoinAs = this.room.greeted(message);
        if (rejoinAs !== null) {
          this.connection.send(joinCommand(rejoinAs));
          this.#status = () => m.chat_status_rejoining({ name: rejoinAs });
        } else {
          this.#status = () => m.chat_status_choose();
        }
        return;
      }
      case 'welcome': {
        const returning = this.connection.attempt > 0;
        this.room.welcomed(message);
        this.connection.settled();
        const name = message.you.name;
        this.#status = returning ? () => m.chat_status_reconnected({ name }) : () => m.chat_status_joined({ name });
        if (returning) this.room.notice(this.#status, 'ok');
        return;
      }
      case 'status':
        // A room on several server processes lost (or got back) the store they share: the sentence
        // for the live region, and a line in the log (room.svelte.ts).
        this.#status = statusSentence(message);
        this.room.heard(message);
        return;
      case 'error':
        this.#serverError(message);
        return;
      default:
        this.room.heard(message);
    }
  }

  #serverError(error: ErrorMessage): void {
    const asked = this.room.stage === 'joining' ? this.room.joiningAs : null;
    const refused = this.room.nameRefused(error);
    if (refused) {
      const limits = this.room.limits;
      const failed = (): string => m.chat_status_rejoin_failed({ reason: refusalSentence(error, { name: asked, limits }) });
      this.#status = refused.rejoin ? failed : () => m.chat_status_choose_another();
      if (refused.rejoin) this.room.notice(failed, 'error');
      return;
    }
    const context = { text: this.composer.lastSent, name: this.room.me?.name ?? null, limits: this.room.limits };
    if (DRAFT_ERRORS.has(error.code)) {
      this.composer.refused(() => refusalSentence(error, context));
      return;
    }
    this.room.notice(() => m.chat_status_server_says({ reason: refusalSentence(error, context) }), 'error');
  }

  // ---- the connection ends ----

  #closed(close: CloseSummary, after: AfterClose): void {
    const wasInRoom = this.room.stage === 'joined' || this.room.stage === 'joining';
    this.room.lost();
    if (after.next === 'stopped') {
      this.#finishLeaving();
      return;
    }
    if (after.next === 'gave-up') {
      this.room.left();
      this.#status = () => m.chat_status_gave_up({ close: describeClose(close.code, close.reason) });
      this.room.notice(this.#status, 'error');
      return;
    }
    const delay = after.delay;
    if (after.opened) {
      this.#status = () => m.chat_status_lost({ close: describeClose(close.code, close.reason), when: describeDelay(delay) });
      if (wasInRoom) this.room.notice(this.#status, 'error');
    } else if (after.attempt === 1) {
      const url = this.url ?? '';
      this.#status = () => m.chat_status_no_server({ url, when: describeDelay(delay) });
    } else {
      const attempt = after.attempt;
      this.#status = () => m.chat_status_still_no_server({ attempt: formatCount(attempt), when: describeDelay(delay) });
    }
  }

  #finishLeaving(): void {
    const wasIn = this.room.left();
    this.#status = () => m.chat_status_left();
    if (wasIn) this.room.notice(() => m.chat_notice_left(), 'info');
  }
}
