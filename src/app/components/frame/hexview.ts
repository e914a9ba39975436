/**
 * View logic of the hex dump (HexView.svelte): rows of 16 bytes, which rows are on screen in a
 * virtualized list, and how each byte is marked (a frame field's colour, the selected frame, a fault).
 */
import type { FieldKey } from '../../../protocol';

export const BYTES_PER_ROW = 16;
/** A phone's dump: 8 bytes a row. */
export const NARROW_BYTES_PER_ROW = 8;

export interface HexMark {
  /** Stream offset of the first byte marked, and how many bytes. */
  start: number;
  length: number;
  kind: 'fault' | 'selected' | 'field';
  /** For kind 'field': whose colour. */
  field?: FieldKey;
  /** Shown on hover: "fault: …", "Masking key". */
  note?: string;
}

export interface HexCell {
  /** Stream offset. */
  offset: number;
  hex: string;
  ascii: string;
  fault: boolean;
  selected: boolean;
  field: FieldKey | null;
  note: string | null;
}

export interface HexRow {
  /** Stream offset of the row's first byte. */
  offset: number;
  cells: HexCell[];
  /** Some byte in the row is at fault. */
  fault: boolean;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function asciiOf(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
}

/** Digits the offset column needs for the last offset (at least 4), in hex. */
export function offsetDigits(lastOffset: number): number {
  return Math.max(4, lastOffset.toString(16).length);
}

export function formatOffset(offset: number, digits: number): string {
  return offset.toString(16).padStart(digits, '0');
}

/** The number of rows for `length` bytes. */
export function rowCount(length: number, perRow = BYTES_PER_ROW): number {
  return Math.ceil(length / perRow);
}

/**
 * How a dump fits a box `width` ch wide (mono characters), for an offset column of `digits`:
 * 16 bytes a row with their text, else 8 with text, else 8 without it (the payload view says the
 * text). Widths as HexView draws them: each byte 2.6ch plus 0.5ch apart, 1ch more at the middle,
 * columns 1.25ch apart, 1.5rem (about 2.5ch) of padding.
 */
export function hexLayout(width: number, digits: number): { perRow: number; text: boolean } {
  const need = (perRow: number, text: boolean): number =>
    digits + 2 + 1.25 + perRow * 3.1 + (perRow > 8 ? 1 : 0) + (text ? 1.25 + perRow : 0) + 2.5;
  if (width <= 0 || width >= need(BYTES_PER_ROW, true)) return { perRow: BYTES_PER_ROW, text: true };
  if (width >= need(NARROW_BYTES_PER_ROW, true)) return { perRow: NARROW_BYTES_PER_ROW, text: true };
  return { perRow: NARROW_BYTES_PER_ROW, text: false };
}

/**
 * Which rows to draw for a scroll position: the visible ones plus `overscan` on each side,
 * clamped to the list.
 */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  total: number,
  overscan = 4,
): { first: number; last: number } {
  if (total <= 0) return { first: 0, last: -1 };
  const first = Math.min(total - 1, Math.max(0, Math.floor(scrollTop / rowHeight) - overscan));
  const last = Math.min(total - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last: Math.max(first, last) };
}

/** The scrollTop that brings `row` into view (unchanged if it already is). */
export function scrollForRow(row: number, scrollTop: number, viewportHeight: number, rowHeight: number): number {
  const top = row * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return scrollTop;
}

/** Rows `first..last` of `bytes`, whose first byte is at stream offset `base`, `perRow` bytes a row. */
export function hexRows(
  bytes: Uint8Array,
  base: number,
  first: number,
  last: number,
  marks: readonly HexMark[],
  perRow = BYTES_PER_ROW,
): HexRow[] {
  const BYTES_PER_ROW = perRow;
  const rows: HexRow[] = [];
  // Only the marks that touch the rows drawn.
  const lo = base + first * BYTES_PER_ROW;
  const hi = base + (last + 1) * BYTES_PER_ROW;
  const near = marks.filter((mark) => mark.start < hi && mark.start + Math.max(1, mark.length) > lo);
  for (let row = first; row <= last; row++) {
    const cells: HexCell[] = [];
    let rowFault = false;
    const from = row * BYTES_PER_ROW;
    const to = Math.min(bytes.length, from + BYTES_PER_ROW);
    for (let i = from; i < to; i++) {
      const byte = bytes[i]!;
      const offset = base + i;
      let fault = false;
      let selected = false;
      let field: FieldKey | null = null;
      let note: string | null = null;
      for (const mark of near) {
        if (offset < mark.start || offset >= mark.start + Math.max(1, mark.length)) continue;
        if (mark.kind === 'fault') {
          fault = true;
          note = mark.note ?? note;
        } else if (mark.kind === 'selected') {
          selected = true;
        } else if (field === null && mark.field) {
          field = mark.field;
          note ??= mark.note ?? null;
        }
      }
      rowFault ||= fault;
      cells.push({ offset, hex: HEX[byte]!, ascii: asciiOf(byte), fault, selected, field, note });
    }
    rows.push({ offset: base + from, cells, fault: rowFault });
  }
  return rows;
}
