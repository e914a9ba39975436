/**
 * A ChatEnvironment for tests: sockets are FakeSockets the test drives, timers run when the test
 * says, jitter is always the middle (random() = 0.5), and the clock stands still.
 */
import { FakeSocket } from '../socket/fake-socket';
import type { ChatEnvironment } from './chat.svelte';

export interface FakeTimer {
  fn: () => void;
  ms: number;
  cancelled: boolean;
}

export function fakeEnvironment(now = Date.UTC(2025, 0, 1)) {
  const sockets: FakeSocket[] = [];
  const timers: FakeTimer[] = [];
  const env: ChatEnvironment = {
    createSocket(url) {
      // The browser's constructor throws a SyntaxError for a URL that is not ws: or wss:.
      if (!/^wss?:/.test(url)) throw new SyntaxError(`The URL's scheme must be either 'ws' or 'wss'.`);
      const socket = new FakeSocket(url);
      sockets.push(socket);
      return socket;
    },
    setTimer(fn, ms) {
      const timer = { fn, ms, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    random: () => 0.5,
    now: () => now,
  };
  /** The newest socket. */
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    if (!socket) throw new Error('no socket yet');
    return socket;
  };
  /** Timers scheduled and not cancelled (or run). */
  const pending = (): FakeTimer[] => timers.filter((t) => !t.cancelled);
  /** Runs the newest pending timer; returns its delay. */
  const runTimer = (): number => {
    const timer = pending().at(-1);
    if (!timer) throw new Error('no timer');
    timer.cancelled = true;
    timer.fn();
    return timer.ms;
  };
  return { env, sockets, timers, last, pending, runTimer };
}
