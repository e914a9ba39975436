/** A clock the test moves by hand, for PlaygroundConnection; `every` callbacks run on `tick()`. */
import type { ConnectionClock } from './connection.svelte';

export function manualClock(): ConnectionClock & { advance(ms: number): void; tick(): void; readonly timers: number } {
  let now = 0;
  const timers = new Set<() => void>();
  return {
    now: () => now,
    wall: () => 1_700_000_000_000 + now,
    every(_ms: number, fn: () => void) {
      timers.add(fn);
      return () => {
        timers.delete(fn);
      };
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
