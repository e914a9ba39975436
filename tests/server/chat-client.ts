/**
 * A `ws` client of `/chat` for the tests: it queues the server's messages and hands them out in
 * order (`next`), or picks the first that matches (`take`), leaving the rest.
 */
import { expect } from 'vitest';
import WebSocket from 'ws';

export type Json = Record<string, unknown> & { type: string };

/** A `ws` client that queues the server's messages and hands them out in order. */
export class ChatClient {
  readonly ws: WebSocket;
  readonly received: Json[] = [];
  readonly binary: boolean[] = [];
  closed: { code: number; reason: string } | null = null;
  /** The room as the last welcome, join or leave showed it (names in join order). */
  users: string[] = [];
  #waiters = new Set<() => void>();

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data, isBinary) => {
      this.binary.push(isBinary);
      const message = JSON.parse(String(data)) as Json;
      if (['welcome', 'join', 'leave'].includes(message.type) && Array.isArray(message.users)) {
        this.users = (message.users as Json[]).map((user) => String(user.name));
      }
      this.received.push(message);
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: String(reason) };
      this.#wake();
    });
  }

  static open(url: string): Promise<ChatClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const client = new ChatClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('error', reject);
    });
  }

  /** The next message (of `type`, skipping none: a different type fails the test). */
  async next(type?: string, timeout = 2000): Promise<Json> {
    await this.#until(() => this.received.length > 0 || this.closed !== null, timeout, `a ${type ?? 'message'}`);
    const message = this.received.shift();
    if (!message) throw new Error(`closed (${JSON.stringify(this.closed)}) while waiting for ${type ?? 'a message'}`);
    if (type !== undefined) expect(message.type, JSON.stringify(message)).toBe(type);
    return message;
  }

  /** The first queued (or next arriving) message that `matches`; the others stay queued. */
  async take(matches: (message: Json) => boolean, what: string, timeout = 2000): Promise<Json> {
    await this.#until(() => this.received.some(matches), timeout, what);
    const index = this.received.findIndex(matches);
    return this.received.splice(index, 1)[0]!;
  }

  /** Waits until the room, as this client was told, is `names`. */
  async usersAre(names: string[], timeout = 5000): Promise<void> {
    await this.#until(() => JSON.stringify(this.users) === JSON.stringify(names), timeout, `the user list ${names.join(', ')} (have ${this.users.join(', ')})`);
  }

  /** Every queued message of `type`, taken out of the queue. */
  takeAll(type: string): Json[] {
    const taken = this.received.filter((message) => message.type === type);
    this.received.splice(0, this.received.length, ...this.received.filter((message) => message.type !== type));
    return taken;
  }

  /** Nothing more arrives within `ms`. */
  async nothingFor(ms = 150): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    expect(this.received).toEqual([]);
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  async waitClosed(timeout = 2000): Promise<{ code: number; reason: string }> {
    await this.#until(() => this.closed !== null, timeout, 'the close');
    return this.closed!;
  }

  #until(ready: () => boolean, timeout: number, what: string): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.received)}`));
      }, timeout);
      const check = (): void => {
        if (!ready()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  #wake(): void {
    for (const waiter of [...this.#waiters]) waiter();
  }
}

