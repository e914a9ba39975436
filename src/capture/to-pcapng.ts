/**
 * A Framescope capture as pcapng, the file Wireshark and tshark open: each connection becomes a
 * TCP conversation (tcp-synth.ts) carrying the real bytes between the real ports. The client's
 * bytes go out one TCP segment per read the server reported (bytes it reported in frames but not
 * in reads, one segment per frame); the server's, one segment per frame (its writes are not
 * reported). The request head is rebuilt from the header lines the inspector reported; the
 * response head is as written. Bytes the capture does not have are never made up: a frame saved
 * cut short is written as a packet cut short (captured length under original length), and a
 * stretch never reported is a jump in sequence numbers, as after a packet a capture missed.
 */
import { bytesOfHex, latin1 } from './bytes.ts';
import type { Endpoint } from './decode-packet.ts';
import { eventDirection, requestHead, wallOf, type CaptureConnection, type CaptureFile } from './format.ts';
import { parseEndpoint, serverEndpoint } from './json-import.ts';
import { writePcapng, type PcapngPacket, type PcapngWriterOptions } from './pcapng-write.ts';
import { TcpConversation, type Side, type SynthPacket } from './tcp-synth.ts';

/** Bytes sent by one side at one time: `length` on the wire, of which the first `known.length` are known. */
interface Send {
  side: Side;
  offset: number;
  length: number;
  known: Uint8Array;
  time: number;
  comment?: string;
}

interface Piece {
  offset: number;
  bytes: Uint8Array;
  size: number;
  time: number;
}


/** The whole capture as a pcapng file. */
export function captureToPcapng(capture: CaptureFile, options: PcapngWriterOptions = {}): Uint8Array {
  return writePcapng(capturePackets(capture), {
    interfaceDescription: `Framescope capture${capture.name ? ` "${capture.name}"` : ''}: TCP headers written around the bytes the server saw`,
    ...options,
  });
}

/** The packets of every connection, in time order. */
export function capturePackets(capture: CaptureFile): SynthPacket[] {
  const all: SynthPacket[] = [];
  capture.connections.forEach((conn, i) => all.push(...connectionPackets(conn, i)));
  // Stable: packets of one connection at the same microsecond keep their order.
  return all.map((p, i) => ({ p, i })).sort((a, b) => a.p.time - b.p.time || a.i - b.i).map(({ p }) => p);
}

export function connectionPackets(conn: CaptureConnection, index = 0): SynthPacket[] {
  const server = serverEndpoint(conn);
  const client = parseEndpoint(conn.client) ?? { address: server.address.includes(':') ? '::1' : '127.0.0.1', port: 0 };
  const tcp = new TcpConversation(client, server, { client: isn(`${conn.client} ${index} c`), server: isn(`${conn.client} ${index} s`) });
  const opened = conn.wall;
  const out: SynthPacket[] = [];
  // The handshake just before the server answered it (the capture has only the time of the answer).
  out.push(...tcp.open(opened - 0.003));
  const request = latin1(requestHead(conn.request));
  out.push(...tcp.send('client', request, request.length, opened - 0.001, { ack: false }));
  const response = latin1(conn.response.head);
  out.push(...tcp.send('server', response, response.length, opened, { comment: conn.refusal !== undefined ? `Framescope: refused: ${conn.refusal}` : conn.proxy !== undefined ? `Framescope: relayed through /proxy to ${conn.proxy.target} (${conn.proxy.address}): the server's bytes here are the target's, unchanged` : undefined }));

  const all = [...sends(conn, 'client'), ...sends(conn, 'server')];
  const order = all.map((s, i) => ({ s, i })).sort((a, b) => a.s.time - b.s.time || a.i - b.i).map(({ s }) => s);
  const sent: Record<Side, number> = { client: 0, server: 0 };
  for (const s of order) {
    if (s.offset > sent[s.side]) {
      tcp.skip(s.side, s.offset - sent[s.side]);
      sent[s.side] = s.offset;
    }
    const from = sent[s.side] - s.offset;
    if (from >= s.length) continue;
    out.push(...tcp.send(s.side, s.known.subarray(Math.min(from, s.known.length)), s.length - from, s.time, { comment: s.comment }));
    sent[s.side] = s.offset + s.length;
  }

  if (conn.connection === null) {
    out.push(...tcp.close('server', opened));
    return out;
  }
  const error = conn.events.find((e) => e.type === 'socket-error');
  const closed = conn.events.find((e) => e.type === 'closed');
  if (error !== undefined && error.type === 'socket-error' && /RESET|ECONNRESET|EPIPE/i.test(`${error.code ?? ''} ${error.message}`)) {
    const rst = tcp.reset('client', wallOf(conn, error));
    rst[0]!.comment = `Framescope: socket error: ${error.message}`;
    out.push(...rst);
  } else if (closed !== undefined && closed.type === 'closed') {
    // RFC 6455 §7.1.1: "the underlying TCP connection, in most normal cases, SHOULD be closed first by the server".
    const first: Side = closed.wasClean || closed.cause !== null ? 'server' : 'client';
    const fins = tcp.close(first, wallOf(conn, closed));
    fins[0]!.comment = `Framescope: closed ${closed.code}${closed.reason ? ` "${closed.reason}"` : ''}${closed.wasClean ? ', clean' : ''}${closed.initiator ? `, close started by the ${closed.initiator}` : ''}${closed.cause ? ` (${closed.cause})` : ''}`;
    out.push(...fins);
  }
  return out;
}

/**
 * One side's bytes: one send per reported read of them, and one per reported frame where no read
 * covers it. The server reports its reads of the client's bytes; a proxied connection's `out`
 * reads are the proxy's reads of the target's bytes. Where there are none (the server's own
 * writes are not reported as reads), each frame is a send.
 */
function sends(conn: CaptureConnection, side: Side): Send[] {
  const mine = side === 'client' ? 'in' : 'out';
  const pieces: Piece[] = [];
  const reads: { offset: number; size: number; time: number }[] = [];
  const notes: { offset: number; comment: string }[] = [];
  for (const e of conn.events) {
    if (eventDirection(e) !== mine) continue;
    if (e.type === 'frame') {
      pieces.push({ offset: e.offset, bytes: bytesOfHex(e.bytes)!, size: e.size, time: wallOf(conn, e) });
      if (e.misbehave) notes.push({ offset: e.offset, comment: `Framescope: a frame that breaks RFC 6455 on purpose (misbehave: ${e.misbehave})` });
    } else if (e.type === 'fault') {
      const bytes = bytesOfHex(e.bytes)!;
      pieces.push({ offset: e.frameOffset, bytes, size: bytes.length, time: wallOf(conn, e) });
      notes.push({ offset: e.offset, comment: side === 'client' ? `Framescope: the server failed the connection here: ${e.message}` : `Framescope: the target broke RFC 6455 here: ${e.message}` });
    } else if (e.type === 'read' && e.size > 0) {
      reads.push({ offset: e.offset, size: e.size, time: wallOf(conn, e) });
      // A proxied connection's reads after decoding stopped carry their bytes (capped).
      if (e.bytes !== undefined) pieces.push({ offset: e.offset, bytes: bytesOfHex(e.bytes)!, size: e.size, time: wallOf(conn, e) });
    }
  }
  pieces.sort((a, b) => a.offset - b.offset);
  reads.sort((a, b) => a.offset - b.offset);
  const out: Send[] = reads.map((r) => ({ side, offset: r.offset, length: r.size, known: knownPrefix(pieces, r.offset, r.offset + r.size), time: r.time }));
  // Frames no read covers (reads the page did not keep, or no reads reported at all): a segment each.
  for (const piece of pieces) {
    for (const [from, to] of uncovered(reads, piece.offset, piece.offset + piece.size)) {
      out.push({ side, offset: from, length: to - from, known: knownPrefix(pieces, from, to), time: piece.time });
    }
  }
  for (const note of notes) {
    const s = out.find((x) => x.offset <= note.offset && note.offset < x.offset + x.length) ?? out.find((x) => x.offset === note.offset);
    if (s) s.comment = s.comment === undefined ? note.comment : `${s.comment}; ${note.comment}`;
  }
  return out.sort((a, b) => a.offset - b.offset);
}

/** The bytes known from `from` on, as far as they run without a hole, up to `to`. */
function knownPrefix(pieces: readonly Piece[], from: number, to: number): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = from;
  let lo = 0;
  let hi = pieces.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pieces[mid]!.offset + pieces[mid]!.bytes.length <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < pieces.length && at < to; i++) {
    const p = pieces[i]!;
    if (p.offset > at) break;
    const end = Math.min(to, p.offset + p.bytes.length);
    if (end > at) parts.push(p.bytes.subarray(at - p.offset, end - p.offset));
    at = Math.max(at, end);
    if (p.offset + p.bytes.length < p.offset + p.size) break; // a frame saved cut short: a hole after it
  }
  const out = new Uint8Array(at - from);
  let n = 0;
  for (const part of parts) {
    out.set(part, n);
    n += part.length;
  }
  return out;
}

/** The parts of [from, to) that no read covers (reads sorted by offset, not overlapping). */
function uncovered(reads: readonly { offset: number; size: number }[], from: number, to: number): [number, number][] {
  const out: [number, number][] = [];
  let at = from;
  let lo = 0;
  let hi = reads.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reads[mid]!.offset + reads[mid]!.size <= from) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < reads.length; i++) {
    const r = reads[i]!;
    if (r.offset + r.size <= at) continue;
    if (r.offset >= to) break;
    if (r.offset > at) out.push([at, r.offset]);
    at = Math.max(at, r.offset + r.size);
    if (at >= to) break;
  }
  if (at < to) out.push([at, to]);
  return out;
}

/** An initial sequence number from a string (FNV-1a): the same capture always gives the same file. */
function isn(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export type { Endpoint, PcapngPacket };
