import { describe, expect, it } from 'vitest';
import { atEnd, keyTarget, scrollToReveal, virtualWindow } from './virtual-window';

describe('virtualWindow', () => {
  it('is empty for no rows', () => {
    expect(virtualWindow(0, 30, 0, 300)).toEqual({ start: 0, end: 0, offsetY: 0, totalHeight: 0 });
  });

  it('draws the rows in view plus overscan', () => {
    expect(virtualWindow(100_000, 30, 0, 300, 5)).toEqual({ start: 0, end: 16, offsetY: 0, totalHeight: 3_000_000 });
    const w = virtualWindow(100_000, 30, 30_000, 300, 5);
    expect(w.start).toBe(995);
    expect(w.end).toBe(1016);
    expect(w.offsetY).toBe(995 * 30);
  });

  it('never draws more than a screenful however many rows there are', () => {
    const w = virtualWindow(100_000, 30, 2_999_700, 300, 5);
    expect(w.end).toBe(100_000);
    expect(w.end - w.start).toBeLessThanOrEqual(22);
  });

  it('clamps a scrollTop past the end (the list shrank)', () => {
    const w = virtualWindow(10, 30, 99_999, 150, 0);
    expect(w.end).toBe(10);
    expect(w.start).toBe(5);
  });
});

describe('scrolling helpers', () => {
  it('knows when the list is at its end', () => {
    expect(atEnd(700, 300, 1000, 10)).toBe(true);
    expect(atEnd(650, 300, 1000, 10)).toBe(false);
  });

  it('reveals a row above or below the view', () => {
    expect(scrollToReveal(2, 30, 300, 300)).toBe(60);
    expect(scrollToReveal(25, 30, 300, 300)).toBe(480);
    expect(scrollToReveal(12, 30, 300, 300)).toBeNull();
  });

  it('moves with the keyboard', () => {
    expect(keyTarget('ArrowDown', 3, 10, 5)).toBe(4);
    expect(keyTarget('ArrowDown', 9, 10, 5)).toBe(9);
    expect(keyTarget('ArrowUp', 0, 10, 5)).toBe(0);
    expect(keyTarget('ArrowUp', -1, 10, 5)).toBe(9);
    expect(keyTarget('ArrowDown', -1, 10, 5)).toBe(0);
    expect(keyTarget('PageDown', 3, 10, 5)).toBe(8);
    expect(keyTarget('PageUp', 3, 10, 5)).toBe(0);
    expect(keyTarget('Home', 3, 10, 5)).toBe(0);
    expect(keyTarget('End', 3, 10, 5)).toBe(9);
    expect(keyTarget('x', 3, 10, 5)).toBeNull();
    expect(keyTarget('End', -1, 0, 5)).toBeNull();
  });
});
