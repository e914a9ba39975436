/**
 * Which rows of a fixed-row-height list are in view: the list draws only those (plus a few on each
 * side), so 100,000 rows cost what 30 do.
 */
export interface VirtualWindow {
  /** First row to draw (inclusive) and last (exclusive). */
  start: number;
  end: number;
  /** Pixels above the first drawn row. */
  offsetY: number;
  /** Height of all rows together. */
  totalHeight: number;
}

export function virtualWindow(
  count: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
  overscan = 6,
): VirtualWindow {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetY: 0, totalHeight };
  const top = Math.max(0, Math.min(scrollTop, Math.max(0, totalHeight - viewportHeight)));
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetY: start * rowHeight, totalHeight };
}

/** Is the list scrolled to (within a row of) its end? New rows then keep it pinned there. */
export function atEnd(scrollTop: number, viewportHeight: number, scrollHeight: number, slack: number): boolean {
  return scrollTop + viewportHeight >= scrollHeight - slack;
}

/** The scrollTop that brings row `index` into view, or null when it already is. */
export function scrollToReveal(index: number, rowHeight: number, scrollTop: number, viewportHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

/** The row a key moves to from `index` (ArrowUp/Down, PageUp/Down, Home, End), or null for other keys. */
export function keyTarget(key: string, index: number, count: number, pageRows: number): number | null {
  if (count === 0) return null;
  const last = count - 1;
  const from = index < 0 ? (key === 'ArrowUp' || key === 'PageUp' ? count : -1) : index;
  switch (key) {
    case 'ArrowDown':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return Math.max(0, from - 1);
    case 'PageDown':
      return Math.min(last, from + Math.max(1, pageRows));
    case 'PageUp':
      return Math.max(0, from - Math.max(1, pageRows));
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
