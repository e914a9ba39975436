/**
 * `npm run decode`: argument parsing and output, as pure functions. `decode.ts` is the thin shell
 * around them that reads stdin or a file and writes to the terminal; everything a test needs to
 * check is here and returns strings.
 *
 * The frames come from the codec's `decodeFrames` (the same parser the server uses), their fields
 * from `layoutFrame` (the same layout the bit grid draws), the hex from `parseHex`.
 */
import {
  closeCodeInfo,
  decodeFrames,
  describePayload,
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
  type FrameSender,
  type LayoutField,
} from '../protocol/index.ts';
import { parseHex, toHex, type HexError } from '../protocol/hex.ts';
import { captureArgs, runCapture } from './capture.ts';

export const USAGE = `Usage: npm run --silent decode -- [--role client|server|any] [--json] [--file F | HEX... | -]
       npm run --silent decode -- --capture FILE [--json]     (a pcap, pcapng or JSON capture: --capture --help)

Decode WebSocket frames (RFC 6455) and show every field of each, bit by bit.

Input, one of:
  HEX...           hex on the command line; several arguments are joined with spaces, so
                   81 85 37 fa, 818537fa, 0x81,0x85, \\x81\\x85 and pasted xxd or Wireshark
                   hex dumps all work (quote anything your shell would change)
  -                read the hex from stdin (also what happens when no HEX is given and
                   stdin is not a terminal)
  --file F         read raw bytes (not hex) from the file F

Options:
  --role R         who sent the bytes: client (every frame must be masked), server (no frame
                   may be masked) or any (masking not checked; the default)
  --json           print one JSON array: each frame, then a fault or incomplete notice if the
                   bytes end in one
  -h, --help       print this help

Exit status: 0 when all the bytes decode into frames, 1 on a fault or an incomplete frame,
2 on bad usage or bad hex.

Example (RFC 6455 §5.7, a masked "Hello" from a client):
  npm run --silent decode -- 818537fa213d7f9f4d5158
`;

export type DecodeInput =
  | { kind: 'hex'; text: string }
  | { kind: 'stdin' }
  | { kind: 'file'; path: string }
  | { kind: 'none' };

export interface DecodeArgs {
  role: FrameSender;
  json: boolean;
  help: boolean;
  input: DecodeInput;
}

export type ParsedArgs = { ok: true; args: DecodeArgs } | { ok: false; error: string };

const ROLES: readonly FrameSender[] = ['client', 'server', 'any'];

/** Read the command line (the arguments after the script name). Pure. */
export function parseDecodeArgs(argv: readonly string[]): ParsedArgs {
  let role: FrameSender = 'any';
  let json = false;
  let help = false;
  let file: string | null = null;
  let stdin = false;
  const hex: string[] = [];
  let options = true;

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!options || !arg.startsWith('-')) {
      hex.push(arg);
      continue;
    }
    if (arg === '--') {
      options = false;
      continue;
    }
    if (arg === '-') {
      stdin = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq !== -1 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq !== -1 ? arg.slice(eq + 1) : null;
    const value = (): string | null => {
      if (inline !== null) return inline;
      const next = argv[i + 1];
      if (next === undefined) return null;
      i++;
      return next;
    };
    switch (name) {
      case '-h':
      case '--help':
        help = true;
        break;
      case '--json':
        if (inline !== null) return { ok: false, error: '--json takes no value' };
        json = true;
        break;
      case '--role': {
        const r = value();
        if (r === null) return { ok: false, error: '--role needs a value: client, server or any' };
        if (!(ROLES as readonly string[]).includes(r)) {
          return { ok: false, error: `--role is client, server or any, not ${JSON.stringify(r)}` };
        }
        role = r as FrameSender;
        break;
      }
      case '--file': {
        const f = value();
        if (f === null || f === '') return { ok: false, error: '--file needs a file name' };
        if (file !== null) return { ok: false, error: 'give --file once' };
        file = f;
        break;
      }
      default:
        return { ok: false, error: `unknown option ${name}` };
    }
  }

  if (help) return { ok: true, args: { role, json, help, input: { kind: 'none' } } };
  const sources = (file !== null ? 1 : 0) + (stdin ? 1 : 0) + (hex.length > 0 ? 1 : 0);
  if (sources > 1) return { ok: false, error: 'give the bytes one way: --file F, HEX arguments, or - for stdin' };
  const input: DecodeInput =
    file !== null ? { kind: 'file', path: file }
      : stdin ? { kind: 'stdin' }
        : hex.length > 0 ? { kind: 'hex', text: hex.join(' ') }
          : { kind: 'none' };
  return { ok: true, args: { role, json, help, input } };
}

/**
 * Does this command line read stdin? Yes for `-`, and when no input is named and stdin is not a
 * terminal (so `xxd -p f | npm run decode` works). The shell asks before it reads.
 */
export function readsStdin(argv: readonly string[], stdinIsTTY: boolean): boolean {
  const parsed = parseDecodeArgs(argv);
  if (!parsed.ok || parsed.args.help) return false;
  return parsed.args.input.kind === 'stdin' || (parsed.args.input.kind === 'none' && !stdinIsTTY);
}

export interface DecodeOutput {
  stdout: string;
  stderr: string;
  exitCode: 0 | 1 | 2;
}

export interface DecodeOptions {
  /** ANSI colour in the human-readable output (the shell decides: a TTY and no NO_COLOR). */
  color?: boolean;
}

/** Reads a file's bytes; throws (with a Node `code` such as ENOENT) when it cannot. */
export type ReadFile = (path: string) => Uint8Array;

/**
 * The whole command: arguments (and stdin's text, when the shell read it; and a way to read a
 * file) in, what to print and the exit status out.
 */
export function runDecode(
  argv: readonly string[],
  stdinText?: string,
  readFile?: ReadFile,
  options: DecodeOptions = {},
): DecodeOutput {
  const capture = captureArgs(argv);
  if (capture !== null) return runCapture(capture, readFile, options);
  const parsed = parseDecodeArgs(argv);
  if (!parsed.ok) return usageError(parsed.error);
  const { args } = parsed;
  if (args.help) return { stdout: USAGE, stderr: '', exitCode: 0 };

  let bytes: Uint8Array;
  let warnings = '';
  const input = args.input;
  if (input.kind === 'file') {
    if (!readFile) return failure('decode: reading files is not available here');
    try {
      bytes = readFile(input.path);
    } catch (err) {
      return failure(`decode: cannot read ${input.path}: ${fileError(err)}`);
    }
  } else {
    let text: string;
    if (input.kind === 'hex') text = input.text;
    else if (input.kind === 'stdin' || stdinText !== undefined) text = stdinText ?? '';
    else return usageError('no bytes given: pass HEX, - (stdin) or --file F');
    const hex = parseHex(text);
    const source = input.kind === 'hex' ? 'the arguments' : 'stdin';
    if (!hex.ok) return failure(badHexMessage(text, hex.error, source));
    bytes = hex.bytes;
    warnings = hex.warnings.map((w) => `decode: warning: ${source}: ${located(w)}\n`).join('');
  }
  if (bytes.length === 0) {
    return failure(`${warnings}decode: no bytes to decode (${input.kind === 'file' ? 'the file is empty' : input.kind === 'hex' ? 'the arguments hold no hex digits' : 'stdin held no hex digits'})`);
  }

  const result = decodeFrames(bytes, { sender: args.role });
  const exitCode = result.fault !== null || result.incomplete !== null ? 1 : 0;
  const stdout = args.json ? formatJson(bytes, result) : formatHuman(bytes, result, { color: options.color ?? false });
  return { stdout, stderr: warnings, exitCode };
}

function usageError(message: string): DecodeOutput {
  return { stdout: '', stderr: `decode: ${message}\n\n${USAGE}`, exitCode: 2 };
}

function failure(message: string): DecodeOutput {
  return { stdout: '', stderr: `${message}\n`, exitCode: 2 };
}

function fileError(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'it is a directory';
    case 'EACCES': return 'permission denied';
    default: return err instanceof Error ? err.message : String(err);
  }
}

/** "bad hex in stdin: … at line 2, column 7 …", then that line with a caret under the column. */
export function badHexMessage(text: string, error: HexError, source: string): string {
  return `decode: bad hex in ${source}: ${located(error)}${pointAt(text, error)}`;
}

/** The parser's message, with "at line L, column C" added unless it already says where. */
function located(error: HexError): string {
  return /\bline \d+, column \d+/.test(error.message) ? error.message : `at line ${error.line}, column ${error.column}: ${error.message}`;
}

/** The line in question (or the part of a long line around the spot) and a caret under the spot. */
function pointAt(text: string, error: HexError): string {
  const WINDOW = 100;
  const chars = Array.from((text.split(/\r\n|\r|\n/)[error.line - 1] ?? '').replace(/\t/g, ' '));
  if (chars.join('').trim() === '') return '';
  const at = Math.min(Math.max(0, error.column - 1), chars.length);
  const from = at < WINDOW - 20 ? 0 : at - 40;
  const before = from > 0 ? '\u2026 ' : '';
  const after = from + WINDOW < chars.length ? ' \u2026' : '';
  const shown = before + chars.slice(from, from + WINDOW).join('') + after;
  const width = Math.max(1, Math.min(error.length, from + WINDOW - at));
  return `\n  ${shown}\n  ${' '.repeat(before.length + at - from)}${'^'.repeat(width)}`;
}

// ---- JSON -----------------------------------------------------------------------------------

export interface JsonFrame {
  offset: number;
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  payloadLength: number;
  /** 8 lowercase hex digits, or null when MASK is 0. */
  maskingKey: string | null;
  /** Lowercase hex of the unmasked payload. */
  payload: string;
}

export type JsonElement =
  | JsonFrame
  | { fault: { code: number; offset: number; message: string } }
  | { incomplete: { offset: number; needed: number } };

export function jsonElements(bytes: Uint8Array, result: DecodeResult): JsonElement[] {
  const out: JsonElement[] = result.frames.map((frame): JsonFrame => ({
    offset: frame.offset,
    fin: frame.fin,
    rsv1: frame.rsv1,
    rsv2: frame.rsv2,
    rsv3: frame.rsv3,
    opcode: frame.opcode,
    masked: frame.masked,
    payloadLength: frame.payloadLength,
    maskingKey: frame.maskingKey === null ? null : toHex(frame.maskingKey),
    payload: toHex(frame.payload),
  }));
  if (result.fault !== null) {
    const { closeCode, offset, message } = result.fault;
    out.push({ fault: { code: closeCode, offset, message } });
  } else if (result.incomplete !== null) {
    const { offset } = result.incomplete;
    out.push({ incomplete: { offset, needed: stillNeeded(bytes, result).needed } });
  }
  return out;
}

export function formatJson(bytes: Uint8Array, result: DecodeResult): string {
  return `${JSON.stringify(jsonElements(bytes, result), null, 2)}\n`;
}

/**
 * How many more bytes the unfinished frame needs: exact once its header has said how long the
 * frame is, otherwise the parser's "at least".
 */
function stillNeeded(bytes: Uint8Array, result: DecodeResult): { needed: number; exact: boolean; have: number } {
  const incomplete = result.incomplete!;
  const layout = layoutFrame(bytes, incomplete.offset);
  if (layout.frameLength !== null) {
    const exact = layout.frameLength - layout.available;
    if (exact >= incomplete.needed) return { needed: exact, exact: true, have: incomplete.have };
  }
  return { needed: incomplete.needed, exact: false, have: incomplete.have };
}

// ---- human-readable --------------------------------------------------------------------------

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

/** The fields a fault of each rule is about, to mark them. */
const FAULT_FIELDS: Record<Fault['rule'], readonly FieldKey[]> = {
  'rsv-without-extension': ['rsv1', 'rsv2', 'rsv3'],
  'reserved-opcode': ['opcode'],
  'fragmented-control-frame': ['fin'],
  'control-frame-too-long': ['payload-length'],
  'close-payload-one-byte': ['payload-length'],
  'invalid-close-code': ['payload'],
  'invalid-utf8': ['payload'],
  'unexpected-continuation': ['opcode'],
  'expected-continuation': ['opcode'],
  'mask-required': ['mask'],
  'mask-forbidden': ['mask'],
  'non-minimal-length': ['extended-payload-length'],
  'length-msb-set': ['extended-payload-length'],
  'payload-too-large': ['payload-length', 'extended-payload-length'],
  'message-too-large': ['payload-length', 'extended-payload-length'],
};

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
    const marked = fault.rule === 'rsv-without-extension'
      ? new Set(layout.fields.filter((f) => f.key.startsWith('rsv') && f.bits === '1').map((f) => f.key))
      : new Set(FAULT_FIELDS[fault.rule]);
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

export function faultLine(fault: Fault): string {
  const cites = /RFC 6455 §/.test(fault.message);
  return `fault at byte ${fault.offset} (frame at byte ${fault.frameOffset}): ${fault.closeCode} ${closeCodeInfo(fault.closeCode).name} \u2014 ${fault.message}${cites ? '' : ` (RFC 6455 §${fault.rfc})`}`;
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
