/**
 * `npm run decode`: the whole command as a pure function, `runDecode` (arguments in args.ts,
 * output in human.ts and json.ts; `--capture FILE` handed to capture.ts). `decode.ts` is the thin shell around it that reads stdin or a
 * file and writes to the terminal; everything a test needs to check returns strings.
 *
 * The frames come from the codec's `decodeFrames` (the same parser the server uses), their fields
 * from `layoutFrame` (the same layout the bit grid draws), the hex from `parseHex`.
 */
import { decodeFrames, hexPlace, parseHex, type HexError, type HexWarning } from '../protocol/index.ts';
import { parseCaptureArgs, parseDecodeArgs, USAGE } from './args.ts';
import { runCapture } from './capture.ts';
import { fileError, type DecodeOptions, type DecodeOutput, type ReadFile } from './command.ts';
import { formatHuman } from './human.ts';
import { formatJson } from './json.ts';

export {
  CAPTURE_USAGE,
  parseCaptureArgs,
  parseDecodeArgs,
  readsStdin,
  USAGE,
  type CaptureArgs,
  type DecodeArgs,
  type DecodeInput,
  type ParsedArgs,
  type ParsedCaptureArgs,
} from './args.ts';
export { type DecodeOptions, type DecodeOutput, type ReadFile } from './command.ts';
export { faultLine, formatHuman, frameSummary, type HumanOptions } from './human.ts';
export { formatJson, jsonElements, type JsonElement, type JsonFault, type JsonFrame } from './json.ts';

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
  const capture = parseCaptureArgs(argv);
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

/** "bad hex in stdin: … at line 2, column 7 …", then that line with a caret under the column. */
export function badHexMessage(text: string, error: HexError, source: string): string {
  return `decode: bad hex in ${source}: ${located(error)}${pointAt(text, error)}`;
}

/** "line L, column C: " and the reader's message (which never names its own place). */
function located(problem: HexError | HexWarning): string {
  return `${hexPlace(problem)}: ${problem.message}`;
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
