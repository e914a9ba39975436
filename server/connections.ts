/**
 * The server's open WebSocket connections, and its shutdown: they count toward
 * `maxConnections`, and `closeAll()` runs every
 * closing handshake, waits for them up to a timeout, then drops what is left.
 */
import type { ServerConnection } from './connection.ts';

export class ConnectionSet {
  readonly #open = new Map<number, ServerConnection>();
  readonly #waiters = new Set<() => void>();

  get size(): number {
    return this.#open.size;
  }

  /** The open connections now (a copy). */
  snapshot(): ReadonlySet<ServerConnection> {
    return new Set(this.#open.values());
  }

  /** Would one more connection pass `max`? (The handshake completes synchronously: nothing is pending.) */
  atLimit(max: number): boolean {
    return this.#open.size >= max;
  }

  add(connection: ServerConnection): void {
    this.#open.set(connection.id, connection);
  }

  /** Connection `id`'s socket is gone. */
  remove(id: number): void {
    this.#open.delete(id);
    if (this.#open.size === 0) for (const wake of [...this.#waiters]) wake();
  }

  /**
   * Close every connection with `code` and `reason` (the closing handshake, RFC 6455 §7.1.2), wait
   * until they are all gone or `timeout` ms passed, then drop the rest.
   */
  async closeAll(code: number, reason: string, timeout: number): Promise<void> {
    for (const connection of [...this.#open.values()]) connection.close(code, reason, 'shutdown');
    if (this.#open.size === 0) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeout);
      timer.unref();
      this.#waiters.add(done);
    });
    for (const connection of [...this.#open.values()]) connection.terminate('shutdown');
  }
}
