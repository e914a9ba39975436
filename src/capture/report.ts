/**
 * What an import gives: the WebSocket connections found in a capture, each with its handshake,
 * its frames both ways (decoded by the codec's FrameParser, exactly as a receiver would), the
 * messages they add up to, and what stopped each direction; plus the file's problems.
 */
import type { Fault, Frame } from '../protocol/index.ts';
import type { DeflateParameters } from './deflate.ts';
import type { CaptureFormat } from './file-reader.ts';
import type { CaptureProblem } from './packet.ts';
import type { Direction } from './tcp-streams.ts';

export type { Direction };

export interface ImportedFrame {
  dir: Direction;
  /** Unix epoch ms of the packet that brought the frame's last byte. */
  time: number;
  /** Index of that packet in the file (0-based), or of the event in a JSON capture; -1 when none. */
  packet: number;
  /** The codec's frame: every header field, the masking key, the payload unmasked, `offset` in its direction's stream (0 = the first byte after the HTTP head). */
  frame: Frame;
}

export interface ImportedMessage {
  dir: Direction;
  time: number;
  /** 1 text, 2 binary (a whole message, fragments joined); 8 close, 9 ping, 10 pong (one frame each). */
  opcode: number;
  /** The message: fragments joined, and inflated when it was compressed and an inflater was given. */
  payload: Uint8Array;
  /** The text of a text message that is valid UTF-8; null otherwise. */
  text: string | null;
  frames: number;
  /** RSV1 was set on its first frame (permessage-deflate). */
  compressed: boolean;
  /** `payload` is the inflated message (false when not compressed, or when it could not be inflated). */
  inflated: boolean;
  /** What went wrong with it: no inflater, data that does not inflate, invalid UTF-8. */
  error: string | null;
}

export interface ImportedFault {
  dir: Direction;
  time: number;
  /** The codec's fault: rule, close code, stream offset of the byte at fault, RFC section, message. */
  fault: Fault;
  /** The faulty frame's bytes as they were on the wire (masked), from `fault.frameOffset`, as far as captured (at most 64 KiB). */
  bytes: Uint8Array;
}

/** How one direction's byte stream ended. */
export interface StreamEnd {
  /** Bytes after the HTTP head. */
  bytes: number;
  /** 'fin', 'rst', 'eof' (the capture stopped first), 'gap' (bytes missing), or null while open. */
  end: 'fin' | 'rst' | 'eof' | 'gap' | null;
  /** Where the stream stops inside a frame (and how many bytes that frame still needed). */
  incomplete: { offset: number; have: number; needed: number } | null;
  /** Bytes never captured, at this stream offset (after the head); the frames stop there. */
  missing: { at: number; bytes: number } | null;
}

export interface Handshake {
  /** The request head as captured, CRLFs included; null when it was not captured whole. */
  request: string | null;
  /** The response head as captured (without any body), or null. */
  response: string | null;
  method: string | null;
  target: string | null;
  status: number | null;
  secWebSocketKey: string | null;
  secWebSocketAccept: string | null;
  /** Does the accept value match the key (RFC 6455 §4.2.2)? null when either is missing. */
  acceptValid: boolean | null;
  secWebSocketProtocol: string | null;
  secWebSocketExtensions: string | null;
  deflate: DeflateParameters | null;
}

export interface ImportedConnection {
  /** "host:port", "[::1]:port" for IPv6. */
  client: string;
  server: string;
  /** Time of the connection's first packet (or event). */
  start: number;
  handshake: Handshake;
  frames: ImportedFrame[];
  messages: ImportedMessage[];
  faults: ImportedFault[];
  c2s: StreamEnd;
  s2c: StreamEnd;
}

export interface CaptureReport {
  /** null when the file is not a capture this reader knows. */
  format: CaptureFormat | null;
  /** Link type name(s) of the capture's interfaces ("ethernet", "linux_sll", ...), comma-separated; null for JSON. */
  linkType: string | null;
  /** Packet records in the file (events, for a JSON capture). */
  packets: number;
  /** WebSocket connections: a handshake with `Upgrade: websocket` in it, whatever the answer was. */
  connections: ImportedConnection[];
  /** TCP connections that carried no WebSocket handshake. */
  nonWebSocketStreams: number;
  /** Everything that went wrong, in the order found. */
  problems: CaptureProblem[];
  /** The problem that matters most: a cut file, then a corrupt one, then missing bytes; null when read whole. */
  error: CaptureProblem | null;
  /** Things worth saying that are not errors ("12 packets were not TCP"). */
  notes: string[];
}

/** Progress of an import, for a progress bar: bytes and packets read so far. */
export interface ImportProgress {
  bytes: number;
  packets: number;
  connections: number;
  webSocketConnections: number;
}

/** Which problem the one-line `error` names. */
export function mainProblem(problems: readonly CaptureProblem[]): CaptureProblem | null {
  const order: CaptureProblem['code'][] = ['unrecognized', 'truncated', 'corrupt', 'payload-missing'];
  for (const code of order) {
    const found = problems.find((p) => p.code === code);
    if (found) return found;
  }
  return null;
}
