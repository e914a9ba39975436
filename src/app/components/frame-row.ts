/**
 * One row of the frame list, in words: direction, time, opcode name, FIN, length and a preview of
 * the payload (unmasked). The preview reads only the first bytes, so it costs the same for a
 * 16 MiB frame as for a 5-byte one, and only visible rows compute it.
 */
import * as m from '../../paraglide/messages.js';
import { getLocale } from '../../paraglide/runtime.js';
import { opcodeName } from '../i18n/protocol-text';
import type { CapturedFrame } from '../inspector/capture';
import { formatCount, formatOneDecimal } from './format';

export const PREVIEW_BYTES = 48;

export function directionShort(direction: CapturedFrame['direction']): string {
  return direction === 'client-to-server' ? 'C \u2192 S' : 'S \u2192 C';
}

export function directionWords(direction: CapturedFrame['direction']): string {
  return direction === 'client-to-server' ? m.frame_row_client_to_server() : m.frame_row_server_to_client();
}

/** "+12.3 ms" after the capture started (the tap's hello; one clock for all connections); seconds past 10 s. */
export function formatSince(ms: number): string {
  if (ms < 10_000) return `+${ms.toFixed(1)} ms`;
  return `+${(ms / 1000).toFixed(2)} s`;
}

/** The list's time column (its header says ms): "12.3", "12,345.6". */
export function formatSinceCell(ms: number): string {
  return formatOneDecimal(ms);
}

export function formatLength(n: number): string {
  return formatCount(n);
}

/** The first payload bytes of the frame, unmasked (the masking key sits just before the payload). */
export function payloadHead(frame: CapturedFrame, max = PREVIEW_BYTES): Uint8Array {
  const { bytes, headerLength } = frame;
  const end = Math.min(bytes.length, headerLength + Math.min(max, frame.payloadLength));
  const head = bytes.slice(Math.min(headerLength, bytes.length), end);
  if (frame.masked && headerLength >= 6 && bytes.length >= headerLength) {
    const key = bytes.subarray(headerLength - 4, headerLength);
    for (let i = 0; i < head.length; i++) head[i]! ^= key[i & 3]!;
  }
  return head;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const HAS_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A one-line preview: text quoted, a close frame's code and reason, other bytes as hex. */
export function framePreview(frame: CapturedFrame): string {
  if (frame.payloadLength === 0) return m.frame_row_empty();
  const head = payloadHead(frame);
  const more = frame.payloadLength > head.length ? '\u2026' : '';
  if (frame.opcode === 0x8) {
    if (head.length < 2) return hex(head) + more;
    const code = (head[0]! << 8) | head[1]!;
    const reason = utf8.decode(head.subarray(2)).replace(CONTROL, '\u00b7');
    const said = m.frame_row_close_code({ code });
    return reason ? `${said} \u201c${reason}${more}\u201d` : said;
  }
  // RSV1 on a data message's first frame: permessage-deflate's compressed bytes, not text (RFC 7692 §6).
  if ((frame.bytes[0]! & 0b0100_0000) !== 0 && (frame.opcode === 0x1 || frame.opcode === 0x2) && !frame.misbehave && !frame.fault) {
    return m.frame_row_compressed({ hex: `${hex(head.subarray(0, 12))}${frame.payloadLength > 12 ? ' \u2026' : ''}` });
  }
  if (frame.opcode === 0x1 || frame.opcode === 0x0 || frame.opcode === 0x9 || frame.opcode === 0xa) {
    const text = utf8.decode(head);
    // Text is always shown as text; a continuation, ping or pong only when it reads as text.
    if (frame.opcode === 0x1 || !(/\ufffd/.test(text) || HAS_CONTROL.test(text))) {
      return `\u201c${text.replace(/\r?\n/g, '\u21b5').replace(CONTROL, '\u00b7')}${more}\u201d`;
    }
  }
  return hex(head.subarray(0, 16)) + (frame.payloadLength > 16 ? ' \u2026' : '');
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

/** The row's accessible name, a full sentence. */
export function frameRowLabel(frame: CapturedFrame): string {
  const parts = [
    m.frame_row_number({ n: frame.seq + 1 }),
    directionWords(frame.direction),
    formatSince(frame.since),
    opcodeName(frame.opcode),
    `FIN ${frame.fin ? 1 : 0}`,
    `MASK ${frame.masked ? 1 : 0}`,
    m.frame_bytes_count({ count: frame.payloadLength, n: formatLength(frame.payloadLength) }),
    framePreview(frame),
  ];
  if (frame.misbehave) parts.push(m.frame_row_broken({ kind: frame.misbehave }));
  if (frame.fault) parts.push(m.frame_row_fault({ code: frame.fault.closeCode }));
  return parts.join(getLocale() === 'en' ? ', ' : '，');
}
