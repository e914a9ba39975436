import { describe, expect, it } from 'vitest';
import { backoffDelay, describeDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles from 0.5 s up to 10 s', () => {
    const mid = () => 0.5;
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((attempt) => backoffDelay(attempt, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000,
    ]);
  });

  it('spreads each delay by ±20 %', () => {
    expect(backoffDelay(3, () => 0)).toBe(1600);
    expect(backoffDelay(3, () => 0.999999)).toBe(2400);
  });

  it('words the delay', () => {
    expect(describeDelay(500)).toBe('in 0.5 s');
    expect(describeDelay(2400)).toBe('in 2 s');
  });
});
