import { describe, expect, it } from 'vitest';
import { stepKey, type KeyLike } from './keys';

const key = (k: string, extra: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  target: null,
  defaultPrevented: false,
  ...extra,
});

/** A target whose closest() answers as an element inside `selector` would. */
const inside = (selector: string): EventTarget => ({ closest: (s: string) => (s.includes(selector) ? {} : null) }) as unknown as EventTarget;

describe('stepKey', () => {
  it('steps with the arrows: up and left back, down and right on', () => {
    expect(stepKey(key('ArrowUp'), false)).toBe(-1);
    expect(stepKey(key('ArrowLeft'), false)).toBe(-1);
    expect(stepKey(key('ArrowDown'), false)).toBe(1);
    expect(stepKey(key('ArrowRight'), false)).toBe(1);
    expect(stepKey(key('a'), false)).toBeNull();
  });

  it('takes Page Up/Down (a presenter\u2019s clicker) in projector mode only', () => {
    expect(stepKey(key('PageDown'), true)).toBe(1);
    expect(stepKey(key('PageUp'), true)).toBe(-1);
    expect(stepKey(key('PageDown'), false)).toBeNull();
  });

  it('leaves keys meant for fields, lists and scroll boxes, with modifiers, or already handled', () => {
    for (const selector of ['input', 'textarea', 'select', '[role="listbox"]', '[role="region"][tabindex]']) {
      expect(stepKey(key('ArrowDown', { target: inside(selector) }), true), selector).toBeNull();
    }
    expect(stepKey(key('ArrowDown', { shiftKey: true }), true)).toBeNull();
    expect(stepKey(key('ArrowLeft', { altKey: true }), true)).toBeNull();
    expect(stepKey(key('ArrowDown', { defaultPrevented: true }), true)).toBeNull();
    expect(stepKey(key('ArrowDown', { target: inside('nothing-matches') }), true)).toBe(1);
  });
});
