/**
 * Which keys step through the frames: ↑/↓ (and ←/→) on the selected frame's panel, or anywhere on
 * the page in projector mode (a presenter's clicker sends ←/→ or Page Up/Down). Keys typed into a
 * field, or meant for a list or a scroll box, are left alone.
 */

export interface KeyLike {
  key: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  target: EventTarget | null;
  defaultPrevented: boolean;
}

/** Elements whose own keyboard use comes first: fields, lists, grids, scroll boxes (a CSS selector list). */
const OWN_KEYS = [
  'input',
  'textarea',
  'select',
  '[contenteditable]',
  '[role="listbox"]',
  '[role="grid"]',
  '[role="slider"]',
  '[role="tablist"]',
  '[role="region"][tabindex]',
  'ol[tabindex]',
  'pre[tabindex]',
].join(',');

/** -1 (previous frame), +1 (next), or null when the key is not for stepping. */
export function stepKey(event: KeyLike, projector: boolean): -1 | 1 | null {
  if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return null;
  const target = event.target as Element | null;
  if (target && typeof target.closest === 'function' && target.closest(OWN_KEYS)) return null;
  switch (event.key) {
    case 'ArrowUp':
    case 'ArrowLeft':
      return -1;
    case 'ArrowDown':
    case 'ArrowRight':
      return 1;
    case 'PageUp':
      return projector ? -1 : null;
    case 'PageDown':
      return projector ? 1 : null;
    default:
      return null;
  }
}
