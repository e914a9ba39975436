/**
 * A clock the test moves by hand, for PlaygroundConnection; `every` callbacks run on `tick()`.
 * Animation frames run at once, unless `deferFrames` holds them until `runFrames()`.
 */
import type { ConnectionClock } from './connection.svelte';

export function manualClock(options: { deferFrames?: boolean } = {}): ConnectionClock & {
  advance(ms: number): void;
  tick(): void;
  runFrames(): number;
  readonly timers: number;
  readonly framesWaiting: number;
} {
  let now = 0;
  const timers = new Set<() => void>();
  let frames: (() => void)[] = [];
  return {
    now: () => now,
    wall: () => 1_700_000_000_000 + now,
    every(_ms: number, fn: () => void) {
      timers.add(fn);
      return () => {
        timers.delete(fn);
      };
    },
    frame(fn: () => void) {
      if (options.deferFrames) frames.push(fn);
      else fn();
    },
    advance(ms: number) {
      now += ms;
    },
    tick() {
      for (const fn of [...timers]) fn();
    },
    runFrames() {
      const run = frames;
      frames = [];
      for (const fn of run) fn();
      return run.length;
    },
    get timers() {
      return timers.size;
    },
    get framesWaiting() {
      return frames.length;
    },
  };
}
