/**
 * The bit grid of RFC 6455 §5.2 as data: the fields of a `FrameLayout` cut into row segments of a
 * 32-bit-wide grid, each bit with its value and stream byte, and which fields a fault points at.
 * FrameView and BitGrid draw from this; nothing here re-parses the bytes.
 */
import * as m from '../../../paraglide/messages.js';
import { fieldShortLabel, fieldValue } from '../../i18n/protocol-text';
import { FAULTS, type Fault, type FieldKey, type FrameLayout, type LayoutField, type RsvBit } from '../../../protocol';

/** RFC 6455 §5.2 draws the frame 32 bits a row; a phone shows it a byte (8 bits) a row. */
export const BITS_PER_ROW = 32;
export const NARROW_BITS_PER_ROW = 8;

export interface GridBit {
  /** Bit position from the frame's first bit. */
  index: number;
  /** '0' or '1', or '·' when the byte has not arrived. */
  char: '0' | '1' | '·';
  /** Stream offset of the byte this bit is in. */
  byte: number;
}

export interface GridSegment {
  /** Unique within the grid: field key and row. */
  id: string;
  field: LayoutField;
  /** Grid row (0 = the frame's first row of bits) and first column (0 to bits per row - 1). */
  row: number;
  column: number;
  span: number;
  /** The bits drawn in this segment (empty for the payload, which shows its value instead). */
  bits: GridBit[];
  /** The first segment of its field carries the label and value; later ones say "continued". */
  first: boolean;
  /** The fault points at this field. */
  fault: boolean;
}

export interface ByteRange {
  start: number;
  length: number;
}

const RSV_FIELD: Readonly<Record<RsvBit, FieldKey>> = { RSV1: 'rsv1', RSV2: 'rsv2', RSV3: 'rsv3' };

/** Does this fault belong to the frame laid out here? */
export function faultInFrame(fault: Fault | null | undefined, layout: FrameLayout): fault is Fault {
  return fault != null && fault.frameOffset === layout.offset;
}

/**
 * The field keys a fault points at, within this frame's layout: the fields its rule is about
 * (`FAULTS[rule].fields`; the parser's `offset` names the byte, this names the bits), and of the
 * RSV bits only those the fault names as set.
 */
export function faultFields(fault: Fault | null | undefined, layout: FrameLayout): Set<FieldKey> {
  const keys = new Set<FieldKey>();
  if (!faultInFrame(fault, layout)) return keys;
  const named: readonly FieldKey[] =
    fault.rule === 'rsv-without-extension' ? fault.detail.bits.map((bit) => RSV_FIELD[bit]) : FAULTS[fault.rule].fields;
  for (const field of layout.fields) if (named.includes(field.key)) keys.add(field.key);
  if (keys.size > 0) return keys;
  // None of those fields has arrived in this layout: every field that touches the fault's bytes.
  for (const field of layout.fields) {
    if (overlaps(field.byteOffset, field.byteLength, fault.offset, fault.length)) keys.add(field.key);
  }
  return keys;
}

export function overlaps(start: number, length: number, otherStart: number, otherLength: number): boolean {
  return start < otherStart + Math.max(1, otherLength) && otherStart < start + Math.max(1, length);
}

/** Is stream byte `offset` inside `range`? */
export function inRange(offset: number, range: ByteRange | null | undefined): boolean {
  return range != null && offset >= range.start && offset < range.start + Math.max(1, range.length);
}

/** The fields cut into segments of a grid `bitsPerRow` wide (32, as the RFC draws it, or 8), in reading order. */
export function gridSegments(layout: FrameLayout, fault: Fault | null = null, bitsPerRow = BITS_PER_ROW): GridSegment[] {
  const BITS_PER_ROW = bitsPerRow;
  const faulty = faultFields(fault, layout);
  const segments: GridSegment[] = [];
  for (const field of layout.fields) {
    if (field.key === 'payload') {
      const row = Math.floor(field.bitOffset / BITS_PER_ROW);
      const column = field.bitOffset % BITS_PER_ROW;
      segments.push({
        id: `payload-${row}`, field, row, column, span: BITS_PER_ROW - column, bits: [], first: true,
        fault: faulty.has('payload'),
      });
      continue;
    }
    let bit = field.bitOffset;
    const end = field.bitOffset + field.bitLength;
    let first = true;
    while (bit < end) {
      const row = Math.floor(bit / BITS_PER_ROW);
      const column = bit % BITS_PER_ROW;
      const span = Math.min(end - bit, BITS_PER_ROW - column);
      const bits: GridBit[] = [];
      for (let i = 0; i < span; i++) {
        const index = bit + i;
        const char = field.bits?.[index - field.bitOffset];
        bits.push({ index, char: char === '0' || char === '1' ? char : '·', byte: layout.offset + (index >>> 3) });
      }
      segments.push({ id: `${field.key}-${row}`, field, row, column, span, bits, first, fault: faulty.has(field.key) });
      first = false;
      bit += span;
    }
  }
  return segments;
}

/**
 * A segment's accessible name: what the button shows, in its order (label, bits, value), then
 * where its bits are ("FIN: 1, bit 0"; "Opcode: 0001 = 0x1 text, bits 4 to 7"), and whether the
 * fault points at it. The visible text comes first, so speech input ("click Opcode") and the name
 * a screen reader reads agree (WCAG 2.5.3, label in name).
 */
export function segmentName(segment: GridSegment): string {
  const field = segment.field;
  const short = fieldShortLabel(field);
  const label = segment.first ? short : m.frame_grid_continued_label({ label: short });
  let name: string;
  if (field.key === 'payload') {
    name = m.frame_grid_name_payload({ label, value: fieldValue(field), bit: field.bitOffset });
  } else {
    const from = segment.bits[0]?.index ?? field.bitOffset;
    const to = from + Math.max(1, segment.span) - 1;
    const bits = segment.bits.map((bit) => bit.char).join('');
    const where = from === to ? m.frame_grid_bit_one({ bit: from }) : m.frame_grid_bit_range({ from, to });
    // One bit shows only itself; the first row of a wider field shows its value under the bits.
    const value = field.bitLength > 1 && segment.first ? ` = ${fieldValue(field)}` : '';
    name = m.frame_grid_name_bits({ label, bits, value, where });
  }
  return segment.fault ? m.frame_grid_name_at_fault({ name }) : name;
}

/** How many grid rows the segments use. */
export function gridRows(segments: readonly GridSegment[]): number {
  let rows = 0;
  for (const segment of segments) rows = Math.max(rows, segment.row + 1);
  return rows;
}

/** The byte range a fault covers, for highlighting bytes. */
export function faultRange(fault: Fault | null | undefined): ByteRange | null {
  return fault ? { start: fault.offset, length: Math.max(1, fault.length) } : null;
}

/** "RFC 6455 §5.2" and its link, from a section of RFC 6455 ("5.2") or a whole citation ("RFC 7692 §6.1", as `FAULTS` has it). */
export function rfcLink(rfc: string): { text: string; href: string } {
  const cited = /^RFC (\d+) §(.+)$/.exec(rfc);
  const [number, section] = cited ? [cited[1]!, cited[2]!] : ['6455', rfc];
  return { text: `RFC ${number} §${section}`, href: `https://www.rfc-editor.org/rfc/rfc${number}#section-${section}` };
}

/** The field a byte of the frame belongs to (header bytes may hold several; the first is given). */
export function fieldAtByte(layout: FrameLayout, offset: number): LayoutField | null {
  for (const field of layout.fields) {
    if (offset >= field.byteOffset && offset < field.byteOffset + Math.max(1, field.byteLength)) return field;
  }
  return null;
}

/** The CSS colour variable of a field (RSV1-3 share one). */
export function fieldColor(key: FieldKey): string {
  const name = key === 'rsv1' || key === 'rsv2' || key === 'rsv3' ? 'rsv' : key;
  return `var(--field-${name})`;
}
