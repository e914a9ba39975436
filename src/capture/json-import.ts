/**
 * A Framescope JSON capture read like a pcap: each connection's handshake and frame bytes are fed
 * through the same follower (websocket-follow.ts) as a TCP stream would be, so its frames and
 * messages come out of the same parser. Frames saved cut short (`truncated`) and bytes never
 * reported (the inspector skipped or dropped them) are missing bytes: the frames of that
 * direction stop there, as after a gap in a TCP stream.
 */
import { bytesOfHex, count, joinChunks, latin1 } from './bytes.ts';
import { Utf8Validator } from '../protocol/index.ts';
import type { Endpoint } from './decode-packet.ts';
import { parseCapture } from './format-read.ts';
import { eventDirection, requestHead, wallOf, type CaptureConnection, type CaptureFile } from './format.ts';
import type { CaptureProblem } from './packet.ts';
import { mainProblem, type CaptureReport } from './report.ts';
import { WebSocketFollower, type FollowOptions } from './websocket-follow.ts';

/** The report for a JSON capture's text (as the chunks of a file). */
export function reportFromCaptureText(chunks: readonly Uint8Array[], options: FollowOptions): CaptureReport {
  const bytes = joinChunks(chunks);
  const fail = (problem: CaptureProblem): CaptureReport => ({ format: 'json', linkType: null, packets: 0, connections: [], nonWebSocketStreams: 0, problems: [problem], error: problem, notes: [] });
  // RFC 8259 §8.1: JSON text is UTF-8. Anything else is not our capture (and would shift every byte offset below).
  const utf8 = new Utf8Validator();
  const bad = utf8.update(bytes);
  if (bad !== -1 || !utf8.complete) {
    const at = bad !== -1 ? bad : bytes.length - utf8.pendingBytes;
    return fail({ code: 'unrecognized', atByte: at, message: `this starts like a JSON capture but byte ${at} is not UTF-8, and JSON text is` });
  }
  const text = new TextDecoder().decode(bytes);
  const parsed = parseCapture(text);
  if (!parsed.ok) {
    const { message, line, column, index } = parsed.error;
    return fail({ code: 'unrecognized', atByte: byteIndex(text, index), message: `${message} (line ${line}, column ${column})` });
  }
  const report = reportFromCapture(parsed.capture, options);
  report.notes.push(...parsed.warnings);
  return report;
}

export function reportFromCapture(capture: CaptureFile, options: FollowOptions = {}): CaptureReport {
  const problems: CaptureProblem[] = [];
  const notes: string[] = [];
  const connections = [];
  let events = 0;
  for (const conn of capture.connections) {
    events += conn.events.length;
    const client = parseEndpoint(conn.client) ?? { address: '0.0.0.0', port: 0 };
    const follower = new WebSocketFollower({ client, server: serverEndpoint(conn), time: conn.wall, sawSyn: true }, options, problems);
    const head = latin1(requestHead(conn.request));
    const response = latin1(conn.response.head);
    follower.c2s.data(head, conn.wall, -1);
    follower.s2c.data(response, conn.wall, -1);
    feed(conn, 'in', follower, head.length, problems);
    feed(conn, 'out', follower, response.length, problems);
    const dropped = conn.events.filter((e) => e.type === 'dropped').reduce((n, e) => n + (e as { count: number }).count, 0);
    if (dropped > 0) notes.push(`connection ${conn.connection ?? conn.client}: ${count(dropped, 'inspector event')} ${dropped === 1 ? 'was' : 'were'} skipped or dropped while it was saved`);
    if (follower.isWebSocket) {
      // Fed one direction after the other: put both in time order, as a packet capture gives them.
      const result = follower.result;
      result.frames.sort((a, b) => a.time - b.time);
      result.messages.sort((a, b) => a.time - b.time);
      result.faults.sort((a, b) => a.time - b.time);
      connections.push(result);
    }
  }
  return {
    format: 'json',
    linkType: null,
    packets: events,
    connections,
    nonWebSocketStreams: capture.connections.length - connections.length,
    problems,
    error: mainProblem(problems),
    notes,
  };
}

/**
 * One direction's bytes in offset order: each frame at its own time, a hole where bytes are
 * unknown. `head`: bytes of the HTTP head already fed (the sink counts stream offsets from the
 * head's first byte; the events, from the byte after it).
 */
function feed(conn: CaptureConnection, direction: 'in' | 'out', follower: WebSocketFollower, head: number, problems: CaptureProblem[]): void {
  const dir = direction === 'in' ? 'c2s' : 's2c';
  const sink = follower[dir];
  const pieces: { offset: number; bytes: Uint8Array; size: number; t: number; wall?: number; index: number; cut: boolean }[] = [];
  conn.events.forEach((e, index) => {
    if (eventDirection(e) !== direction) return;
    if (e.type === 'frame') {
      pieces.push({ offset: e.offset, bytes: bytesOfHex(e.bytes)!, size: e.size, t: e.t, wall: e.wall, index, cut: e.truncated });
    } else if (e.type === 'fault') {
      // The frame refused (by the server, or for a proxied target by the proxy's tap): its bytes
      // so far (the codec will find the same fault in them).
      const bytes = bytesOfHex(e.bytes)!;
      pieces.push({ offset: e.frameOffset, bytes, size: bytes.length, t: e.t, wall: e.wall, index, cut: false });
    } else if (e.type === 'read' && e.bytes !== undefined && e.size > 0) {
      // A proxied connection's read after decoding stopped: its bytes as relayed (capped).
      const bytes = bytesOfHex(e.bytes)!;
      pieces.push({ offset: e.offset, bytes, size: e.size, t: e.t, wall: e.wall, index, cut: bytes.length < e.size });
    }
  });
  pieces.sort((a, b) => a.offset - b.offset);
  const name = `connection ${conn.connection ?? conn.client} ${direction === 'in' ? 'client\u2192server' : 'server\u2192client'}`;
  let at = 0;
  /** The last piece fed was a frame saved cut short: the hole after it is already reported. */
  let cut = false;
  for (const piece of pieces) {
    if (piece.offset > at) {
      if (!cut) problems.push({ code: 'payload-missing', message: `${name}: ${count(piece.offset - at, 'byte')} at stream byte ${at.toLocaleString('en-US')} were not saved (the inspector skipped or dropped them, or the page let them go): decoding resumes at byte ${piece.offset.toLocaleString('en-US')}, where the next saved frame starts` });
      // The capture says where the next frame starts, so decoding goes on from there (a TCP hole would end it).
      follower.resumeAt(dir, piece.offset);
      at = piece.offset;
    }
    cut = false;
    const from = at - piece.offset;
    if (from < piece.bytes.length) sink.data(piece.bytes.slice(from), wallOf(conn, piece), piece.index);
    at = Math.max(at, piece.offset + piece.bytes.length);
    if (piece.cut) {
      cut = true;
      problems.push({ code: 'payload-missing', message: `${name}: the frame at stream byte ${piece.offset.toLocaleString('en-US')} was saved with ${count(piece.bytes.length, 'byte')} of its ${piece.size.toLocaleString('en-US')} (the inspector reports a frame's first bytes only): decoding resumes with the next frame saved` });
    }
  }
  const last = pieces.at(-1);
  if (cut && last !== undefined) {
    sink.gap(last.offset + last.size - at, head + at, -1);
    return;
  }
  const closed = conn.events.some((e) => e.type === 'closed');
  sink.end(closed ? 'fin' : 'eof');
}

/**
 * "127.0.0.1:8008", "[::1]:8008" → endpoint; null when it is neither. An IPv4-mapped IPv6 address
 * ("[::ffff:127.0.0.1]", what a dual-stack server sees) is the IPv4 address it maps.
 */
export function parseEndpoint(text: string): Endpoint | null {
  const m = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(text) ?? /^([^:\s[\]]+):(\d{1,5})$/.exec(text);
  if (m === null) return null;
  const port = Number(m[2]);
  const address = m[1]!.toLowerCase().replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, '$1');
  return port <= 0xffff ? { address, port } : null;
}

const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/**
 * The server's address: as saved, or else the port of the request's Host header (80 when it has
 * none) and its host when that is an IP address of the client's family, else that family's
 * loopback address (the Host may be a name such as "localhost").
 */
export function serverEndpoint(conn: CaptureConnection): Endpoint {
  const saved = conn.server !== null ? parseEndpoint(conn.server) : null;
  if (saved !== null) return saved;
  const v6 = parseEndpoint(conn.client)?.address.includes(':') ?? false;
  const host = conn.request.headers.find((h) => /^host\s*:/i.test(h))?.replace(/^host\s*:\s*/i, '').trim() ?? '';
  const withPort = /:\d{1,5}$/.test(host) && (!host.includes('[') || host.includes(']:')) ? host : `${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:80`;
  const parsed = parseEndpoint(withPort);
  const port = parsed?.port ?? 80;
  const literal = parsed !== null && (v6 ? parsed.address.includes(':') : IPV4.test(parsed.address)) ? parsed.address : null;
  return { address: literal ?? (v6 ? '::1' : '127.0.0.1'), port };
}

/** The byte offset in UTF-8 of a string index (for `atByte` on a JSON error). */
function byteIndex(text: string, index: number): number {
  return new TextEncoder().encode(text.slice(0, index)).length;
}
