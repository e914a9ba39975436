/** A scriptable stand-in for the browser's WebSocket, for the app's unit tests. */
import type { SocketLike } from './connection.svelte';

export class FakeSocket extends EventTarget implements SocketLike {
  readyState = 0;
  bufferedAmount = 0;
  protocol = '';
  extensions = '';
  binaryType: BinaryType = 'blob';
  sent: unknown[] = [];
  closeCalls: { code?: number; reason?: string }[] = [];
  readonly url: string;

  constructor(url: string) {
    super();
    this.url = url;
  }

  send(data: unknown): void {
    if (this.readyState === 0) throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closeCalls.push({ code, reason });
    if (this.readyState < 2) this.readyState = 2;
  }

  // What the "network" does:
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }

  receive(data: string | ArrayBuffer): void {
    this.dispatchEvent(new MessageEvent('message', { data }));
  }

  fail(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event('error'));
    this.dispatchEvent(Object.assign(new Event('close'), { code: 1006, reason: '', wasClean: false }));
  }

  closed(code: number, reason = '', wasClean = true): void {
    this.readyState = 3;
    this.dispatchEvent(Object.assign(new Event('close'), { code, reason, wasClean }));
  }
}

/** A clock the test moves by hand; `every` callbacks run on `tick()`. */
export function manualClock() {
  let now = 0;
  const timers = new Set<() => void>();
  return {
    now: () => now,
    wall: () => 1_700_000_000_000 + now,
    every(_ms: number, fn: () => void) {
      timers.add(fn);
      return () => timers.delete(fn);
    },
    advance(ms: number) {
      now += ms;
    },
    tick() {
      for (const fn of [...timers]) fn();
    },
    get timers() {
      return timers.size;
    },
  };
}
