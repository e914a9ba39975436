/**
 * Words for the decoder page: the status line, a frame list row, a message list row, and the
 * line of the input a hex error points at.
 */
import { type FrameSender, type HexError, type HexFormat, opcodeInfo } from '../../protocol';
import * as m from '../../paraglide/messages.js';
import { formatCount } from '../components/format';
import { closeCodeName, faultSentence } from '../i18n/protocol-text';
import { hexErrorText } from './hex-text';
import { framePayload, frameRow, messageBytes, type DecodeAnalysis, type DecodeOutcome, type DecodeProgress, type FrameRow, type MessageEntry } from './analyze';

/** Who sent the pasted bytes, with what that means for masking (RFC 6455 §5.1). */
export const SENDERS: readonly { value: FrameSender; label: () => string; hint: () => string }[] = [
  { value: 'client', label: m.decoder_sender_client, hint: m.decoder_sender_client_hint },
  { value: 'server', label: m.decoder_sender_server, hint: m.decoder_sender_server_hint },
  { value: 'any', label: m.decoder_sender_any, hint: m.decoder_sender_any_hint },
];

/** The notation the hex reader found, as the status line names it. */
export function formatName(format: HexFormat): string {
  switch (format) {
    case 'plain': return m.decoder_format_plain();
    case 'spaced': return m.decoder_format_spaced();
    case '0x-list': return m.decoder_format_0x_list();
    case 'c-array': return m.decoder_format_c_array();
    case 'escaped': return m.decoder_format_escaped();
    case 'hexdump': return m.decoder_format_hexdump();
    case 'xxd': return m.decoder_format_xxd();
    case 'wireshark': return m.decoder_format_wireshark();
    case 'mixed': return m.decoder_format_mixed();
    case 'empty': return m.decoder_format_empty();
  }
}

/** "5 bytes" / "5 字节". */
export function bytesCount(n: number): string {
  return m.decoder_bytes({ count: n, shown: formatCount(n) });
}

function moreBytes(n: number): string {
  return m.decoder_more_bytes({ count: n, shown: formatCount(n) });
}

export interface Status {
  tone: 'idle' | 'busy' | 'ok' | 'warn' | 'error';
  text: string;
}

export function progressText(progress: DecodeProgress): string {
  if (progress.phase === 'hex') return m.decoder_progress_hex({ characters: m.decoder_characters({ count: progress.total, shown: formatCount(progress.total) }) });
  const percent = Math.floor((progress.done / Math.max(1, progress.total)) * 100);
  return m.decoder_progress_frames({ percent: String(percent), bytes: bytesCount(progress.total) });
}

/** The one-line status under the input. */
export function statusOf(outcome: DecodeOutcome, busy: boolean, progress: DecodeProgress | null, input = ''): Status {
  if (busy) return { tone: 'busy', text: progress ? progressText(progress) : m.decoder_status_decoding() };
  switch (outcome.kind) {
    case 'empty':
      return { tone: 'idle', text: m.decoder_status_empty() };
    case 'hex-error':
      return { tone: 'error', text: m.decoder_status_hex_error({ error: hexErrorText(outcome.error, input) }) };
    case 'decoded': {
      const { analysis } = outcome;
      const base = m.decoder_status_base({
        bytes: bytesCount(analysis.bytes.length),
        format: formatName(outcome.format),
        frames: m.decoder_complete_frames({ count: analysis.frames.count, shown: formatCount(analysis.frames.count) }),
        messages: m.decoder_messages({ count: analysis.messages.length, shown: formatCount(analysis.messages.length) }),
      });
      if (analysis.fault) {
        const f = analysis.fault;
        return {
          tone: 'error',
          text: m.decoder_status_fault({ base, offset: String(f.offset), fault: faultSentence(f), code: String(f.closeCode), name: closeCodeName(f.closeCode) }),
        };
      }
      if (analysis.incomplete) {
        const inc = analysis.incomplete;
        const needed =
          inc.needed === 1 && inc.have < 2 ? m.decoder_at_least_more_bytes({ count: inc.needed, shown: formatCount(inc.needed) }) : moreBytes(inc.needed);
        return { tone: 'warn', text: m.decoder_status_incomplete({ base, offset: String(inc.offset), have: bytesCount(inc.have), needed }) };
      }
      return { tone: 'ok', text: m.decoder_status_ok({ base }) };
    }
  }
}

export interface FrameListRow {
  index: number;
  /** "#1" */
  number: string;
  offset: number;
  length: number | null;
  kind: 'frame' | 'fault' | 'incomplete';
  opcode: string;
  flags: string;
  summary: string;
}

/** Row `index` of the frame list: a decoded frame, or the broken or unfinished one at the end. */
export function frameListRow(analysis: DecodeAnalysis, index: number): FrameListRow {
  if (index < analysis.frames.count) {
    const row = frameRow(analysis, index);
    const payload = framePayload(analysis, index);
    return {
      index,
      number: `#${index + 1}`,
      offset: row.offset,
      length: row.length,
      kind: 'frame',
      opcode: opcodeInfo(row.opcode).name,
      flags: flagsOf(row),
      // With the deflate switch, RSV1 on a text or binary frame: the payload is DEFLATE data (RFC 7692 §6).
      summary:
        analysis.deflate && row.rsv & 4 && (row.opcode === 0x1 || row.opcode === 0x2)
          ? m.decoder_row_compressed({ bytes: bytesCount(row.payloadLength), hex: hexPreview(payload) })
          : payloadSummary(row.opcode, payload.subarray(0, 96), row.payloadLength),
    };
  }
  const { bytes } = analysis;
  const fault = analysis.fault;
  const offset = fault ? fault.frameOffset : (analysis.incomplete?.offset ?? bytes.length);
  const b0 = bytes[offset];
  const opcode = b0 === undefined ? '?' : opcodeInfo(b0 & 0x0f).name;
  if (fault) {
    return {
      index, number: `#${index + 1}`, offset, length: null, kind: 'fault', opcode, flags: '',
      summary: `\u26a0 ${fault.closeCode}: ${faultSentence(fault)}`,
    };
  }
  const inc = analysis.incomplete!;
  return {
    index, number: `#${index + 1}`, offset, length: null, kind: 'incomplete', opcode, flags: '',
    summary: m.decoder_row_unfinished({ have: bytesCount(inc.have), needed: moreBytes(inc.needed) }),
  };
}

function flagsOf(row: FrameRow): string {
  const flags: string[] = [row.fin ? 'FIN' : 'FIN=0'];
  if (row.rsv & 4) flags.push('RSV1');
  if (row.rsv & 2) flags.push('RSV2');
  if (row.rsv & 1) flags.push('RSV3');
  flags.push(row.masked ? m.decoder_flag_masked() : m.decoder_flag_unmasked());
  return flags.join(' ');
}

export interface MessageListRow {
  index: number;
  title: string;
  detail: string;
  /** Frame indexes (0-based) that carried it. */
  frames: number[];
  between: number | null;
  unfinished: boolean;
}

const PREVIEW = 120;

export function messageListRow(analysis: DecodeAnalysis, messages: readonly MessageEntry[], index: number): MessageListRow {
  const message = messages[index]!;
  const frames = message.frames;
  let title: string;
  let detail: string;
  switch (message.kind) {
    case 'message': {
      const compressed = analysis.deflate && (analysis.bytes[analysis.frames.offsets[frames[0]!]!]! & 0b0100_0000) !== 0;
      const kind = message.binary
        ? compressed ? m.decoder_message_binary_compressed() : m.decoder_message_binary()
        : compressed ? m.decoder_message_text_compressed() : m.decoder_message_text();
      const bytes = bytesCount(message.length);
      title =
        frames.length > 1
          ? m.decoder_message_title_fragments({ kind, bytes, fragments: m.decoder_fragments({ count: frames.length, shown: formatCount(frames.length) }) })
          : m.decoder_message_title({ kind, bytes });
      const data = messageBytes(analysis, message, message.binary || compressed ? 24 : PREVIEW * 4);
      detail = compressed
        ? m.decoder_message_deflate({ hex: hexPreview(data) })
        : message.binary
          ? binarySummary(data, message.length)
          : quote(data, message.length);
      break;
    }
    case 'close': {
      title = 'Close';
      detail =
        message.code === null
          ? m.decoder_close_no_code()
          : `${message.code} ${closeCodeName(message.code)}${message.reason ? ` \u201c${message.reason}\u201d` : ''}`;
      break;
    }
    default: {
      title = m.decoder_message_title({ kind: message.kind === 'ping' ? 'Ping' : 'Pong', bytes: bytesCount(message.length) });
      const data = messageBytes(analysis, message, PREVIEW * 4);
      detail = message.length === 0 ? m.decoder_empty_payload() : quote(data, message.length);
    }
  }
  return { index, title, detail, frames, between: message.between, unfinished: message.unfinished };
}

/** A payload in a few words, as the codec's describePayload says it, in the page's language. */
export function payloadSummary(opcode: number, payload: Uint8Array, payloadLength = payload.length): string {
  if (payloadLength === 0) return m.decoder_payload_empty();
  const size = bytesCount(payloadLength);
  if (payload.length === 0) return m.decoder_payload_none_yet({ bytes: size });
  if (opcode === 0x8 && payload.length >= 2) {
    const code = (payload[0]! << 8) | payload[1]!;
    const reason = new TextDecoder().decode(payload.subarray(2, 2 + 80));
    const name = closeCodeName(code);
    return reason
      ? m.decoder_payload_close_reason({ bytes: size, code: String(code), name, reason: JSON.stringify(reason) })
      : m.decoder_payload_close({ bytes: size, code: String(code), name });
  }
  if (opcode === 0x1 || opcode === 0x0 || opcode === 0x9 || opcode === 0xa) {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(payload.subarray(0, 80));
    if (opcode === 0x1 || !/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) {
      return m.decoder_payload_preview({ bytes: size, preview: `${JSON.stringify(text)}${payloadLength > 80 ? '\u2026' : ''}` });
    }
  }
  return m.decoder_payload_preview({ bytes: size, preview: `${hexPreview(payload.subarray(0, 24), 24)}${payloadLength > 24 ? ' \u2026' : ''}` });
}

/** A binary message's first bytes in hex (its size is in the title). */
function binarySummary(data: Uint8Array, length: number): string {
  if (length === 0) return m.decoder_payload_empty();
  if (data.length === 0) return m.decoder_payload_none_yet({ bytes: bytesCount(length) });
  return `${hexPreview(data.subarray(0, 24), 24)}${length > 24 ? ' \u2026' : ''}`;
}

function hexPreview(bytes: Uint8Array, max = 12): string {
  const shown = Array.from(bytes.subarray(0, max), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > max ? `${shown} \u2026` : shown;
}

function quote(data: Uint8Array, length: number): string {
  const text = new TextDecoder().decode(data);
  const shown = text.length > PREVIEW ? text.slice(0, PREVIEW) : text;
  return `\u201c${shown}\u201d${shown.length < text.length || data.length < length ? '\u2026' : ''}`;
}

/** "frames #1, #3" */
export function frameRefs(frames: readonly number[]): string {
  const shown = frames.slice(0, 6).map((i) => `#${i + 1}`);
  const list = `${shown.join(', ')}${frames.length > 6 ? `, \u2026 (${formatCount(frames.length)})` : ''}`;
  return m.decoder_frame_refs({ count: frames.length, list });
}

export interface ErrorSpot {
  line: number;
  column: number;
  /** The line of input, cut to a window around the spot. */
  text: string;
  /** Where the marker starts in `text` and how long it is. */
  markStart: number;
  markLength: number;
}

/** The line a hex error points at, with the spot marked (for a caret under it). */
export function errorSpot(input: string, error: HexError, width = 60): ErrorSpot {
  const lineStart = input.lastIndexOf('\n', Math.max(0, error.index - 1)) + 1;
  let lineEnd = input.indexOf('\n', error.index);
  if (lineEnd === -1) lineEnd = input.length;
  const line = input.slice(lineStart, lineEnd).replace(/\r$/, '');
  const at = Math.min(error.index - lineStart, line.length);
  const length = Math.max(1, Math.min(error.length, line.length - at));
  const from = Math.max(0, Math.min(at - Math.floor(width / 3), line.length - width));
  const text = line.slice(from, from + width).replace(/\t/g, ' ');
  return { line: error.line, column: error.column, text, markStart: at - from, markLength: Math.min(length, width - (at - from)) };
}
