/**
 * The chat page's state: a reconnecting WebSocket to the server's `/chat`
 * (reconnecting-socket.svelte.ts), the room as this page sees it (room.svelte.ts) and the message
 * box (composer.svelte.ts), tied together here with the one sentence that says how the
 * connection is. It speaks docs/chat-protocol.md: it waits for the server's `hello` before it
 * sends anything, so nothing is ever sent while the socket is CONNECTING.
 */
import { createBrowserSocket, describeClose, type CloseSummary } from '../socket/socket';
import { describeDelay } from './backoff';
import { ChatComposer } from './composer.svelte';
import { joinCommand, messageCommand, parseServerMessage, type ErrorMessage, type ServerMessage } from './protocol';
import { ReconnectingSocket, type AfterClose, type ReconnectEnvironment } from './reconnecting-socket.svelte';
import { ChatRoom } from './room.svelte';

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
  readonly addressError: string | null;
  readonly connection: ReconnectingSocket;
  readonly room: ChatRoom;
  readonly composer = new ChatComposer();

  #status = $state('');

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
    this.room = new ChatRoom(() => env.now());
    this.connection = new ReconnectingSocket(
      this.url,
      env,
      {
        preparing: () => {
          this.#status = 'Opening the inspector tap, so this page can show its frames…';
        },
        connecting: (attempt) => {
          this.room.connecting();
          this.#status = attempt > 0 ? `Reconnecting (attempt ${attempt})…` : `Connecting to ${this.url}…`;
        },
        refused: (message) => {
          this.#status = `Cannot connect to ${this.url}: ${message}`;
        },
        open: () => {
          this.#status = 'Connected; waiting for the server to say hello.';
        },
        message: (data) => this.#message(data),
        closed: (close, after) => this.#closed(close, after),
      },
      { prepare, retry: shouldRetry },
    );
    if (!address.ok) this.#status = address.reason;
  }

  // ---- what the page reads ----

  get phase(): ChatPhase {
    const link = this.connection.link;
    if (link !== 'open') return link;
    const stage = this.room.stage;
    return stage === 'greeting' ? 'connecting' : stage;
  }

  /** One sentence on the connection, for a live region. */
  get status(): string {
    return this.#status;
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
    if (this.connection.stop(1000, 'left the room')) this.#status = 'Leaving the room…';
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
      this.room.notice('The server sent a binary message; the chat reads text only, so it was ignored.', 'error');
      return;
    }
    const parsed = parseServerMessage(data);
    if (!parsed.ok) this.room.notice(`Ignored: ${parsed.reason}.`, 'error');
    else this.#receive(parsed.message);
  }

  #receive(message: ServerMessage): void {
    switch (message.type) {
      case 'hello': {
        const rejoinAs = this.room.greeted(message);
        if (rejoinAs !== null) {
          this.connection.send(joinCommand(rejoinAs));
          this.#status = `Connected again; joining as ${rejoinAs}…`;
        } else {
          this.#status = 'Connected. Choose a nickname to join the room.';
        }
        return;
      }
      case 'welcome': {
        const returning = this.connection.attempt > 0;
        this.room.welcomed(message);
        this.connection.settled();
        this.#status = returning
          ? `Reconnected: back in the room as ${message.you.name}.`
          : `Joined the room as ${message.you.name}.`;
        if (returning) this.room.notice(this.#status, 'ok');
        return;
      }
      case 'status':
        // A room on several server processes lost (or got back) the store they share: the sentence
        // for the live region, and a line in the log (room.svelte.ts).
        this.#status = message.reason;
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
    const refused = this.room.nameRefused(error);
    if (refused) {
      this.#status = refused.rejoin ? `Could not join again: ${error.reason}` : 'Choose another nickname.';
      if (refused.rejoin) this.room.notice(`Could not join again: ${error.reason}`, 'error');
      return;
    }
    if (DRAFT_ERRORS.has(error.code)) {
      this.composer.refused(error.reason);
      return;
    }
    this.room.notice(`The server says: ${error.reason}`, 'error');
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
      this.#status = `The server closed the connection: ${describeClose(close.code, close.reason)}. Join again when you are ready.`;
      this.room.notice(this.#status, 'error');
      return;
    }
    const when = describeDelay(after.delay);
    if (after.opened || after.attempt === 1) {
      const what = after.opened
        ? `Connection lost (${describeClose(close.code, close.reason)}).`
        : `No chat server answered at ${this.url}.`;
      this.#status = `${what} Reconnecting ${when}…`;
      if (after.opened && wasInRoom) this.room.notice(this.#status, 'error');
    } else {
      this.#status = `Still no chat server (attempt ${after.attempt}). Trying again ${when}…`;
    }
  }

  #finishLeaving(): void {
    const wasIn = this.room.left();
    this.#status = 'You left the room. Join again to come back.';
    if (wasIn) this.room.notice('You left the room.', 'info');
  }
}
