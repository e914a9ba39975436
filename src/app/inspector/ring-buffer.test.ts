import { describe, expect, it } from 'vitest';
import { RingBuffer } from './ring-buffer';

describe('RingBuffer', () => {
  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new RingBuffer(0)).toThrow(RangeError);
    expect(() => new RingBuffer(1.5)).toThrow(RangeError);
  });

  it('keeps items in order until full', () => {
    const ring = new RingBuffer<string>(3);
    expect(ring.push('a')).toBe(0);
    expect(ring.push('b')).toBe(1);
    expect(ring.length).toBe(2);
    expect(ring.slice()).toEqual(['a', 'b']);
    expect(ring.at(0)).toBe('a');
    expect(ring.at(2)).toBeUndefined();
    expect(ring.at(-1)).toBeUndefined();
    expect(ring.evicted).toBe(0);
  });

  it('drops the oldest item when full and counts it', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 0; i < 7; i++) ring.push(i);
    expect(ring.length).toBe(3);
    expect(ring.total).toBe(7);
    expect(ring.evicted).toBe(4);
    expect(ring.firstSeq).toBe(4);
    expect(ring.slice()).toEqual([4, 5, 6]);
    expect(ring.slice(1, 2)).toEqual([5]);
    expect(ring.slice(-5, 99)).toEqual([4, 5, 6]);
  });

  it('finds an item by its sequence number while it is held', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    expect(ring.bySeq(0)).toBeUndefined();
    expect(ring.bySeq(1)).toBe('b');
    expect(ring.bySeq(2)).toBe('c');
    expect(ring.bySeq(3)).toBeUndefined();
  });

  it('clears, and sequence numbers keep counting', () => {
    const ring = new RingBuffer<string>(2);
    ring.push('a');
    ring.push('b');
    ring.push('c');
    ring.clear();
    expect(ring.length).toBe(0);
    expect(ring.evicted).toBe(0);
    expect(ring.firstSeq).toBe(3);
    expect(ring.push('d')).toBe(3);
    expect(ring.bySeq(3)).toBe('d');
    expect(ring.slice()).toEqual(['d']);
  });

  it('finds the newest match', () => {
    const ring = new RingBuffer<number>(4);
    for (const n of [1, 2, 3, 4, 5]) ring.push(n);
    expect(ring.findLast((n) => n % 2 === 0)).toBe(4);
    expect(ring.findLast((n) => n > 10)).toBeUndefined();
  });

  it('holds 100,000 items and keeps the newest', () => {
    const ring = new RingBuffer<number>(100_000);
    for (let i = 0; i < 250_000; i++) ring.push(i);
    expect(ring.length).toBe(100_000);
    expect(ring.at(0)).toBe(150_000);
    expect(ring.at(99_999)).toBe(249_999);
  });
});
