/**
 * `npm run decode -- --capture FILE [--json]`: the capture importer (src/capture) in a terminal.
 * A pcap or pcapng file from Wireshark, tcpdump or dumpcap, or a Framescope JSON capture, in;
 * every WebSocket connection in it out, frame by frame, both ways, with the messages they add up
 * to (permessage-deflate inflated with node:zlib). Pure like decode-core.ts: arguments and a file
 * reader in, `{ stdout, stderr, exitCode }` out.
 *
 * Exit status: 0 the file was read whole; 1 it is cut short, or bytes that were on the wire are
 * missing from it (snapshot length, packets not captured), or it is corrupt part-way; 2 bad usage,
 * or a file that cannot be read or is not a capture.
 */
import { CaptureImporter, type CaptureReport } from '../capture/index.ts';
import { toHex } from '../protocol/index.ts';
import { formatCaptureHuman } from './capture-human.ts';
import type { DecodeOptions, DecodeOutput, ReadFile } from './decode-core.ts';
import { nodeInflater } from './inflate.ts';

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

export interface CaptureArgs {
  file: string | null;
  json: boolean;
  help: boolean;
}

/**
 * The command line, if it asks for a capture (`--capture F` or `--capture=F` anywhere), else null.
 * Only `--json` and `--help` go with it.
 */
export function captureArgs(argv: readonly string[]): { ok: true; args: CaptureArgs } | { ok: false; error: string } | null {
  if (!argv.some((a) => a === '--capture' || a.startsWith('--capture='))) return null;
  const args: CaptureArgs = { file: null, json: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--capture' || arg.startsWith('--capture=')) {
      const value = arg === '--capture' ? argv[++i] : arg.slice('--capture='.length);
      if (value === '-h' || value === '--help') {
        args.help = true;
        continue;
      }
      if (value === undefined || value === '') return { ok: false, error: '--capture needs a file name' };
      if (args.file !== null) return { ok: false, error: 'give --capture once' };
      args.file = value;
    } else if (arg === '--json') {
      args.json = true;
    } else if (arg === '-h' || arg === '--help') {
      args.help = true;
    } else if (arg.startsWith('-')) {
      return { ok: false, error: `${arg.split('=')[0]} does not go with --capture (only --json does)` };
    } else {
      return { ok: false, error: `--capture reads the file it names; ${JSON.stringify(arg)} is one argument too many` };
    }
  }
  return { ok: true, args };
}

/** The whole `--capture` command. */
export function runCapture(parsed: NonNullable<ReturnType<typeof captureArgs>>, readFile: ReadFile | undefined, options: DecodeOptions = {}): DecodeOutput {
  if (!parsed.ok) return { stdout: '', stderr: `decode: ${parsed.error}\n\n${CAPTURE_USAGE}`, exitCode: 2 };
  const { args } = parsed;
  if (args.help) return { stdout: CAPTURE_USAGE, stderr: '', exitCode: 0 };
  if (!readFile) return { stdout: '', stderr: 'decode: reading files is not available here\n', exitCode: 2 };
  let bytes: Uint8Array;
  try {
    bytes = readFile(args.file!);
  } catch (err) {
    return { stdout: '', stderr: `decode: cannot read ${args.file}: ${fileError(err)}\n`, exitCode: 2 };
  }
  const report = importInChunks(bytes);
  const unreadable = report.error?.code === 'unrecognized';
  const exitCode = unreadable ? 2 : report.error !== null ? 1 : 0;
  const stderr = report.error !== null ? `decode: ${args.file}: ${report.error.message}${report.error.atByte !== undefined ? ` (at byte ${report.error.atByte})` : ''}\n` : '';
  if (args.json) return { stdout: `${JSON.stringify(captureJson(report), null, 2)}\n`, stderr, exitCode };
  if (unreadable) return { stdout: '', stderr, exitCode };
  return { stdout: formatCaptureHuman(args.file!, report, { color: options.color ?? false }), stderr: '', exitCode };
}

/** The file through the incremental API, a megabyte at a time (as a worker would feed it). */
export function importInChunks(bytes: Uint8Array, chunk = 1 << 20): CaptureReport {
  const importer = new CaptureImporter({ inflate: nodeInflater });
  for (let at = 0; at < bytes.length; at += chunk) importer.push(bytes.subarray(at, at + chunk));
  return importer.finish();
}

// ---- JSON ------------------------------------------------------------------------------------

export interface CaptureJson {
  format: string | null;
  linkType: string | null;
  packets: number;
  connections: {
    client: string;
    server: string;
    handshake: { request: string | null; status: number | null; secWebSocketKey: string | null; secWebSocketAccept: string | null };
    frames: {
      dir: 'c2s' | 's2c';
      fin: boolean;
      rsv1: boolean;
      rsv2: boolean;
      rsv3: boolean;
      opcode: number;
      masked: boolean;
      payloadLength: number;
      maskingKey: string | null;
      payload: string;
    }[];
    messages: { dir: 'c2s' | 's2c'; opcode: number; text?: string; payload: string }[];
  }[];
  nonWebSocketStreams: number;
  error?: { code: string; message: string; atByte?: number };
}

/** The report as the one JSON object the CLI prints (docs/cli.md). */
export function captureJson(report: CaptureReport): CaptureJson {
  const out: CaptureJson = {
    format: report.format,
    linkType: report.linkType,
    packets: report.packets,
    connections: report.connections.map((c) => ({
      client: c.client,
      server: c.server,
      handshake: {
        request: c.handshake.request,
        status: c.handshake.status,
        secWebSocketKey: c.handshake.secWebSocketKey,
        secWebSocketAccept: c.handshake.secWebSocketAccept,
      },
      frames: c.frames.map(({ dir, frame: f }) => ({
        dir,
        fin: f.fin,
        rsv1: f.rsv1,
        rsv2: f.rsv2,
        rsv3: f.rsv3,
        opcode: f.opcode,
        masked: f.masked,
        payloadLength: f.payloadLength,
        maskingKey: f.maskingKey === null ? null : toHex(f.maskingKey),
        payload: toHex(f.payload),
      })),
      messages: c.messages.map((m) => ({ dir: m.dir, opcode: m.opcode, ...(m.text !== null ? { text: m.text } : {}), payload: toHex(m.payload) })),
    })),
    nonWebSocketStreams: report.nonWebSocketStreams,
  };
  if (report.error !== null) {
    const { code, message, atByte } = report.error;
    out.error = { code, message, ...(atByte !== undefined && atByte >= 0 ? { atByte } : {}) };
  }
  return out;
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
