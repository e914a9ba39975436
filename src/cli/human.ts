/**
 * `npm run decode`'s human-readable output: each frame laid out field by field (the same layout
 * the bit grid draws), the fault or the unfinished frame, and the messages the frames add up to.
 */
import {
  closeCodeInfo,
  describePayload,
  FAULTS,
  layoutFrame,
  MessageAssembler,
  Opcode,
  opcodeInfo,
  type AssembledEvent,
  type DecodeResult,
  type Fault,
  type FieldKey,
  type Frame,
  type FrameLayout,
  type LayoutField,
} from '../protocol/index.ts';
import { stillNeeded } from './json.ts';

interface Style {
  bold(s: string): string;
  dim(s: string): string;
  bits(s: string): string;
  bad(s: string): string;
  warn(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, bits: (s) => s, bad: (s) => s, warn: (s) => s };
const ansi = (open: number, close: number) => (s: string) => (s === '' ? s : `\x1b[${open}m${s}\x1b[${close}m`);
const colored: Style = { bold: ansi(1, 22), dim: ansi(2, 22), bits: ansi(36, 39), bad: ansi(31, 39), warn: ansi(33, 39) };

/** Bits wider than this many go on more lines, 32 to a line as in the RFC's grid. */
const BITS_PER_LINE = 32;
/** Values longer than this (a long payload summary) do not set the width of the value column. */
const MAX_VALUE_COLUMN = 32;


export interface HumanOptions {
  color: boolean;
}

export function formatHuman(bytes: Uint8Array, result: DecodeResult, options: HumanOptions): string {
  const style = options.color ? colored : plain;
  const blocks: string[] = [];
  let n = 0;
  for (const frame of result.frames) {
    n++;
    const layout = layoutFrame(bytes, frame.offset);
    blocks.push(frameBlock(n, layout, style, null, ''));
  }
  const { fault, incomplete } = result;
  if (fault !== null) {
    // Lay out the frame the fault was found in, as far as its bytes go, and mark what broke.
    const layout = layoutFrame(bytes, fault.frameOffset);
    const marked = faultFields(fault);
    blocks.push(frameBlock(n + 1, layout, style, marked, ' (refused: see the fault below)'));
    blocks.push(style.bad(faultLine(fault)));
  } else if (incomplete !== null) {
    const layout = layoutFrame(bytes, incomplete.offset);
    const { needed, exact, have } = stillNeeded(bytes, result);
    blocks.push(frameBlock(n + 1, layout, style, null, ` (incomplete: ${count(have, 'byte')} so far)`));
    blocks.push(style.warn(
      `incomplete: the frame at byte ${incomplete.offset} needs ${exact ? '' : 'at least '}${count(needed, 'more byte')}` +
      ` (the bytes end at byte ${bytes.length})`,
    ));
  }
  const messages = messageLines(result.frames, style);
  if (messages) blocks.push(messages);
  return `${blocks.join('\n\n')}\n`;
}

/** The fields to mark: the rule's fields (FAULTS), narrowed to the RSV bits that are set. */
function faultFields(fault: Fault): ReadonlySet<FieldKey> {
  if (fault.rule === 'rsv-without-extension') {
    return new Set(fault.detail.bits.map((bit): FieldKey => (bit === 'RSV1' ? 'rsv1' : bit === 'RSV2' ? 'rsv2' : 'rsv3')));
  }
  return new Set(FAULTS[fault.rule].fields);
}

/** The fault's line: where, the close code and its name, and the fault's sentence (which cites its section). */
export function faultLine(fault: Fault): string {
  return `fault at byte ${fault.offset} (frame at byte ${fault.frameOffset}): ${fault.closeCode} ${closeCodeInfo(fault.closeCode).name} \u2014 ${fault.message}`;
}

/** "text, final, masked, 5-byte payload": what the header says, as far as it arrived. */
export function frameSummary(layout: FrameLayout): string {
  const parts: string[] = [];
  if (layout.opcode !== null) parts.push(opcodeInfo(layout.opcode).name);
  if (layout.fin !== null) parts.push(layout.fin ? 'final' : 'not final');
  const rsv = layout.fields.filter((f) => f.key.startsWith('rsv') && f.bits === '1').map((f) => f.label);
  if (rsv.length > 0) parts.push(`${rsv.join(', ')} set`);
  if (layout.masked !== null) parts.push(layout.masked ? 'masked' : 'unmasked');
  if (layout.payloadLength !== null) {
    const ext = layout.fields.find((f) => f.key === 'extended-payload-length');
    // A 64-bit length past 2^53 loses digits as a number; the field keeps them all.
    const length = ext && layout.payloadLength > Number.MAX_SAFE_INTEGER
      ? BigInt(ext.value).toLocaleString('en-US')
      : layout.payloadLength.toLocaleString('en-US');
    parts.push(layout.payloadLength === 0 ? 'empty payload' : `${length}-byte payload`);
  }
  return parts.length > 0 ? parts.join(', ') : 'no bytes';
}

function frameBlock(n: number, layout: FrameLayout, style: Style, marked: ReadonlySet<FieldKey> | null, note: string): string {
  const lines = [style.bold(`frame ${n} at byte ${layout.offset}: ${frameSummary(layout)}`) + note];
  const rows = layout.fields.map((f) => ({ field: f, bits: bitLines(f) }));
  const labelWidth = Math.max(...rows.map((r) => r.field.label.length)) + 2;
  const bitsWidth = Math.max(0, ...rows.flatMap((r) => r.bits.map((b) => b.length))) + 2;
  // A long payload summary runs on past the column rather than widening it for every field.
  const valueWidth = Math.max(0, ...rows.map((r) => r.field.value.length).filter((n) => n <= MAX_VALUE_COLUMN)) + 2;
  for (const { field, bits } of rows) {
    const isMarked = marked?.has(field.key) ?? false;
    const value = field.value;
    const explanation = field.explanation + (isMarked ? '  \u25c0 fault' : '');
    const first =
      '  ' + pad(field.label, labelWidth) +
      style.bits(pad(bits[0] ?? '', bitsWidth)) +
      (field.complete ? pad(value, valueWidth) : style.warn(pad(value, valueWidth))) +
      (isMarked ? style.bad(explanation) : style.dim(explanation));
    lines.push(first.trimEnd());
    for (const more of bits.slice(1)) lines.push(('  ' + ' '.repeat(labelWidth) + style.bits(more)).trimEnd());
  }
  return lines.join('\n');
}

/** A field's bits for the table: one line up to 32 bits, in groups of 8 when the field is wider than a byte. */
function bitLines(field: LayoutField): string[] {
  const bits = field.bits;
  if (bits === null) return [];
  if (bits.length <= 8) return [bits];
  const lines: string[] = [];
  for (let at = 0; at < bits.length; at += BITS_PER_LINE) {
    const line = bits.slice(at, at + BITS_PER_LINE);
    lines.push(line.match(/.{1,8}/g)!.join(' '));
  }
  return lines;
}

function pad(s: string, width: number): string {
  return s.length >= width ? `${s}  ` : s + ' '.repeat(width - s.length);
}

function count(n: number, noun: string): string {
  return `${n.toLocaleString('en-US')} ${noun}${n === 1 ? '' : 's'}`;
}

/**
 * When there is more than one frame, what they add up to: messages joined from their fragments
 * (RFC 6455 §5.4), and control frames as they come.
 */
interface OpenMessage {
  opcode: number;
  fragments: number;
  bytes: number;
}

function messageLines(frames: readonly Frame[], style: Style): string | null {
  if (frames.length < 2) return null;
  const assembler = new MessageAssembler();
  const lines: string[] = [];
  // The data message still waiting for its final fragment, if any.
  let open: OpenMessage | null = null;
  for (const frame of frames) {
    const event = assembler.accept(frame);
    if (frame.opcode === Opcode.Text || frame.opcode === Opcode.Binary) {
      open = frame.fin ? null : { opcode: frame.opcode, fragments: 1, bytes: frame.payload.length };
    } else if (frame.opcode === Opcode.Continuation && open !== null) {
      open.fragments++;
      open.bytes += frame.payload.length;
      if (frame.fin) open = null;
    }
    if (event !== null) lines.push(`  ${eventLine(event)}`);
  }
  if (open !== null) {
    lines.push(style.warn(
      `  unfinished ${opcodeInfo(open.opcode).name} message: ${count(open.fragments, 'fragment')} (${count(open.bytes, 'byte')}) so far, and no final fragment`,
    ));
  }
  if (lines.length === 0) return null;
  return [style.bold('messages:'), ...lines].join('\n');
}

function eventLine(event: AssembledEvent): string {
  switch (event.kind) {
    case 'message': {
      const opcode = event.binary ? Opcode.Binary : Opcode.Text;
      const from = event.frames === 1 ? '1 frame' : `${event.frames} frames`;
      return `${event.binary ? 'binary' : 'text'} message from ${from}: ${describePayload(opcode, event.data)}`;
    }
    case 'ping':
      return `ping: ${describePayload(Opcode.Ping, event.payload)}`;
    case 'pong':
      return `pong: ${describePayload(Opcode.Pong, event.payload)}`;
    case 'close':
      return event.code === null
        ? 'close: no status code (reported as 1005 No Status Received)'
        : `close: ${event.code} ${closeCodeInfo(event.code).name}${event.reason ? `, reason ${JSON.stringify(event.reason)}` : ''}`;
  }
}
