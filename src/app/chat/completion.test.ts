import { describe, expect, it } from 'vitest';
import { applyCompletion, completions, mentionAt, moveActive } from './completion';

const users = [
  { name: 'Alice', colour: '#000000' },
  { name: 'alfred', colour: '#000000' },
  { name: 'Ann Lee', colour: '#000000' },
  { name: 'Bob', colour: '#000000' },
];

describe('mentionAt', () => {
  it('finds the leading @prefix up to the caret', () => {
    expect(mentionAt('@al', 3)).toEqual({ prefix: 'al', end: 3 });
    expect(mentionAt('@', 1)).toEqual({ prefix: '', end: 1 });
    expect(mentionAt('@ann l', 6)).toEqual({ prefix: 'ann l', end: 6 });
    expect(mentionAt('@alice hi', 3)).toEqual({ prefix: 'al', end: 3 });
  });

  it('is null away from a leading mention', () => {
    expect(mentionAt('hi @al', 6)).toBeNull();
    expect(mentionAt('@al', 0)).toBeNull();
    expect(mentionAt('@a\nb', 4)).toBeNull();
    expect(mentionAt('@ x', 3)).toBeNull();
    expect(mentionAt('', 0)).toBeNull();
  });
});

describe('completions', () => {
  it('offers names that start with the prefix, case-insensitively, not yourself', () => {
    const names = (prefix: string, self: string | null = null) =>
      completions(users, mentionAt(`@${prefix}`, prefix.length + 1), self).map((user) => user.name);
    expect(names('al')).toEqual(['Alice', 'alfred']);
    expect(names('AL', 'alice')).toEqual(['alfred']);
    expect(names('')).toEqual(['Alice', 'alfred', 'Ann Lee', 'Bob']);
    expect(names('ann ')).toEqual(['Ann Lee']);
    expect(names('bob ')).toEqual([]);
    expect(names('z')).toEqual([]);
    expect(completions(users, null, null)).toEqual([]);
  });
});

describe('applyCompletion', () => {
  it('writes @name and a space, keeps the rest, and puts the caret after the space', () => {
    expect(applyCompletion('@al', { prefix: 'al', end: 3 }, 'Alice')).toEqual({ value: '@Alice ', caret: 7 });
    expect(applyCompletion('@al hello', { prefix: 'al', end: 3 }, 'Alice')).toEqual({ value: '@Alice hello', caret: 7 });
    expect(applyCompletion('@ann', { prefix: 'ann', end: 4 }, 'Ann Lee')).toEqual({ value: '@Ann Lee ', caret: 9 });
  });
});

describe('moveActive', () => {
  it('wraps both ways and starts from either end', () => {
    expect(moveActive(-1, 1, 3)).toBe(0);
    expect(moveActive(-1, -1, 3)).toBe(2);
    expect(moveActive(2, 1, 3)).toBe(0);
    expect(moveActive(0, -1, 3)).toBe(2);
    expect(moveActive(1, 1, 0)).toBe(-1);
  });
});
