import { describe, expect, it } from 'vitest';
import { NO_FILTER, type FilterableFrame, type FrameFilter } from './filter';
import { FrameFinder } from './finder.svelte';
import type { SeqSource } from './filter-index';

/** Frame `i` is a ping when i % 100 === 0 and carries "p<i>", else a text frame "m<i>". */
function frameOf(i: number): FilterableFrame {
  const ping = i % 100 === 0;
  const payload = new TextEncoder().encode(ping ? `p${i}` : `m${i}`);
  return { direction: 'server-to-client', opcode: ping ? 0x9 : 0x1, fin: true, rsv: 0, masked: false, faulty: false, payload: () => payload };
}

const source = (length: number): SeqSource<number> => ({ length, firstSeq: 0, bySeq: (seq) => (seq >= 0 && seq < length ? seq : undefined) });

/** A finder whose slices test about 512 frames each (the clock moves 1 ms a call) and whose later slices wait in `queue`. */
function slowFinder(): { finder: FrameFinder<number>; queue: (() => void)[] } {
  const queue: (() => void)[] = [];
  let clock = 0;
  const finder = new FrameFinder<number>(frameOf, { slice: 2, later: (run) => queue.push(run), now: () => clock++ });
  return { finder, queue };
}

function drain(queue: (() => void)[]): number {
  let runs = 0;
  while (queue.length > 0) {
    queue.shift()!();
    runs++;
  }
  return runs;
}

const filter = (over: Partial<FrameFilter>): FrameFilter => ({ ...NO_FILTER, ...over });

describe('FrameFinder', () => {
  it('scans a large list in slices and ends with the exact matches', () => {
    const { finder, queue } = slowFinder();
    finder.update(source(20_000));
    finder.filter = filter({ kind: 'ping' });
    expect(finder.scanning).toBe(true);
    expect(finder.progress).toBeLessThan(0.1);
    expect(drain(queue)).toBeGreaterThan(10);
    expect(finder.scanning).toBe(false);
    expect(finder.progress).toBe(1);
    expect(finder.matches?.length).toBe(200);
  });

  it('a filter changed while a slice is pending (typing during the scan) still scans to the end', () => {
    const { finder, queue } = slowFinder();
    finder.update(source(20_000));
    finder.filter = filter({ kind: 'ping' });
    expect(queue.length).toBe(1);
    // Each key rebuilds the index while the first filter's next slice is still queued.
    for (const search of ['p', 'p1', 'p19', 'p199']) finder.filter = filter({ kind: 'ping', search });
    drain(queue);
    expect(finder.scanning).toBe(false);
    expect(finder.progress).toBe(1);
    // The pings are p0, p100, … p19900: only p19900 holds "p199".
    expect(finder.matches?.length).toBe(1);
    expect(finder.matches?.at(0)).toBe(19_900);
  });

  it('no filter: nothing to scan, the whole list shows', () => {
    const { finder, queue } = slowFinder();
    finder.update(source(1000));
    finder.filter = filter({ kind: 'ping' });
    finder.filter = NO_FILTER;
    drain(queue);
    expect(finder.active).toBe(false);
    expect(finder.matches).toBeNull();
    expect(finder.scanning).toBe(false);
  });
});
