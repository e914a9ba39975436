import { describe, expect, it } from 'vitest';
import { asciiOf, formatOffset, hexLayout, hexRows, offsetDigits, rowCount, scrollForRow, visibleWindow } from './hexview';

describe('hexRows', () => {
  const bytes = Uint8Array.from({ length: 40 }, (_, i) => i + 0x40);

  it('cuts bytes into rows of 16 with stream offsets and text', () => {
    const rows = hexRows(bytes, 100, 0, 2, []);
    expect(rows.map((r) => r.offset)).toEqual([100, 116, 132]);
    expect(rows[2]!.cells).toHaveLength(8);
    expect(rows[0]!.cells[0]).toMatchObject({ offset: 100, hex: '40', ascii: '@', fault: false, field: null });
  });

  it('marks faults over selection over field colours', () => {
    const rows = hexRows(bytes, 0, 0, 0, [
      { start: 0, length: 4, kind: 'field', field: 'opcode', note: 'Opcode' },
      { start: 2, length: 4, kind: 'selected' },
      { start: 3, length: 1, kind: 'fault', note: 'bad' },
    ]);
    const cells = rows[0]!.cells;
    expect(cells[0]).toMatchObject({ field: 'opcode', selected: false, fault: false, note: 'Opcode' });
    expect(cells[2]).toMatchObject({ field: 'opcode', selected: true, fault: false });
    expect(cells[3]).toMatchObject({ fault: true, selected: true, note: 'bad' });
    expect(rows[0]!.fault).toBe(true);
  });
});

describe('virtual window', () => {
  it('draws the visible rows plus overscan, clamped', () => {
    expect(visibleWindow(0, 300, 30, 1000, 4)).toEqual({ first: 0, last: 14 });
    expect(visibleWindow(3000, 300, 30, 1000, 4)).toEqual({ first: 96, last: 114 });
    expect(visibleWindow(1e9, 300, 30, 10, 4).last).toBe(9);
    expect(visibleWindow(0, 300, 30, 0)).toEqual({ first: 0, last: -1 });
  });

  it('scrolls just enough to show a row', () => {
    expect(scrollForRow(5, 0, 300, 30)).toBe(0);
    expect(scrollForRow(10, 0, 300, 30)).toBe(30);
    expect(scrollForRow(2, 300, 300, 30)).toBe(60);
  });

  it('formats offsets and text', () => {
    expect(offsetDigits(0xff)).toBe(4);
    expect(offsetDigits(0x1_0000_0)).toBe(6);
    expect(formatOffset(26, 4)).toBe('001a');
    expect(rowCount(33)).toBe(3);
    expect(asciiOf(0x41)).toBe('A');
    expect(asciiOf(0x7f)).toBe('.');
  });
});

describe('hexLayout and narrow rows', () => {
  it('fits 16 bytes with their text, else 8 with text, else 8 alone', () => {
    expect(hexLayout(0, 4)).toEqual({ perRow: 16, text: true });
    expect(hexLayout(120, 4)).toEqual({ perRow: 16, text: true });
    expect(hexLayout(50, 4)).toEqual({ perRow: 8, text: true });
    expect(hexLayout(34, 4)).toEqual({ perRow: 8, text: false });
    // A longer offset column needs more room.
    expect(hexLayout(78, 4).perRow).toBe(16);
    expect(hexLayout(78, 8).perRow).toBe(8);
  });

  it('cuts rows of 8 when asked', () => {
    const bytes = Uint8Array.from({ length: 20 }, (_, i) => i);
    expect(rowCount(20, 8)).toBe(3);
    const rows = hexRows(bytes, 100, 0, 2, [], 8);
    expect(rows.map((r) => [r.offset, r.cells.length])).toEqual([[100, 8], [108, 8], [116, 4]]);
  });
});
