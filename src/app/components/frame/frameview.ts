/**
 * View logic of FrameView: the one-line summary, what an incomplete frame still needs, the fault
 * line, and the byte marks of the frame's hex strip.
 */
import { closeCodeInfo, opcodeInfo, type Fault, type FieldKey, type FrameLayout } from '../../../protocol';
import type { HexMark } from './hexview';

export type Direction = 'client-to-server' | 'server-to-client';

export function directionLabel(direction: Direction): string {
  return direction === 'client-to-server' ? 'client → server' : 'server → client';
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

/** "text · final · masked · 11 bytes" (as far as the bytes tell). */
export function frameSummary(layout: FrameLayout): string {
  const parts: string[] = [];
  if (layout.opcode !== null) parts.push(opcodeInfo(layout.opcode).name);
  if (layout.fin !== null) parts.push(layout.fin ? 'final' : 'not final (FIN=0)');
  if (layout.masked !== null) parts.push(layout.masked ? 'masked' : 'not masked');
  if (layout.frameLength !== null) parts.push(plural(layout.frameLength, 'byte'));
  else parts.push(`${plural(layout.available, 'byte')} so far`);
  return parts.join(' · ');
}

/** For a frame cut short: what is there and what is still needed; null when complete. */
export function incompleteNote(layout: FrameLayout): string | null {
  if (layout.complete) return null;
  if (layout.frameLength !== null) {
    const needed = layout.frameLength - layout.available;
    return `The bytes end mid-frame: ${plural(layout.available, 'byte')} of ${plural(layout.frameLength, 'byte')} present, ${plural(needed, 'more byte')} needed.`;
  }
  const missing = layout.fields.find((field) => !field.complete);
  const what = missing ? ` ${missing.explanation}` : '';
  return `The bytes end mid-header after ${plural(layout.available, 'byte')}.${what}`;
}

/** "1002 Protocol Error" */
export function closeCodeName(code: number): string {
  return `${code} ${closeCodeInfo(code).name}`;
}

/** The byte span a fault covers, said in words: "byte 6" or "bytes 6 to 7". */
export function faultBytes(fault: Fault): string {
  const length = Math.max(1, fault.length);
  return length === 1 ? `byte ${fault.offset}` : `bytes ${fault.offset} to ${fault.offset + length - 1}`;
}

/** The field with the most bits in each header byte colours that byte in the hex strip. */
export function frameMarks(layout: FrameLayout, fault: Fault | null): HexMark[] {
  const marks: HexMark[] = [];
  const headerEnd = layout.offset + (layout.headerLength ?? layout.available);
  for (let at = layout.offset; at < Math.min(headerEnd, layout.offset + layout.available); at++) {
    const bitStart = (at - layout.offset) * 8;
    let best: { key: FieldKey; bits: number } | null = null;
    const labels: string[] = [];
    for (const field of layout.fields) {
      if (field.key === 'payload') continue;
      const from = Math.max(bitStart, field.bitOffset);
      const to = Math.min(bitStart + 8, field.bitOffset + field.bitLength);
      if (to <= from) continue;
      labels.push(field.label);
      if (!best || to - from > best.bits) best = { key: field.key, bits: to - from };
    }
    if (best) marks.push({ start: at, length: 1, kind: 'field', field: best.key, note: labels.join(', ') });
  }
  if (layout.headerLength !== null && layout.payloadLength !== null && layout.payloadLength > 0) {
    marks.push({ start: layout.offset + layout.headerLength, length: layout.payloadLength, kind: 'field', field: 'payload', note: 'Payload' });
  }
  if (fault) marks.push({ start: fault.offset, length: Math.max(1, fault.length), kind: 'fault', note: `at fault: ${fault.message}` });
  return marks;
}
