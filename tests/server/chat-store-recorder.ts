/** A `StoreListener` that keeps what a store told it, and waits for what a test expects. */
import type { ChatMessage, PrivateMessage, UserInfo } from '../../server/chat/messages';
import type { StoreEvent, StoreListener } from '../../server/chat/store';

export class Recorder implements StoreListener {
  readonly events: StoreEvent[] = [];
  readonly statuses: ('degraded' | 'ok')[] = [];
  readonly resyncs: UserInfo[][] = [];
  readonly evictions: string[][] = [];
  initialUsers: UserInfo[] = [];
  #waiters = new Set<() => void>();

  event(event: StoreEvent): void {
    this.events.push(event);
    this.#wake();
  }

  status(state: 'degraded' | 'ok'): void {
    this.statuses.push(state);
    this.#wake();
  }

  resync(users: UserInfo[]): void {
    this.resyncs.push(users);
    this.#wake();
  }

  evicted(keys: string[]): void {
    this.evictions.push(keys);
    this.#wake();
  }

  messages(): ChatMessage[] {
    return this.events.flatMap((event) => (event.kind === 'message' ? [event.message] : []));
  }

  privates(): (StoreEvent & { kind: 'private' })[] {
    return this.events.filter((event): event is StoreEvent & { kind: 'private'; message: PrivateMessage } => event.kind === 'private');
  }

  /** Resolves once `ready()` holds; fails after `timeout` ms saying what it waited for. */
  until(ready: () => boolean, what: string, timeout = 3000): Promise<void> {
    if (ready()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out waiting for ${what}; events: ${JSON.stringify(this.events).slice(0, 2000)}`));
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
