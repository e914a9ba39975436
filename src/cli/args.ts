/**
 * `npm run decode`: the command line, read with node:util's `parseArgs`, and the usage texts.
 * Two commands share it: frames from hex or a raw file (`parseDecodeArgs`), and a capture file's
 * WebSocket connections (`--capture FILE`, `parseCaptureArgs`).
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { FrameSender } from '../protocol/index.ts';

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

export const CAPTURE_USAGE = `Usage: npm run --silent decode -- --capture FILE [--json]

Find the WebSocket connections in a capture and decode their frames, both ways.

FILE is a pcap or pcapng file (Wireshark, tshark, dumpcap, tcpdump: Ethernet, Linux cooked
SLL/SLL2, BSD loopback and raw IP; IPv4 and IPv6) or a Framescope JSON capture. Each TCP
stream is put back in order, the HTTP upgrade found, and every frame decoded with the codec the
server uses; permessage-deflate messages are inflated.

Options:
  --json           print one JSON object (see docs/cli.md)
  -h, --help       print this help

Exit status: 0 when the file was read whole, 1 when it is cut short, corrupt part-way or misses
bytes that were on the wire (snapshot length), 2 on bad usage or a file that is not a capture.
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

export interface CaptureArgs {
  /** The capture file's name; null only with `help`. */
  file: string | null;
  json: boolean;
  help: boolean;
}

export type ParsedCaptureArgs = { ok: true; args: CaptureArgs } | { ok: false; error: string };

const ROLES: readonly FrameSender[] = ['client', 'server', 'any'];

const OPTIONS = {
  role: { type: 'string' },
  file: { type: 'string' },
  capture: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies ParseArgsConfig['options'];

/**
 * Read the command line (the arguments after the script name) with node:util's `parseArgs`.
 * Pure. Its tokens are checked here rather than its errors read: every problem gets a message
 * of our own, and `-` (stdin) is told apart from a `-` after `--` (hex).
 */
export function parseDecodeArgs(argv: readonly string[]): ParsedArgs {
  const tokens = tokensOf(argv);
  let role: FrameSender = 'any';
  let json = false;
  let help = false;
  let file: string | null = null;
  let stdin = false;
  const hex: string[] = [];
  let afterTerminator = false;

  for (const token of tokens) {
    if (token.kind === 'option-terminator') {
      afterTerminator = true;
    } else if (token.kind === 'positional') {
      if (token.value === '-' && !afterTerminator) stdin = true;
      else hex.push(token.value);
    } else if (token.name === 'help') {
      help = true;
    } else if (token.name === 'json') {
      if (token.value !== undefined) return { ok: false, error: '--json takes no value' };
      json = true;
    } else if (token.name === 'role') {
      if (token.value === undefined) return { ok: false, error: '--role needs a value: client, server or any' };
      if (!(ROLES as readonly string[]).includes(token.value)) {
        return { ok: false, error: `--role is client, server or any, not ${JSON.stringify(token.value)}` };
      }
      role = token.value as FrameSender;
    } else if (token.name === 'file') {
      if (token.value === undefined || token.value === '') return { ok: false, error: '--file needs a file name' };
      if (file !== null) return { ok: false, error: 'give --file once' };
      file = token.value;
    } else if (token.name === 'capture') {
      return { ok: false, error: '--capture FILE is a command of its own (parseCaptureArgs)' };
    } else {
      return { ok: false, error: `unknown option ${token.rawName}` };
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
 * The command line, if it asks for a capture (`--capture F` or `--capture=F`, before any `--`),
 * else null. Only `--json` and `--help` go with it; `--capture --help` is the capture's help.
 */
export function parseCaptureArgs(argv: readonly string[]): ParsedCaptureArgs | null {
  const tokens = tokensOf(argv);
  if (!tokens.some((t) => t.kind === 'option' && t.name === 'capture')) return null;
  const args: CaptureArgs = { file: null, json: false, help: false };
  for (const token of tokens) {
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      if (token.value === '-') return { ok: false, error: '- (stdin) does not go with --capture: name the file' };
      return { ok: false, error: `--capture reads the file it names; ${JSON.stringify(token.value)} is one argument too many` };
    }
    if (token.name === 'capture') {
      // parseArgs hands a string option the next argument whatever it is: `--capture --help`.
      if (token.value === '-h' || token.value === '--help') {
        args.help = true;
        continue;
      }
      if (token.value === undefined || token.value === '') return { ok: false, error: '--capture needs a file name' };
      if (args.file !== null) return { ok: false, error: 'give --capture once' };
      args.file = token.value;
    } else if (token.name === 'json') {
      if (token.value !== undefined) return { ok: false, error: '--json takes no value' };
      args.json = true;
    } else if (token.name === 'help') {
      args.help = true;
    } else {
      return { ok: false, error: `${token.rawName} does not go with --capture (only --json does)` };
    }
  }
  return { ok: true, args };
}

/** parseArgs' tokens, unchecked: each command reads them and words its own problems. */
function tokensOf(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, strict: false, allowPositionals: true, tokens: true }).tokens;
}

/**
 * Does this command line read stdin? Yes for `-`, and when no input is named and stdin is not a
 * terminal (so `xxd -p f | npm run decode` works). The shell asks before it reads.
 */
export function readsStdin(argv: readonly string[], stdinIsTTY: boolean): boolean {
  if (parseCaptureArgs(argv) !== null) return false;
  const parsed = parseDecodeArgs(argv);
  if (!parsed.ok || parsed.args.help) return false;
  return parsed.args.input.kind === 'stdin' || (parsed.args.input.kind === 'none' && !stdinIsTTY);
}
