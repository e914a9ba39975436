/**
 * Words for the decoder page: the status line, a frame list row, a message list row, and the
 * line of the input a hex error points at.
 */
import {
  describePayload,
  type FrameSender,
  type HexError,
  type HexFormat,
  opcodeInfo,
} from '../../protocol';
import { closeCodeName, faultSentence } from '../i18n/protocol-text';
import { framePayload, frameRow, messageBytes, type DecodeAnalysis, type DecodeOutcome, type DecodeProgress, type FrameRow, type MessageEntry } from './analyze';

export const SENDERS: readonly { value: FrameSender; label: string; hint: string }[] = [
  { value: 'client', label: 'client → server', hint: 'must mask' },
  { value: 'server', label: 'server → client', hint: 'must not mask' },
  { value: 'any', label: 'unknown', hint: 'masking not checked' },
];

export const FORMAT_NAMES: Readonly<Record<HexFormat, string>> = {
  plain: 'plain hex',
  spaced: 'spaced hex',
  '0x-list': '0x list',
  'c-array': 'C array',
  escaped: '\\x escapes',
  hexdump: 'hexdump -C dump',
  xxd: 'xxd dump',
  wireshark: 'Wireshark hex dump',
  mixed: 'mixed notations',
  empty: 'nothing',
};

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? word : many}`;
}

export interface Status {
  tone: 'idle' | 'busy' | 'ok' | 'warn' | 'error';
  text: string;
}

export function progressText(progress: DecodeProgress): string {
  if (progress.phase === 'hex') return `Reading ${plural(progress.total, 'character')} of hex\u2026`;
  const percent = Math.floor((progress.done / Math.max(1, progress.total)) * 100);
  return `Decoding frames\u2026 ${percent}% of ${plural(progress.total, 'byte')}`;
}

/** The one-line status under the input. */
export function statusOf(outcome: DecodeOutcome, busy: boolean, progress: DecodeProgress | null): Status {
  if (busy) return { tone: 'busy', text: progress ? progressText(progress) : 'Decoding\u2026' };
  switch (outcome.kind) {
    case 'empty':
      return { tone: 'idle', text: 'Paste hex above, or pick an example.' };
    case 'hex-error':
      return { tone: 'error', text: `Not readable as hex: ${hexErrorText(outcome.error)}` };
    case 'decoded': {
      const { analysis } = outcome;
      const frames = plural(analysis.frames.count, 'complete frame');
      const bytes = plural(analysis.bytes.length, 'byte');
      const messages = plural(analysis.messages.length, 'message');
      const base = `${bytes} (${FORMAT_NAMES[outcome.format]}): ${frames}, ${messages}`;
      if (analysis.fault) {
        const f = analysis.fault;
        return { tone: 'error', text: `${base}. Fault at byte ${f.offset}: ${faultSentence(f)} Close code ${f.closeCode} ${closeCodeName(f.closeCode)}.` };
      }
      if (analysis.incomplete) {
        const inc = analysis.incomplete;
        return {
          tone: 'warn',
          text: `${base}. The bytes end mid-frame: the frame at byte ${inc.offset} has ${plural(inc.have, 'byte')} and needs ${inc.needed === 1 && inc.have < 2 ? 'at least ' : ''}${plural(inc.needed, 'more byte')}.`,
        };
      }
      return { tone: 'ok', text: `${base}.` };
    }
  }
}

/** The hex reader's message, with the line and column in front unless it already names them. */
export function hexErrorText(error: HexError): string {
  const where = `line ${error.line}, column ${error.column}`;
  return error.message.includes(where) ? error.message : `${where}: ${error.message}`;
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
          ? `${plural(row.payloadLength, 'byte')} compressed: ${hexPreview(payload)}`
          : describePayload(row.opcode, payload.subarray(0, 96), row.payloadLength),
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
    summary: `unfinished: ${plural(inc.have, 'byte')} so far, ${plural(inc.needed, 'more byte')} needed`,
  };
}

function flagsOf(row: FrameRow): string {
  const flags: string[] = [row.fin ? 'FIN' : 'FIN=0'];
  if (row.rsv & 4) flags.push('RSV1');
  if (row.rsv & 2) flags.push('RSV2');
  if (row.rsv & 1) flags.push('RSV3');
  flags.push(row.masked ? 'masked' : 'unmasked');
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
      const kind = message.binary ? 'Binary message' : 'Text message';
      const parts = frames.length > 1 ? `, ${plural(frames.length, 'fragment')}` : '';
      const compressed = analysis.deflate && (analysis.bytes[analysis.frames.offsets[frames[0]!]!]! & 0b0100_0000) !== 0;
      title = `${kind}${compressed ? ' (compressed)' : ''}, ${plural(message.length, 'byte')}${parts}`;
      const data = messageBytes(analysis, message, message.binary || compressed ? 24 : PREVIEW * 4);
      detail = compressed
        ? `DEFLATE data: ${hexPreview(data)}; select its first frame to see it inflated`
        : message.binary
          ? describePayload(0x2, data, message.length).replace(/^[^:]*: /, '')
          : quote(data, message.length);
      break;
    }
    case 'close': {
      title = 'Close';
      detail = message.code === null ? 'no status code (reported as 1005)' : `${message.code} ${closeCodeName(message.code)}${message.reason ? ` \u201c${message.reason}\u201d` : ''}`;
      break;
    }
    default: {
      title = `${message.kind === 'ping' ? 'Ping' : 'Pong'}, ${plural(message.length, 'byte')}`;
      const data = messageBytes(analysis, message, PREVIEW * 4);
      detail = message.length === 0 ? 'empty' : quote(data, message.length);
    }
  }
  return { index, title, detail, frames, between: message.between, unfinished: message.unfinished };
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
  return `${frames.length === 1 ? 'frame' : 'frames'} ${shown.join(', ')}${frames.length > 6 ? `, \u2026 (${frames.length})` : ''}`;
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
