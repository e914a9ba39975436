/**
 * View logic of FrameView: the one-line summary, what an incomplete frame still needs, the fault
 * line, and the byte marks of the frame's hex strip.
 */
import * as m from '../../../paraglide/messages.js';
import { getLocale } from '../../../paraglide/runtime.js';
import { closeCodeName as codeName, faultSentence, fieldExplanation, fieldShortLabel, opcodeName } from '../../i18n/protocol-text';
import { type Fault, type FieldKey, type FrameLayout } from '../../../protocol';
import { formatCount } from '../format';
import type { HexMark } from './hexview';

export type Direction = 'client-to-server' | 'server-to-client';

export function directionLabel(direction: Direction): string {
  return direction === 'client-to-server' ? m.frame_view_client_to_server() : m.frame_view_server_to_client();
}

/** "5 bytes" / "5 字节". */
function bytes(n: number): string {
  return m.frame_bytes_count({ count: n, n: formatCount(n) });
}

/** "text · final · masked · 11 bytes" (as far as the bytes tell). */
export function frameSummary(layout: FrameLayout): string {
  const parts: string[] = [];
  if (layout.opcode !== null) parts.push(opcodeName(layout.opcode));
  if (layout.fin !== null) parts.push(layout.fin ? m.frame_view_final() : m.frame_view_not_final());
  if (layout.masked !== null) parts.push(layout.masked ? m.frame_view_masked() : m.frame_view_not_masked());
  if (layout.frameLength !== null) parts.push(bytes(layout.frameLength));
  else parts.push(m.frame_view_so_far({ bytes: bytes(layout.available) }));
  return parts.join(' · ');
}

/** For a frame cut short: what is there and what is still needed; null when complete. */
export function incompleteNote(layout: FrameLayout): string | null {
  if (layout.complete) return null;
  if (layout.frameLength !== null) {
    const needed = layout.frameLength - layout.available;
    return m.frame_view_end_mid_frame({
      available: bytes(layout.available),
      total: bytes(layout.frameLength),
      needed: m.frame_more_bytes({ count: needed, n: formatCount(needed) }),
    });
  }
  const missing = layout.fields.find((field) => !field.complete);
  const said = m.frame_view_end_mid_header({ bytes: bytes(layout.available) });
  if (!missing) return said;
  const what = fieldExplanation(missing);
  // English puts a space between two sentences; Chinese does not.
  return getLocale() === 'en' ? `${said} ${what}` : `${said}${what}`;
}

/** "1002 Protocol Error" ("1002 Protocol Error（协议错误）" in Chinese). */
export function closeCodeName(code: number): string {
  return `${code} ${codeName(code)}`;
}

/** The byte span a fault covers, said in words: "byte 6" or "bytes 6 to 7". */
export function faultBytes(fault: Fault): string {
  const length = Math.max(1, fault.length);
  return length === 1 ? m.frame_view_byte({ n: fault.offset }) : m.frame_view_bytes({ from: fault.offset, to: fault.offset + length - 1 });
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
      labels.push(fieldShortLabel(field));
      if (!best || to - from > best.bits) best = { key: field.key, bits: to - from };
    }
    if (best) marks.push({ start: at, length: 1, kind: 'field', field: best.key, note: labels.join(', ') });
  }
  if (layout.headerLength !== null && layout.payloadLength !== null && layout.payloadLength > 0) {
    marks.push({ start: layout.offset + layout.headerLength, length: layout.payloadLength, kind: 'field', field: 'payload', note: fieldShortLabel({ key: 'payload', label: 'Payload' }) });
  }
  if (fault) marks.push({ start: fault.offset, length: Math.max(1, fault.length), kind: 'fault', note: m.frame_hex_at_fault({ sentence: faultSentence(fault) }) });
  return marks;
}
