/**
 * A client for the server's inspector tap: `connectInspector(url, session)` opens
 * `/inspect?session=<token>` with the browser's WebSocket and feeds what arrives into a
 * rune-backed capture store. It also sends the demonstrations (`command`) and matches the
 * server's `ack` / `error` to them.
 */
import { openSocket, type CreateSocket, type PageSocket } from '../socket/socket';
import { CaptureStore, type Schedule } from './capture.svelte';
import type { CaptureOptions } from './capture';
import { inspectorUrl, PendingCommands, type CommandResult } from './commands';
import type { BroadcastAckMessage, CommandAction, InspectorMessage } from './messages';
import * as m from '../../paraglide/messages.js';
import { refusal } from './commands';

export { inspectorUrl, type CommandResult };

export type InspectorStatus = 'connecting' | 'open' | 'closed' | 'unavailable';

export interface InspectorOptions extends CaptureOptions {
  /** Watch every connection (`?all`): only on a server started with `--class`. */
  all?: boolean;
  /** How long a command waits for the server's ack (ms). */
  commandTimeout?: number;
  /** The student's name for the teacher's view (class mode), sent once the tap says hello; null: none. */
  introduce?: () => string | null;
  /** Ask for batches (`?batch`, many messages per event); default true. */
  batch?: boolean;
  createSocket?: CreateSocket;
  schedule?: Schedule;
}

export class InspectorClient {
  readonly capture: CaptureStore;
  readonly url: string;
  #status = $state<InspectorStatus>('connecting');
  #error = $state<(() => string) | null>(null);
  #socket: PageSocket | null = null;
  #pending: PendingCommands;
  #ready: Promise<boolean>;

  constructor(url: string, options: InspectorOptions = {}) {
    this.url = url;
    this.capture = new CaptureStore(options);
    this.#pending = new PendingCommands(options.commandTimeout ?? 5_000);
    let settle: (ok: boolean) => void = () => {};
    this.#ready = new Promise((resolve) => {
      settle = resolve;
    });
    const opened = openSocket(
      url,
      {
        message: (data) => {
          if (typeof data !== 'string') return;
          const answer = (message: InspectorMessage): void => {
            if (message.type === 'hello') {
              this.#status = 'open';
              // Class mode: this page names its student for the teacher's view.
              const name = options.introduce?.() ?? null;
              if (name !== null && message.classMode && !message.all) this.sendName(name);
              settle(true);
            } else if (message.type === 'ack' || message.type === 'error' || message.type === 'broadcast-ack') {
              this.#pending.answer(message);
            }
          };
          // A batch (`?batch`) is a JSON array; a message alone, an object.
          if (data.charCodeAt(0) === 0x5b) {
            this.capture.ingestBatch(data, performance.now(), answer);
            return;
          }
          const message = this.capture.ingestText(data, performance.now());
          if (message) answer(message);
        },
        close: () => {
          const wasOpen = this.#status === 'open';
          this.#status = wasOpen ? 'closed' : 'unavailable';
          if (!wasOpen) this.#error ??= m.inspector_unavailable;
          settle(false);
          this.#pending.fail(m.inspector_closed_early());
          this.capture.flush();
        },
      },
      options.createSocket,
    );
    if (!opened.ok) {
      this.#status = 'unavailable';
      const why = opened.message;
      this.#error = () => why;
      settle(false);
      return;
    }
    this.#socket = opened.socket;
  }

  /** 'connecting' until the server's hello, then 'open'; 'unavailable' if it never came. */
  get status(): InspectorStatus {
    return this.#status;
  }

  get error(): string | null {
    return this.#error?.() ?? null;
  }

  /** Resolves true once the server said hello (the tap is live), false if it failed. */
  ready(): Promise<boolean> {
    return this.#ready;
  }

  /** Asks the server for a demonstration on one of this session's connections. */
  command(connection: number, action: CommandAction): Promise<CommandResult> {
    const socket = this.#socket;
    if (!socket || this.#status !== 'open') {
      return Promise.resolve(refusal(m.inspector_not_connected));
    }
    const { id, result } = this.#pending.add();
    socket.send(JSON.stringify({ type: 'command', id, connection, ...action }));
    return result;
  }

  /** The teacher's view (`?all`): one demonstration to every open `/echo` connection on the server. */
  broadcast(action: CommandAction): Promise<CommandResult<BroadcastAckMessage>> {
    const socket = this.#socket;
    if (!socket || this.#status !== 'open') {
      return Promise.resolve(refusal(m.inspector_not_connected));
    }
    const { id, result } = this.#pending.add<BroadcastAckMessage>();
    socket.send(JSON.stringify({ type: 'broadcast', id, ...action }));
    return result;
  }

  /** Names this session's student for the teacher's view (class mode); false when the tap is not open. */
  sendName(name: string): boolean {
    if (!this.#socket || this.#status !== 'open') return false;
    this.#socket.send(JSON.stringify({ type: 'name', name }));
    return true;
  }

  close(): void {
    this.#socket?.close(1000, m.inspector_close_reason());
  }
}

/** Whether `client`'s tap said hello within `ms` milliseconds (false when it failed or was slower). */
export async function readyWithin(client: Pick<InspectorClient, 'ready'>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const ready = await Promise.race([client.ready(), timeout]);
  clearTimeout(timer);
  return ready;
}

/** Opens `url` (`ws://host/inspect`) for `session` and returns the live client and its capture. */
export function connectInspector(url: string, session: string | null, options: InspectorOptions = {}): InspectorClient {
  return new InspectorClient(inspectorUrl(url, session, options.all ?? false, options.batch ?? true), options);
}
