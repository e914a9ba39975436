import { describe, expect, it } from 'vitest';
import { RingBuffer } from '../../inspector/ring-buffer';
import { FilterIndex, stepMatch, type SeqSource } from './filter-index';

function source(ring: RingBuffer<number>): SeqSource<number> {
  return { length: ring.length, firstSeq: ring.firstSeq, bySeq: (seq) => ring.bySeq(seq) };
}

function ringOf(n: number, capacity = n): RingBuffer<number> {
  const ring = new RingBuffer<number>(capacity);
  for (let i = 0; i < n; i++) ring.push(i);
  return ring;
}

const everyTenth = (value: number): boolean => value % 10 === 0;

describe('FilterIndex', () => {
  it('scans in slices and finds the same matches as one pass', () => {
    const ring = ringOf(200_000);
    const index = new FilterIndex(everyTenth);
    let slices = 0;
    let budget = 0;
    // Each slice may test about 1,000 items (the budget is asked every 256).
    while (!index.scan(source(ring), () => ++budget % 4 !== 0)) slices++;
    expect(slices).toBeGreaterThan(100);
    expect(index.matched).toBe(20_000);
    const view = index.view(source(ring));
    expect(view.at(0)).toBe(0);
    expect(view.at(19_999)).toBe(199_990);
    expect(view.indexOfSeq(1230)).toBe(123);
    expect(view.indexOfSeq(1231)).toBe(-1);
  });

  it('tests only new items, and drops the ones the ring let go', () => {
    const ring = new RingBuffer<number>(100);
    const seen: number[] = [];
    const index = new FilterIndex((value: number) => {
      seen.push(value);
      return everyTenth(value);
    });
    for (let i = 0; i < 50; i++) ring.push(i);
    index.scan(source(ring));
    expect(index.matched).toBe(5);
    for (let i = 50; i < 250; i++) ring.push(i);
    index.scan(source(ring));
    // 150..249 held: 10 matches; the items 50..149 fell off before they were scanned.
    expect(index.matched).toBe(10);
    expect(index.view(source(ring)).at(0)).toBe(150);
    expect(seen.filter((v) => v < 50)).toHaveLength(50);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('a snapshot view stays as it was while the index grows', () => {
    const ring = ringOf(30, 1000);
    const index = new FilterIndex(everyTenth);
    index.scan(source(ring));
    const before = index.view(source(ring));
    for (let i = 30; i < 60; i++) ring.push(i);
    index.scan(source(ring));
    expect(before.length).toBe(3);
    expect(index.view(source(ring)).length).toBe(6);
  });

  it('starts over when the numbering goes back (a new capture)', () => {
    const index = new FilterIndex(everyTenth);
    index.scan(source(ringOf(100)));
    expect(index.matched).toBe(10);
    index.scan(source(ringOf(20)));
    expect(index.matched).toBe(2);
  });
});

describe('stepMatch', () => {
  const index = new FilterIndex(everyTenth);
  const ring = ringOf(100);
  index.scan(source(ring));
  const view = index.view(source(ring));

  it('steps from a match to the next and previous one', () => {
    expect(stepMatch(view, 30, 1)).toBe(40);
    expect(stepMatch(view, 30, -1)).toBe(20);
    expect(stepMatch(view, 90, 1)).toBeUndefined();
  });

  it('from a frame that does not match: the nearest match that way', () => {
    expect(stepMatch(view, 33, 1)).toBe(40);
    expect(stepMatch(view, 33, -1)).toBe(30);
    expect(stepMatch(view, null, 1)).toBe(0);
    expect(stepMatch(view, null, -1)).toBe(90);
  });
});
