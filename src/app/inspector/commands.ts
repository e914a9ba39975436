/**
 * Commands waiting for the server's answer: each gets an id, and the `ack` or `error` with that id
 * (or a timeout, or the socket closing) settles it. Plain TypeScript, used by the inspector client.
 */
import type { AckMessage, BroadcastAckMessage, ErrorMessage } from './messages';
import * as m from '../../paraglide/messages.js';

/** A command's answer: its `ack` (a `broadcast-ack` for a broadcast), or what went wrong. */
export type CommandResult<A extends Answer = AckMessage> = { ok: true; ack: A } | { ok: false; message: string };

/** A failed command whose sentence is read in the page's language when shown. */
export function refusal(message: () => string): { ok: false; readonly message: string } {
  return {
    ok: false,
    get message() {
      return message();
    },
  };
}

type Answer = AckMessage | BroadcastAckMessage;

export class PendingCommands {
  #next = 1;
  #pending = new Map<number, { resolve: (result: CommandResult<Answer>) => void; timer: ReturnType<typeof setTimeout> }>();
  #timeout: number;

  constructor(timeout: number) {
    this.#timeout = timeout;
  }

  /** A new id and the promise its answer settles. */
  add<A extends Answer = AckMessage>(): { id: number; result: Promise<CommandResult<A>> } {
    const id = this.#next++;
    const result = new Promise<CommandResult<A>>((resolve) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        resolve(refusal(m.inspector_timeout));
      }, this.#timeout);
      this.#pending.set(id, { resolve: resolve as (result: CommandResult<Answer>) => void, timer });
    });
    return { id, result };
  }

  /** Settles the command an `ack` or `error` answers; false when it answers none. */
  answer(message: Answer | ErrorMessage): boolean {
    if (typeof message.id !== 'number') return false;
    const pending = this.#pending.get(message.id);
    if (!pending) return false;
    this.#pending.delete(message.id);
    clearTimeout(pending.timer);
    pending.resolve(message.type === 'error' ? { ok: false, message: message.message } : { ok: true, ack: message });
    return true;
  }

  /** Settles every waiting command with `message` (the socket closed). */
  fail(message: string): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.resolve({ ok: false, message });
    }
    this.#pending.clear();
  }
}

/** `ws://host/inspect` plus `?session=` (or `?all`), keeping any query the URL had. */
export function inspectorUrl(url: string, session: string | null, all = false, batch = false): string {
  const parsed = new URL(url);
  if (all) parsed.searchParams.set('all', '');
  else if (session !== null) parsed.searchParams.set('session', session);
  // Many messages per event (docs/inspector.md, "Batches"): a flood costs the page one event per
  // turn of the server's loop, not one per frame. A server that does not know it sends them singly.
  if (batch) parsed.searchParams.set('batch', '');
  return parsed.toString();
}
