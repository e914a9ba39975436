/**
 * `npm run decode -- --capture FILE [--json]`: the capture importer (src/capture) in a terminal.
 * A pcap or pcapng file from Wireshark, tcpdump or dumpcap, or a Framescope JSON capture, in;
 * every WebSocket connection in it out, frame by frame, both ways, with the messages they add up
 * to (permessage-deflate inflated with node:zlib). Pure like decode-core.ts: the command line read
 * by args.ts (`parseCaptureArgs`) and a file reader in, `{ stdout, stderr, exitCode }` out.
 *
 * Exit status: 0 the file was read whole; 1 it is cut short, or bytes that were on the wire are
 * missing from it (snapshot length, packets not captured), or it is corrupt part-way; 2 bad usage,
 * or a file that cannot be read or is not a capture.
 */
import { CaptureImporter, type CaptureReport } from '../capture/index.ts';
import { toHex } from '../protocol/index.ts';
import { formatCaptureHuman } from './capture-human.ts';
import { CAPTURE_USAGE, type ParsedCaptureArgs } from './args.ts';
import { fileError, type DecodeOptions, type DecodeOutput, type ReadFile } from './command.ts';
import { nodeInflater } from './inflate.ts';

/** The whole `--capture` command. */
export function runCapture(parsed: ParsedCaptureArgs, readFile: ReadFile | undefined, options: DecodeOptions = {}): DecodeOutput {
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
